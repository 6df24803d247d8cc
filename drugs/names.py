"""Names as readers type them: folding for comparison, spelling similarity, and "did you mean".

Site search and the interaction checker both use it, so it imports nothing of the apps.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

WORD = re.compile(r"[^\W_]+")
# pg_trgm's default threshold for its % operator: names at least this alike are offered.
SIMILARITY_THRESHOLD = 0.3
# An unfinished name ("bacl" → Baclofen) counts as this alike, whatever its trigrams say.
PREFIX_SIMILARITY = 0.5
# Names whose folding is kept, most recently used: the interaction checker folds and scores
# each of thousands of lookalike names for every name a reader misspelt, folding each name
# three times (ten unknown names brought 4,149 at 20,000 medicines, 79–87 ms of CPU; 52–54
# with the folds kept and the typed name's trigrams read once). 32,768 names: about 5 MB.
NAMES_KEPT = 2**15


@lru_cache(maxsize=NAMES_KEPT)
def fold(text: str) -> str:
    """A name as it is matched: accents dropped, case folded, punctuation as single spaces
    ("Lioresal®" → "lioresal", "Co-Careldopa" → "co careldopa")."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(WORD.findall(text.casefold()))


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word padded with two spaces before and one after."""
    grams = set()
    for word in fold(text).split():
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of both strings."""
    return _shared(trigrams(a), trigrams(b))


def _shared(first: set[str], second: set[str]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


@dataclass(frozen=True)
class KnownName:
    """A name we know: a generic or substance name, or a brand or other name of `generic`."""

    name: str
    generic: str = ""

    def __str__(self) -> str:
        """ "Zarontin (ethosuximide)" for a brand, so a reader sees which medicine it is."""
        return f"{self.name} ({self.generic.lower()})" if self.generic else self.name


def did_you_mean(
    typed: str,
    known: Iterable[KnownName],
    *,
    limit: int = 3,
    threshold: float = SIMILARITY_THRESHOLD,
    complete_prefixes: bool = True,
) -> list[KnownName]:
    """Known names spelt like `typed`, most alike first (then shortest), at most `limit`;
    with `complete_prefixes`, names `typed` is the start of count as alike ("bacl" → Baclofen).
    None when `typed` is itself one of the known names, whatever its case, accents or spacing:
    a reader who typed a name exactly meant it."""
    key = fold(typed)
    if len(key) < 3:
        return []
    scored: dict[str, tuple[float, int, str, KnownName]] = {}
    typed_grams = trigrams(key)
    for candidate in known:
        name_key = fold(candidate.name)
        if name_key == key:
            return []
        score = _shared(typed_grams, trigrams(name_key))
        if complete_prefixes and name_key.startswith(key):
            score = max(score, PREFIX_SIMILARITY)
        if score >= threshold and name_key not in scored:
            scored[name_key] = (-score, len(candidate.name), candidate.name, candidate)
    return [entry[-1] for entry in sorted(scored.values(), key=lambda e: e[:3])[:limit]]
