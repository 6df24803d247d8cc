"""Condition summaries from MedlinePlus health topics, and the label uses that name them.

The file is MedQuAD's packaging of the MedlinePlus health topics (one JSON object a line:
id, url, focus, category, synonyms, qa[]): https://github.com/abachaa/MedQuAD. The text is
the U.S. National Library of Medicine's; MedQuAD's packaging is CC BY 4.0.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from drugs.label_text import LONGER_NAME, LabelUse, name_pattern, parse_uses, quote_use
from drugs.models import Condition, Indication, LabelSource, LabelStatus, Origin, class_key
from drugs.signals import catalogue_changed

SOURCE = "MedlinePlus, U.S. National Library of Medicine"
DATED = "2017"  # MedQuAD collected the summaries in 2017
# The file's categories are "Disease" (686 topics) and "Other" (tests, procedures, wellness).
CONDITION_CATEGORIES = frozenset({"Disease"})
# Topics filed as diseases that a medicine's label names without treating them: a
# contraceptive label says "to prevent pregnancy", which is no use for pregnancy.
NOT_TREATED = frozenset({"pregnancy", "birth control", "death"})
SUMMARY_PREFIX = re.compile(r"^\s*Summary\s*:\s*", re.IGNORECASE)
# The summaries keep their layout only as runs of spaces: three or more end a line.
LINE_BREAK = re.compile(r"\s{3,}")
OLD_SITE = re.compile(r"^https?://(?:www\.)?nlm\.nih\.gov/medlineplus/", re.IGNORECASE)
OPENING_LENGTH = 900  # characters of a long summary shown before "read more"
LIST_ITEM = "- "  # how a summary's lines that are a list's items start


class BadTopic(ValueError):
    """A line that is not a usable health topic; the message says why."""


@dataclass(frozen=True)
class Topic:
    id: str
    url: str
    focus: str
    category: str
    synonyms: list[str]
    summary: str

    @property
    def names(self) -> list[str]:
        return [self.focus, *self.synonyms]

    @property
    def current_url(self) -> str:
        """The topic's page on today's site: MedlinePlus moved from nlm.nih.gov/medlineplus/
        to medlineplus.gov, keeping the page names (the old addresses redirect)."""
        return OLD_SITE.sub("https://medlineplus.gov/", self.url)


def condition_key(name: str) -> str:
    """What makes two condition names one: case, plural and punctuation aside."""
    return class_key(name)


def clean_summary(answer: str) -> str:
    """The summary as MedlinePlus wrote it, without MedQuAD's "Summary :" label; its layout
    (paragraphs, "- " list items) comes back from the runs of spaces that hold it."""
    text = SUMMARY_PREFIX.sub("", answer).strip()
    lines = [" ".join(line.split()) for line in LINE_BREAK.split(text)]
    paragraphs: list[str] = []
    for line in filter(None, lines):
        if line.startswith("- ") and paragraphs and paragraphs[-1].startswith("- "):
            paragraphs[-1] += "\n" + line
        else:
            paragraphs.append(line)
    return "\n\n".join(paragraphs)


@dataclass(frozen=True)
class SummaryBlock:
    """A paragraph of a summary (its lines), or a list (its items)."""

    lines: list[str]
    is_list: bool


def summary_blocks(text: str) -> list[SummaryBlock]:
    """A summary's paragraphs and lists, for a page to mark up: MedlinePlus starts each item
    of a list with "- " on a line of its own ("They include\n\n- A cough …\n- Wheezing")."""
    blocks = []
    for paragraph in text.split("\n\n"):
        lines = [line.strip() for line in paragraph.splitlines() if line.strip()]
        for is_list, run in groupby(lines, key=lambda line: line.startswith(LIST_ITEM)):
            run = list(run)
            items = [line.removeprefix(LIST_ITEM).strip() for line in run] if is_list else run
            blocks.append(SummaryBlock(items, is_list))
    return blocks


def summary_line(text: str) -> str:
    """A summary as one line of plain text, for a page's description: its paragraphs run
    on, and a list's items follow their lead-in, separated by semicolons ("Causes of edema
    include: Eating too much salt; Sunburn; Heart failure.")."""
    parts: list[str] = []
    for block in summary_blocks(text):
        if not block.is_list:
            parts.append(" ".join(block.lines))
            continue
        if parts and not parts[-1].endswith((":", ".", "?", "!")):
            parts[-1] += ":"
        parts.append("; ".join(item.rstrip(".;,") for item in block.lines) + ".")
    return " ".join(parts)


def summary_opening(text: str, *, limit: int = OPENING_LENGTH) -> tuple[str, bool]:
    """The first paragraphs of a summary, about `limit` characters (always the first one),
    and whether any were left out."""
    paragraphs = text.split("\n\n")
    shown = paragraphs[:1]
    for paragraph in paragraphs[1:]:
        if sum(map(len, shown)) + len(paragraph) > limit:
            break
        shown.append(paragraph)
    return "\n\n".join(shown), len(shown) < len(paragraphs)


def parse_topic(line: str) -> Topic:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise BadTopic(f"broken JSON: {error.msg}") from error
    if not isinstance(record, dict):
        raise BadTopic("not a JSON object")
    values = {}
    for key in ("id", "url", "focus", "category"):
        value = record.get(key)
        if not isinstance(value, str) or not value.strip():
            raise BadTopic(f"no {key}")
        values[key] = " ".join(value.split())
    if not OLD_SITE.match(values["url"]) and not values["url"].startswith("https://medlineplus"):
        raise BadTopic(f"not a MedlinePlus address: {values['url'][:80]}")
    synonyms = record.get("synonyms") or []
    if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
        raise BadTopic("synonyms must be a list of strings")
    qa = record.get("qa")
    answers = [
        item.get("answer")
        for item in qa or []
        if isinstance(item, dict) and item.get("qtype") == "information"
    ]
    if not answers or not isinstance(answers[0], str) or not answers[0].strip():
        raise BadTopic("no summary (no qa answer of qtype information)")
    name_length = Condition._meta.get_field("name").max_length
    if len(values["focus"]) > name_length:
        raise BadTopic(f"focus longer than {name_length} characters")
    return Topic(
        id=values["id"],
        url=values["url"],
        focus=values["focus"],
        category=values["category"],
        synonyms=[" ".join(s.split()) for s in synonyms if s.strip()],
        summary=clean_summary(answers[0]),
    )


def iter_topics(path: Path | str) -> Iterator[tuple[int, Topic | BadTopic]]:
    """(line number, topic) for each line of the file, read a line at a time; a line that is
    not a topic gives a BadTopic saying why."""
    with Path(path).open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield number, parse_topic(line)
            except BadTopic as error:
                yield number, error


@dataclass
class Report:
    topics: int = 0
    matched: int = 0
    summaries: int = 0  # conditions whose summary (or its attribution) was set or refreshed
    kept: int = 0  # conditions whose editors' summary was left alone
    synonyms: int = 0
    created: int = 0
    indications: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.summaries + self.synonyms + self.created + self.indications


@dataclass
class _LabelUses:
    """A label page's uses (or, when they cannot be listed, its "indicated" text)."""

    drug_id: int
    uses: list[LabelUse]
    text: str
    folded: str = ""


def import_topics(
    path: Path | str,
    *,
    create: bool = False,
    on_skip: Callable[[int, str], object] | None = None,
) -> Report:
    """Give existing conditions MedlinePlus's summary, with its source, and its synonyms;
    with `create`, also add conditions for disease topics that label pages' uses name, and
    link those label pages to every condition their uses name, or state in the condition's
    label wording (Indication rows quoting the label). Editors' summaries and editor-written
    drugs are never changed; a second run changes nothing."""
    report = Report()
    conditions = _conditions_by_key()
    labels = _label_uses() if create else []
    longer = _topic_names(path) if create else []
    given: set[int] = set()  # conditions given a topic's summary in this run
    slugs = set(Condition.objects.values_list("slug", flat=True))
    linked = set(Indication.objects.values_list("drug_id", "condition_id"))
    changed_drugs: set[int] = set()
    for number, topic in iter_topics(path):
        if isinstance(topic, BadTopic):
            report.skipped.append((number, str(topic)))
            if on_skip is not None:
                on_skip(number, str(topic))
            continue
        report.topics += 1
        with transaction.atomic():
            condition = next(
                (conditions[k] for k in map(condition_key, topic.names) if k in conditions), None
            )
            naming = []
            if create and topic.focus.casefold() not in NOT_TREATED:
                naming = _labels_naming(labels, topic.names, longer=longer)
            if condition is None:
                if not (naming and topic.category in CONDITION_CATEGORIES):
                    continue
                condition = Condition(name=topic.focus, slug=_free_slug(topic.focus, slugs))
                report.created += 1
            else:
                report.matched += 1
            if condition.pk not in given or condition.pk is None:
                _apply(condition, topic, report)
                given.add(condition.pk)
            for key in map(condition_key, [condition.name, *condition.synonym_list]):
                conditions.setdefault(key, condition)
            changed_drugs |= _link(condition, naming, linked=linked, report=report)
    if create:
        # Uses the labels word without naming the condition, in the words editors gave it.
        for condition in Condition.objects.exclude(label_wording="").order_by("pk"):
            naming = _labels_naming(labels, condition.label_wording_list, longer=longer)
            with transaction.atomic():
                changed_drugs |= _link(condition, naming, linked=linked, report=report)
    if changed_drugs:
        catalogue_changed.send(sender=Indication, drug_ids=changed_drugs)
    return report


def _link(
    condition: Condition,
    naming: list[tuple[int, str]],
    *,
    linked: set[tuple[int, int]],
    report: Report,
) -> set[int]:
    """List each label page `naming` gives (drug id, the label's words) under the condition,
    quoting its label, unless it is listed there already; the ids of the drugs linked."""
    new = [
        Indication(
            drug_id=drug_id,
            condition=condition,
            label_status=LabelStatus.ON_LABEL,
            notes=f"From the FDA label: “{quote}”",
            order=100,  # after any the label page had
        )
        for drug_id, quote in naming
        if (drug_id, condition.pk) not in linked
    ]
    Indication.objects.bulk_create(new)
    linked.update((i.drug_id, condition.pk) for i in new)
    report.indications += len(new)
    return {i.drug_id for i in new}


def _apply(condition: Condition, topic: Topic, report: Report) -> None:
    """Set the summary when editors have not written it, and add the topic's synonyms;
    saved only when something changed."""
    before = (
        condition.summary,
        condition.summary_source,
        condition.summary_url,
        condition.summary_dated,
        condition.synonyms,
    )
    if not condition.summary or condition.summary_source == SOURCE:
        condition.summary = topic.summary
        condition.summary_source = SOURCE
        condition.summary_url = topic.current_url
        condition.summary_dated = DATED
    else:
        report.kept += 1
    known = {condition_key(name) for name in [condition.name, *condition.synonym_list]}
    extra = [s for s in topic.names if condition_key(s) not in known]
    extra = list({condition_key(s): s for s in extra}.values())
    if extra:
        condition.synonyms = "\n".join([*condition.synonym_list, *extra])
    after = (
        condition.summary,
        condition.summary_source,
        condition.summary_url,
        condition.summary_dated,
        condition.synonyms,
    )
    if condition.pk is not None and before == after:
        return
    if condition.pk is not None:
        report.summaries += before[:4] != after[:4]
        report.synonyms += before[4] != after[4]
    condition.save()


def _conditions_by_key() -> dict[str, Condition]:
    conditions: dict[str, Condition] = {}
    for condition in Condition.objects.order_by("pk"):
        for name in [condition.name, *condition.synonym_list]:
            conditions.setdefault(condition_key(name), condition)
    return conditions


def _label_uses() -> list[_LabelUses]:
    """The uses of every label page (editor-written drugs are never linked by an import)."""
    texts: dict[int, list[str]] = {}
    sources = LabelSource.objects.filter(drug__origin=Origin.LABEL).values_list(
        "drug_id", "sections"
    )
    for drug_id, sections in sources.iterator(chunk_size=500):
        if text := (sections or {}).get("indications_and_usage", ""):
            texts.setdefault(drug_id, []).append(text)
    labels = []
    for drug_id, drug_texts in texts.items():
        uses = [use for text in drug_texts for use in parse_uses(text)]
        text = "\n\n".join(drug_texts)
        labels.append(_LabelUses(drug_id, uses, text, _fold(text)))
    return labels


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


def _labels_naming(
    labels: list[_LabelUses], names: list[str], *, longer: list[str]
) -> list[tuple[int, str]]:
    """(drug id, the label's words) for each label page whose uses name the condition, and
    not only as part of a longer name some other topic has: "posttraumatic stress disorder"
    is not a use for stress. `longer`: every topic's names, folded."""
    pattern = name_pattern(names)
    if pattern is None:
        return []
    folded = {_fold(name) for name in names}
    stems = [name[:-1] or name for name in folded]
    longer_names = [
        other
        for other in longer
        if other not in folded
        and any(stem in other and len(other) > len(stem) + 2 for stem in stems)
    ]
    inside = name_pattern(longer_names)
    found = []
    for label in labels:
        if not any(stem in label.folded for stem in stems):  # cheap test first
            continue
        quote = quote_use(label.uses, label.text, pattern)
        if quote:
            # Named only inside a longer name ("posttraumatic stress disorder" for stress):
            # that other condition's use, not this one's.
            spans = [m.span() for m in inside.finditer(quote)] if inside else []
            if all(
                any(start <= m.start() and m.end() <= end for start, end in spans)
                or LONGER_NAME.match(quote, m.end())
                for m in pattern.finditer(quote)
            ):
                quote = ""
        if quote:
            found.append((label.drug_id, quote))
    return found


def _topic_names(path: Path | str) -> list[str]:
    """Every topic's names, folded: a first, quick pass over the file."""
    return sorted(
        {
            _fold(name)
            for _number, topic in iter_topics(path)
            if isinstance(topic, Topic)
            for name in topic.names
        }
    )


def _free_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:170] or "condition"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug
