"""Reading an FDA label's words: its indications as a list, and a summary that names them.

Pure functions on the text the label import keeps (drugs/labels/parsing.py `clean_text`):
nothing here touches the database, and nothing is reworded beyond dropping cross-references
("( 1.1 )", "[see Clinical Studies (14)]") and trailing punctuation. When the text cannot be
read as a list, the callers quote the label's paragraph instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

# "indicated", not "contraindicated", "not indicated" nor "when indicated".
INDICATED = re.compile(
    r"(?<![\w-])(?<!not )(?<!when )(?<!where )(?<!if )(?<!as )(?<!unless )indicated\b",
    re.IGNORECASE,
)
SEE_REFERENCE = re.compile(r"\s*(?:\[\s*see [^\]]*\]|\(\s*see [^)]*\))", re.IGNORECASE)
# A cross-reference that ends an item in a label's Highlights: "( 1.1 )", "(1, 14)", "( 1)".
ITEM_END = re.compile(r"\s*\(\s*\d{1,2}(?:\.\d{1,2})?(?:\s*,\s*\d{1,2}(?:\.\d{1,2})?)*\s*\)\s*")
BULLET = re.compile(r"\s*[•●▪◦]\s*")
CROSS_REFERENCE = re.compile(
    r"\s*(?:\[\s*see [^\]]*\]|\(\s*see [^)]*\)|\(\s*\d{1,2}(?:\.\d{1,2})*"
    r"(?:\s*,\s*\d{1,2}(?:\.\d{1,2})*)*\s*\))",
    re.IGNORECASE,
)
# A cross-reference may stand between a sentence and the next: "… inadequate. (1) Limitations".
SENTENCE_END = re.compile(r"(?<=[A-Za-z0-9)\]%][.!?])(?:\s*\(\s*\d[\d.,\s]*\))?\s+(?=[A-Z•])")
# What ends a list of uses: the label's "Limitations of Use" and the like.
LIMITATIONS = re.compile(r"^(?:important )?limitations? of use|^limitation", re.IGNORECASE)
LIMITATIONS_ANYWHERE = re.compile(r"\b(?:important )?limitations? of use\b", re.IGNORECASE)
# A sentence that says something about the uses rather than naming one.
PROSE = re.compile(
    r"(?<!who )(?<!that )(?<!which )"
    r"\b(?:is|are|was|were|should|may|must|will|has been|have been|cannot)\b",
    re.IGNORECASE,
)
# Words that make a one-sentence use a statement instead: "… should be performed …".
NOT_A_USE = re.compile(
    r"\b(?:should|must|may|not indicated|not been|is not|are not|safety and effectiveness)\b",
    re.IGNORECASE,
)
# Where a bulleted item runs into the next list's lead: "• acute gout the management of: • pain".
SUB_LEAD = re.compile(
    r"(?:\bthe\s+)?\b(?:relief|management|treatment|prevention|prophylaxis)\b[^:]*$",
    re.IGNORECASE,
)
# The words between "indicated" and the use, for a use stated in one sentence.
LEAD = re.compile(
    r"^(?:(?:as (?:an? )?(?:adjunct(?:ive)?|single agent|monotherapy)[\w ,-]*?)?\s*"
    r"(?:for(?: use)?(?: in)?|in)\s+)?"
    r"(?:the\s+)?(?:(?:short-term|long-term|acute|chronic|symptomatic|adjunctive|initial|"
    r"maintenance|relief and)\s+)*"
    r"(?:treatment|management|relief|prevention|prophylaxis|control)(?:\s+and\s+"
    r"(?:treatment|management|relief|prevention|prophylaxis|control))?\s+of\s+",
    re.IGNORECASE,
)
# Words that make a name part of a longer one: "anxiety" in "social anxiety disorder".
LONGER_NAME = re.compile(r"\s+(?:disorders?|syndromes?|diseases?)\b", re.IGNORECASE)
MAX_ITEM_WORDS = 60
MAX_LEAD_WORDS = 30
SAME_USE_OVERLAP = 0.8
MAX_SUMMARY_LENGTH = 700


@dataclass(frozen=True)
class LabelUse:
    """One use as the label words it. `lead` is what the label says before it ("for the
    treatment of adult patients with"), shared by the uses of one list."""

    text: str
    lead: str = ""

    @property
    def key(self) -> str:
        return use_key(self.text)


def use_key(text: str) -> str:
    """What makes two wordings of a use the same: abbreviations in brackets, case and
    punctuation aside ("pulmonary embolism (PE)" and "Pulmonary embolism")."""
    text = re.sub(r"\([^)]*\)", " ", text).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def parse_uses(text: str) -> list[LabelUse]:
    """The uses an Indications and Usage section states, in its order, each once.

    A list the label marks item by item (its Highlights, each item closed by "( 1.1 )", or
    bullets) is taken over everything else; otherwise each "is indicated for …" sentence and
    each sentence of an unmarked "indicated for: A. B. C." list gives a use. An empty list
    means the text could not be read as uses: quote it instead."""
    marked: list[LabelUse] = []
    plain: list[LabelUse] = []
    for paragraph in text.split("\n\n"):
        paragraph = SEE_REFERENCE.sub("", paragraph)
        paragraph = re.sub(r"\s+([.,;:])", r"\1", " ".join(paragraph.split()))
        matches = list(INDICATED.finditer(paragraph))
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(paragraph)
            rest = paragraph[match.end() : end]
            sentence_end = _sentence_end(rest)
            colon = rest.find(":", 0, sentence_end)
            if colon >= 0 and _words(rest[:colon]) <= MAX_LEAD_WORDS:
                lead = _tidy_lead(rest[:colon])
                uses, is_marked = _list_uses(rest[colon + 1 :], lead=lead)
                (marked if is_marked else plain).extend(uses)
            else:
                use = _sentence_use(rest[:sentence_end])
                if use is not None:
                    plain.append(use)
    uses: list[LabelUse] = []
    for use in marked or plain:
        if use.key and not any(_same_use(use, other) for other in uses):
            uses.append(use)
    return uses


def _same_use(one: LabelUse, other: LabelUse) -> bool:
    """The same use worded twice, as a label's Highlights and its full text often do."""
    if one.key == other.key:
        return True
    # Word stems, so that "difficulty" and "difficulties" are one word.
    words, others = {w[:6] for w in one.key.split()}, {w[:6] for w in other.key.split()}
    return len(words & others) / len(words | others) >= SAME_USE_OVERLAP


def _sentence_end(text: str) -> int:
    match = SENTENCE_END.search(text)
    return match.start() if match else len(text)


def _tidy(text: str) -> str:
    text = CROSS_REFERENCE.sub("", text)
    return " ".join(text.split()).strip(" .;,:–—-")


def _item(text: str) -> str:
    """A use, tidied; a list's lead left at its end ("hyperaldosteronism for:") is dropped."""
    return re.sub(r"\s+(?:for|of|with|in)$", "", _tidy(text))


def _tidy_lead(text: str) -> str:
    return _tidy(text).removeprefix(",").strip()


def _words(text: str) -> int:
    return len(text.split())


def _list_uses(text: str, *, lead: str) -> tuple[list[LabelUse], bool]:
    """The uses after "indicated …:", and whether the label marked them one by one."""
    pieces = ITEM_END.split(text)
    if len(pieces) > 1:
        # Marked by cross-references: what follows the last one is not part of the list, and
        # a piece may hold a sentence about the use besides the use itself.
        candidates = []
        for piece in pieces[:-1]:
            limitations = LIMITATIONS_ANYWHERE.search(piece)
            piece = BULLET.split(piece[: limitations.start()] if limitations else piece)[-1]
            sentences = [_item(s) for s in SENTENCE_END.split(piece.strip())]
            candidates.append(next((s for s in sentences if not PROSE.search(s)), ""))
            if limitations:
                break
        is_marked = True
    elif BULLET.search(text):
        return _bulleted_uses(text, lead=lead), True
    else:
        candidates = SENTENCE_END.split(text.strip())
        is_marked = False
    uses = []
    for candidate in candidates:
        item = _item(candidate)
        if LIMITATIONS.match(item):
            break
        if not is_marked and (PROSE.search(item) or INDICATED.search(item)):
            break
        if _is_use(item):
            uses.append(LabelUse(item, lead))
    return uses, is_marked


def _is_use(item: str) -> bool:
    return bool(re.search(r"[A-Za-z]{3}", item)) and _words(item) <= MAX_ITEM_WORDS


def _bulleted_uses(text: str, *, lead: str) -> list[LabelUse]:
    """Uses in bullets, where a list may open with its own lead ("the relief of the signs and
    symptoms of: • A • B") and an item may run into the next list's ("• C the management of:
    • D") or into the next sentence."""
    pieces = BULLET.split(text)
    if pieces[0].strip():
        lead = _tidy(f"{lead} {pieces[0]}")
    uses = []
    for piece in pieces[1:]:
        item, colon, _rest = piece.partition(":")
        next_lead = ""
        if colon and (sub_lead := SUB_LEAD.search(item)):
            item, next_lead = item[: sub_lead.start()], sub_lead.group()
        item = SENTENCE_END.split(item.strip())[0]
        # "• Polyarticular Juvenile Idiopathic Arthritis Naproxen tablets are also": the
        # words after the last bullet run on into the label's next sentence.
        if prose := PROSE.search(item):
            # Cut where the sentence's subject starts: its last capitalised word before the
            # verb ("… Arthritis | Naproxen tablets are also").
            words = item[: prose.start()].split()
            start = max((i for i, w in enumerate(words) if w[:1].isupper()), default=0)
            item = " ".join(words[:start])
        item = _item(item)
        if LIMITATIONS.match(item):
            break
        if _is_use(item):
            uses.append(LabelUse(item, lead))
        if next_lead:
            lead = _tidy(next_lead)
            lead = lead if re.match(r"(?:for|in|as)\b", lead) else f"for {lead}"
    return uses


def _sentence_use(text: str) -> LabelUse | None:
    """The use a sentence such as "… is indicated for the treatment of X in adults." states."""
    text = _item(text)
    match = LEAD.match(text)
    if match:
        lead, item = _tidy(match.group()), text[match.end() :]
    elif text[:3].lower() == "to ":
        lead, item = "", text
    else:
        lead, item = "", re.sub(r"^(?:for|as|in)\s+", "", text, flags=re.IGNORECASE)
    # Definitions and trial criteria that follow a use are not the use: "…, as defined in …".
    item = re.split(r";|,? as defined (?:in|by)\b", item, maxsplit=1)[0].strip(" ,")
    if not _is_use(item) or NOT_A_USE.search(item):
        return None
    return LabelUse(item, lead)


def uses_summary(name: str, uses: list[LabelUse], *, limit: int = MAX_SUMMARY_LENGTH) -> str:
    """A summary that names every use, said plainly to come from the label: "According to
    its FDA label, sertraline is used for the treatment of: major depressive disorder in
    adults; …". Uses that do not fit in `limit` characters are counted, not named."""
    if not uses:
        return ""
    opening = f"According to its FDA label, {name[:1].lower() + name[1:]} is used"
    groups: list[tuple[str, list[str]]] = []
    for use in uses:
        if groups and groups[-1][0] == use.lead:
            groups[-1][1].append(use.text)
        else:
            groups.append((use.lead, [use.text]))
    parts, named = [], 0
    for lead, texts in groups:
        shown = []
        for text in texts:
            if len(opening) + sum(map(len, parts)) + sum(map(len, shown)) + len(text) > limit:
                break
            shown.append(text)
        if not shown:
            break
        named += len(shown)
        lead = lead or ("" if all(t[:3].lower() == "to " for t in shown) else "for")
        lead = re.sub(r"^for use (?=in |as )", "", lead.replace("for: ", "for "))
        if lead == "for":
            shown = [re.sub(r"^for\s+", "", t) for t in shown]
        joined = "; ".join(_lower_first(t) for t in shown)
        parts.append(f"{lead}: {joined}" if lead else joined)
        if len(shown) < len(texts):
            break
    if not parts:
        return ""
    summary = f"{opening} {'; and '.join(parts)}"
    left = len(uses) - named
    if left:
        summary += f"; and for {left} other use{'s' if left > 1 else ''} listed on this page"
    return summary + "."


def _lower_first(text: str) -> str:
    """ "Pneumonia" → "pneumonia", but "HER2-positive", "Crohn's disease" and "Attention
    Deficit Hyperactivity Disorder" stay as they are."""
    first, _space, rest = text.partition(" ")
    if rest[:1].isupper():
        return text
    if first[:1].isupper() and first[1:].islower() and first.isalpha():
        return text[:1].lower() + text[1:]
    return text


def first_paragraph(text: str) -> str:
    """The section's first paragraph, cross-references dropped: what is quoted when the
    uses cannot be listed."""
    return _tidy(text.split("\n\n")[0]) if text else ""


# Finding a condition's name in label text ----------------------------------------------


def name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern that finds any of these names as whole words, case and a plural "s" aside."""
    alternatives = sorted(
        {re.escape(" ".join(name.split())) for name in names if name.strip()}, key=len
    )
    if not alternatives:
        return None
    words = "|".join(reversed(alternatives)).replace(r"\ ", r"\s+")
    return re.compile(rf"(?<![\w-])(?:{words})(?:e?s)?(?![\w-])", re.IGNORECASE)


def quote_use(uses: list[LabelUse], text: str, pattern: re.Pattern[str]) -> str:
    """The label's words for the first of its uses that the pattern names: the listed use
    with its lead ("indicated for the treatment of major depressive disorder in adults"),
    or, when the uses could not be listed, the "indicated" sentence; "" when none names it.
    `uses` are parse_uses(text)."""
    if uses:
        for use in uses:
            if pattern.search(use.text):
                return " ".join(["indicated", use.lead, use.text]).replace("  ", " ")
        return ""
    for paragraph in text.split("\n\n"):
        for sentence in SENTENCE_END.split(" ".join(paragraph.split())):
            if INDICATED.search(sentence) and pattern.search(sentence):
                return _tidy(sentence)
    return ""


# A label page: what the monograph shows from its labels ----------------------------------


class LabelSourceLike(Protocol):
    generic_name_raw: str
    brand_names_raw: list[str]
    sections: dict[str, str]


@dataclass(frozen=True)
class LabelPart:
    """A section's text from one label; `product` names the label when the drug's labels do
    not all say the same, and is "" when they do."""

    text: str
    product: str = ""


@dataclass(frozen=True)
class LabelPage:
    """What a label page shows from its FDA labels, besides the labels themselves."""

    uses: list[LabelUse]
    uses_quote: str  # the label's paragraph, when its uses cannot be listed
    boxed_warnings: list[LabelPart]
    contraindications: list[LabelPart]
    dosing: list[LabelPart]
    dosing_tables: list[LabelPart]

    @property
    def has_uses(self) -> bool:
        return bool(self.uses or self.uses_quote)

    @property
    def has_dosing(self) -> bool:
        return bool(self.dosing or self.dosing_tables)


def label_page(sources: Iterable[LabelSourceLike]) -> LabelPage:
    """The uses (from every label, each once), boxed warnings, contraindications and dosing of
    a drug's labels, each text once, saying which product's label it is when they differ."""
    sources = list(sources)
    uses: list[LabelUse] = []
    for source in sources:
        for use in parse_uses(source.sections.get("indications_and_usage", "")):
            if not any(_same_use(use, other) for other in uses):
                uses.append(use)
    quote = ""
    if not uses:
        quote = next(
            (
                first_paragraph(text)
                for source in sources
                if (text := source.sections.get("indications_and_usage", ""))
            ),
            "",
        )
    return LabelPage(
        uses=uses,
        uses_quote=quote,
        boxed_warnings=_parts(sources, "boxed_warning"),
        contraindications=_parts(sources, "contraindications"),
        dosing=_parts(sources, "dosage_and_administration"),
        dosing_tables=_parts(sources, "dosage_and_administration_table"),
    )


def _parts(sources: list[LabelSourceLike], key: str) -> list[LabelPart]:
    texts: dict[str, list[LabelSourceLike]] = {}
    for source in sources:
        if text := source.sections.get(key, "").strip():
            texts.setdefault(text, []).append(source)
    if len(texts) == 1 and len(next(iter(texts.values()))) == len(sources):
        return [LabelPart(next(iter(texts)))]
    return [
        LabelPart(text, "; ".join(_product(source) for source in labels))
        for text, labels in texts.items()
    ]


def _product(source: LabelSourceLike) -> str:
    brands = ", ".join(source.brand_names_raw)
    return f"{source.generic_name_raw} ({brands})" if brands else source.generic_name_raw


@dataclass(frozen=True)
class LinkedUse:
    """A use with the words that name a condition page picked out: before, named, after,
    and the address of that page."""

    use: LabelUse
    before: str
    named: str = ""
    after: str = ""
    url: str | None = None


def link_uses(uses: list[LabelUse], conditions: Iterable[tuple[str, list[str]]]) -> list[LinkedUse]:
    """Each use with the longest condition name (or synonym) it contains as whole words, so
    that the page can link it; `conditions` are (its page's address, [name, *synonyms])."""
    names = sorted(
        ((name.casefold(), url) for url, all_names in conditions for name in all_names),
        key=lambda pair: -len(pair[0]),
    )
    linked = []
    for use in uses:
        folded = use.text.casefold()
        for name, url in names:
            if name not in folded:  # cheap test first: most names are in no use
                continue
            pattern = name_pattern([name])
            match = pattern.search(use.text) if pattern else None
            # "stress" in "posttraumatic stress disorder" names another condition.
            if match and not LONGER_NAME.match(use.text, match.end()):
                text = use.text
                linked.append(
                    LinkedUse(
                        use,
                        text[: match.start()],
                        text[match.start() : match.end()],
                        text[match.end() :],
                        url,
                    )
                )
                break
        else:
            linked.append(LinkedUse(use, use.text))
    return linked
