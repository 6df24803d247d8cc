"""Plain-language scores for editors: Flesch reading ease and Flesch–Kincaid grade."""

import html
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString

# Fewer words than this give figures that swing wildly, so they are not scored.
MINIMUM_WORDS = 3

# Flesch's bands for reading ease, highest first: (lowest score in the band, label); his
# "standard" band is called plain English here. Flesch, "A new readability yardstick",
# J. Appl. Psychol. 32 (1948) 221–233.
BANDS = (
    (90, "very easy"),
    (80, "easy"),
    (70, "fairly easy"),
    (60, "plain English"),
    (50, "fairly difficult"),
    (30, "difficult"),
)
LOWEST_BAND = "very difficult"


@dataclass(frozen=True)
class Readability:
    flesch_reading_ease: float
    flesch_kincaid_grade: float
    words: int
    sentences: int
    syllables: int

    @property
    def band(self) -> str:
        return next(
            (label for lowest, label in BANDS if self.flesch_reading_ease >= lowest),
            LOWEST_BAND,
        )


def grade_target() -> float:
    return settings.MEDGUIDE["READING_GRADE_TARGET"]


def meets_target(readability: Readability, *, target: float | None = None) -> bool:
    """True when the text reads at or below the grade target (from settings by default)."""
    return readability.flesch_kincaid_grade <= (grade_target() if target is None else target)


def score(text: str) -> Readability | None:
    """Score Markdown, HTML or plain text; None when it has too few words to score."""
    sentences = _sentences(plain_text(text))
    words = [word for sentence in sentences for word in sentence]
    if len(words) < MINIMUM_WORDS:
        return None
    syllables = sum(count_syllables(word) for word in words)
    words_per_sentence = len(words) / len(sentences)
    syllables_per_word = syllables / len(words)
    return Readability(
        flesch_reading_ease=206.835 - 1.015 * words_per_sentence - 84.6 * syllables_per_word,
        flesch_kincaid_grade=0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59,
        words=len(words),
        sentences=len(sentences),
        syllables=syllables,
    )


def admin_summary(text: str) -> SafeString:
    """One line for the admin: reading ease with its band, grade, and the grade target."""
    readability = score(text)
    if readability is None:
        return format_html("{}", "Too short to score")
    target = grade_target()
    target_label = f"{target:g}"
    if meets_target(readability, target=target):
        verdict = format_html("meets the grade {} target", target_label)
    else:
        verdict = format_html(
            "above the grade {} target: shorter sentences and words help", target_label
        )
    return format_html(
        "Reading ease {} ({}) · grade {} — {}",
        f"{readability.flesch_reading_ease:.0f}",
        readability.band,
        f"{readability.flesch_kincaid_grade:.1f}",
        verdict,
    )


# Markdown that is not prose: fenced code, images, link targets, bare URLs, emphasis marks.
_FENCED_CODE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_REFERENCE_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.MULTILINE)
_URL = re.compile(r"https?://\S+")
_EMPHASIS = re.compile(r"[*_`~]+")
# A line that is a block of its own: heading, list item, quote or table row.
_BLOCK_MARKER = re.compile(r"^\s*(#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*|\|)")
_HTML_BLOCK = re.compile(r"</?(p|div|h[1-6]|li|ul|ol|br|tr|td|th|blockquote)\b[^>]*>", re.I)
# Quotes: ' " and their curly forms \u2018 \u2019 \u201c \u201d.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'\u2019\u201d)\]]*$")
# A sentence ends at . ! ? followed by a space and a capital, digit or quote, or at the end.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"'\u2019\u201d)\]]*\s+(?=[A-Z0-9\"'\u2018\u201c(])")
_WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")


def plain_text(text: str) -> str:
    """Prose only, one paragraph per line, each block closed by a full stop if it had none."""
    text = _HTML_BLOCK.sub("\n\n", text)
    text = html.unescape(strip_tags(text))
    text = _FENCED_CODE.sub("", text)
    text = _REFERENCE_DEFINITION.sub("", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _URL.sub("", text)

    blocks: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        is_block = bool(_BLOCK_MARKER.match(line))
        line = _EMPHASIS.sub("", _BLOCK_MARKER.sub("", line)).replace("|", " ").strip()
        if is_block or not line:
            blocks.append(" ".join(current))
            current = []
        if line:
            current.append(line)
        if is_block:
            blocks.append(" ".join(current))
            current = []
    blocks.append(" ".join(current))
    # Headings and list items rarely end in a full stop, yet each is a sentence of its own.
    return "\n".join(
        block if _SENTENCE_END.search(block) else f"{block}."
        for block in (block.strip() for block in blocks)
        if _WORD.search(block)
    )


def _sentences(text: str) -> list[list[str]]:
    sentences = (
        _WORD.findall(sentence)
        for block in text.splitlines()
        for sentence in _SENTENCE_BREAK.split(block)
    )
    return [words for words in sentences if words]


# Counted here rather than by textstat, which fetches nltk data at run time and undercounts the
# drug names that are not in its dictionary: docs/decisions/readability.md.
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
# Vowel pairs read as two syllables: "via", "period", "sodium", "usual" (but not "special",
# "action", "language").
_TWO_VOWEL_SOUNDS = re.compile(r"(?<![ctsg])ia|(?<![ctsxg])io|iu|(?<![qg])ua")
# Suffixes counted on their own, so a silent e before them stays silent ("safely", "movement").
_SUFFIXES = (("fully", 2), ("ments", 1), ("ment", 1), ("ness", 1), ("less", 1), ("ful", 1))
_SUFFIX_LY = "ly"


def count_syllables(word: str) -> int:
    """Syllables in an English word by the usual vowel-group heuristic, at least one.

    Vowel groups are counted, then a silent final e is dropped ("make"), except in a
    consonant + "le" ending ("table"); "-es" and "-ed" are silent except after the sounds that
    need them ("horses", "wanted"). A number or code ("10", "B12") counts as one.
    """
    word = word.lower().replace("\u2019", "'")
    if "-" in word:
        return sum(count_syllables(part) for part in word.split("-") if part)
    word = re.sub(r"'s?$", "", word).replace("'", "")
    if not word.isalpha():
        return 1
    for suffix, syllables in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return _stem_syllables(word[: -len(suffix)]) + syllables
    # "-ly" after a consonant or a silent e ("quickly", "safely"), not "family" or "daily".
    if word.endswith(_SUFFIX_LY) and len(word) >= 5 and word[-3] not in "aiouy":
        return _stem_syllables(word[:-2]) + 1
    return _stem_syllables(word)


def _stem_syllables(word: str) -> int:
    if len(word) <= 3:
        return 1
    # A y before a vowel is a consonant ("beyond", "you"); elsewhere it is a vowel ("happy").
    spelled = re.sub(r"y(?=[aeiou])", "j", word)
    count = len(_VOWEL_GROUP.findall(spelled)) + len(_TWO_VOWEL_SOUNDS.findall(spelled))
    before = spelled[:-2]
    if spelled.endswith("e") and spelled[-2] not in "aeiouy":
        # Silent e ("make", "medicine"), but a consonant + "le" is a syllable ("table").
        if not (spelled.endswith("le") and spelled[-3] not in "aeiouy"):
            count -= 1
    elif spelled.endswith("es") and before[-1:] not in "aeiouy":
        # "horses", "boxes", "changes", "tables" keep the syllable; "makes" and "times" don't.
        sounded = before.endswith(("s", "x", "z", "ch", "sh", "c", "g")) or (
            before.endswith("l") and before[-2:-1] not in "aeiouy"
        )
        if not sounded:
            count -= 1
    elif spelled.endswith("ed") and before[-1:] not in "aeiouytd":
        count -= 1  # "used", "jumped"; "wanted" and "needed" keep it
    return max(count, 1)
