"""Site search across the apps: one query, ranked results of every kind, and suggestions.

Ranking, strongest first:
  0. the query is exactly a generic name, brand or other name, or a guide's title;
  1. a name starts with the query, or is spelt like it (pg_trgm similarity), or is some of
     its words ("tizanidine side effects");
  2. every word of the query is in the names, classes, conditions, tags or summary;
  3. every word is somewhere in the text, body included.
Within a tier the database's own full-text rank (or the name similarity) orders results.
When no item has every word, items with any of them are shown instead.

Only published items are ever found: every query keeps to documents whose `public_from` has
come, which the index writes from each item's own state whenever it changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.paginator import Page, Paginator
from django.db.models import Case, Func, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce, Greatest, Least, Mod, NullIf, StrIndex, Substr
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article
from drugs.models import Drug, Indication
from drugs.names import SIMILARITY_THRESHOLD, KnownName, did_you_mean, fold, similarity
from medguide.search import index as search_index
from medguide.search.backends import STOP_WORDS, NameHit, backend, words
from medguide.search.models import SearchDocument, SearchKind, SearchName

MAX_QUERY_LENGTH = 200
PER_PAGE = 20
SUGGESTIONS = 10
# Below this many results the page offers a respelling ("did you mean …").
FEW_RESULTS = 3
RESPELLING_SIMILARITY = 0.35
TREATMENT_FIRST = -1000.0  # ahead of any full-text rank: medicines used for a named condition
BEST_MATCH_SIMILARITY = 0.5
# A query of more words than this is a question, not a misspelt name: names spelt like all of
# it are not looked for (the trigrams of "how long does … take to work" share some with most
# names, which took 80 ms on SQLite at scale), only, for a respelling, its words one by one.
NAME_WORDS = 3
# Words that start a question rather than a name: "what helps stroke" is three words, but no
# name is spelt like it, and its trigrams are shared by thousands of guide titles (70 ms).
QUESTION_WORDS = frozenset(
    {"are", "can", "could", "do", "does", "how", "is", "should", "what", "when", "which"}
    | {"who", "why", "will", "would"}
)
# The search box offers names spelt like what was typed from this many characters on. Shorter,
# the reader is still typing the start of a name, which names_starting_with finds, and a
# guess spelt like "lif" is noise that cost 25 ms at scale: 5,000 names share its trigrams.
SPELT_LIKE_FROM = 5
# At most this many items are found for a query, the best first, ranked and cut in SQL: a
# common word ("car", "high blood pressure") is in 8,000 documents at scale, and holding and
# sorting every one of them cost 90 ms of Python. Only a page of the best is shown; more are
# counted as "1,000+". When no item has every word, as many of those with some are found.
MAX_RESULTS = 1000
# A query of several words is compared with the titles of this many of the guides it found.
TITLE_CANDIDATES = 20
# A misspelt medicine's name brings this many of its guides, as its name spelt right would.
GUIDES_OF_THE_MEDICINE_MEANT = 20
SNIPPET_LENGTH = 220
PASSAGE_LENGTH = 4 * SNIPPET_LENGTH  # room for the words before the match and after it


KIND_LABELS = {
    SearchKind.DRUG: "Medicine",
    SearchKind.CONDITION: "Condition",
    SearchKind.ARTICLE: "Guide",
}


@dataclass(frozen=True)
class SearchResult:
    """One found item, whatever its model: what the results page shows."""

    kind: str
    title: str
    url: str
    subtitle: str = ""
    snippet: SafeString = field(default_factory=lambda: mark_safe(""))

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class Suggestion:
    name: str
    generic: str | None
    kind: str
    url: str

    def as_json(self) -> dict:
        return {"name": self.name, "generic": self.generic, "type": self.kind, "url": self.url}


@dataclass
class SearchResults:
    query: str
    kind: str
    page: Page
    counts: dict[str, int]
    best_match: Drug | None = None
    respelling: str = ""
    respelling_generic: str = ""  # when the respelling is a brand: the medicine it names
    is_loose: bool = False  # no item had every word; these have some
    is_capped: bool = False  # more matched than MAX_RESULTS: the counts are "at least"

    @property
    def best_match_brand(self) -> str:
        """The brand name the query named, when the best match was found by one."""
        if self.best_match is None:
            return ""
        key = fold(self.query)
        return next((n for n in self.best_match.brand_names if fold(n) == key), "")

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(order=True, frozen=True)
class _Score:
    tier: int
    score: float
    is_name_match: bool = field(compare=False, default=False)  # a name is or starts with it
    is_part: bool = field(compare=False, default=False)  # a name is some of its words
    # A guide of the medicine a misspelt query means, not found by the query as typed.
    is_of_meant: bool = field(compare=False, default=False)


def normalise_query(raw: str) -> str:
    """The query as searched: control characters out, whitespace collapsed, length capped."""
    text = "".join(" " if not c.isprintable() else c for c in raw)
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def visible_documents() -> QuerySet[SearchDocument]:
    """Documents of items the public may see now (scheduled ones included once due): one
    indexed comparison, since each document is written with when its item is public."""
    return SearchDocument.objects.filter(public_from__lte=timezone.now())


def visible_names() -> QuerySet[SearchName]:
    """The names of visible documents, filtered through a join (not `document__in`, which
    SQLite answers by listing every visible document and probing the names of each)."""
    return SearchName.objects.filter(document__public_from__lte=timezone.now())


def search(query: str, *, kind: str = "", page: int | str = 1) -> SearchResults:
    """Ranked results for `query`, filtered to one kind when given, one page of them."""
    query = normalise_query(query)
    search_index.flush()  # changes this thread made are searchable at once
    ranked, is_loose, is_capped = _rank(query)
    counts = dict.fromkeys(SearchKind.values, 0)
    for document_kind, _score in ranked.values():
        counts[document_kind] += 1
    best = _best_match(ranked) if kind in ("", SearchKind.DRUG) else None
    # Plain tuples: comparing thousands of _Score objects took 50 ms for a common word.
    order = sorted(
        (score.tier, score.score, pk)
        for pk, (document_kind, score) in ranked.items()
        if (not kind or document_kind == kind) and pk != best
    )
    page_obj = Paginator([pk for _tier, _score, pk in order], PER_PAGE).get_page(page)
    wanted = [*page_obj.object_list, *([best] if best and page_obj.number == 1 else [])]
    terms = words(query)
    documents = SearchDocument.objects.defer("body", "vector").in_bulk(wanted)
    shown = [documents[pk] for pk in page_obj.object_list if pk in documents]
    passages = body_passages(shown, terms)
    page_obj.object_list = [
        SearchResult(
            kind=document.kind,
            title=document.title,
            url=document.url,
            subtitle=document.subtitle,
            snippet=snippet(document, terms, passage=passages.get(document.pk)),
        )
        for document in shown
    ]
    best_match = None
    if best in documents:
        best_match = Drug.objects.published().for_index().filter(pk=documents[best].object_id)
        best_match = best_match.first()
    results = SearchResults(
        query=query,
        kind=kind,
        page=page_obj,
        counts=counts,
        best_match=best_match,
        is_loose=is_loose,
        is_capped=is_capped,
    )
    # Offer a respelling only when nothing is named by the query as typed or has it above the
    # body: the guides of the medicine it is spelt like are found by the respelling.
    found_well = any(
        (s.is_name_match or s.tier == 2) and not s.is_of_meant for _kind, s in ranked.values()
    )
    of_meant = sum(1 for k, s in ranked.values() if s.is_of_meant and kind in ("", k))
    if query and results.total - of_meant < FEW_RESULTS and not found_well:
        meant = did_you_mean_for(query)
        if meant is not None:
            results.respelling, results.respelling_generic = meant.name, meant.generic
    return results


def suggest(query: str, *, kind: str = "", limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Names starting with (or, failing that, spelt like) the query, for the search box."""
    key = fold(normalise_query(query))
    if len(key) < 2:
        return []
    search_index.flush()
    names = visible_names()
    if kind:
        names = names.filter(document__kind=kind)
    engine = backend()
    if _may_be_a_name(key):
        keys = [key]
    else:  # a question: the names its words start ("how does baclofen work": Baclofen)
        keys = [word for word in words(key) if len(word) >= 4][:NAME_WORDS] or [key]
    starting = reduce(or_, (engine.names_starting_with(names, k) for k in keys))
    is_exact = Case(When(key__in=keys, then=Value(0)), default=Value(1))
    rows = list(
        starting.annotate(is_exact=is_exact)
        .order_by("is_exact", "-is_primary", "key")
        .values_list(
            "name", "is_primary", "document__kind", "document__title", "document__url", "is_exact"
        )[: limit * 3]
    )
    # The name typed in full first ("valium": Valium, brand of diazepam), then generic names,
    # brands and guide titles; shorter (closer) names first.
    rows.sort(key=lambda row: (row[5], row[2] != SearchKind.DRUG, not row[1], len(row[0]), row[0]))
    found = [_suggestion(*row[:5]) for row in rows]
    # A name typed in full is what the reader meant: no names merely spelt like it.
    if (
        len(found) < limit
        and len(key) >= SPELT_LIKE_FROM
        and _may_be_misspelt(key)
        and not any(row[5] == 0 for row in rows)
    ):
        seen = {s.name for s in found}
        for hit in engine.similar_names(names, key):
            if hit.name not in seen:
                seen.add(hit.name)
                found.append(_suggestion(hit.name, hit.is_primary, hit.kind, hit.title, hit.url))
    return found[:limit]


def did_you_mean_for(query: str) -> KnownName | None:
    """A query readers probably meant, spelt like names we have, or None when none is close
    or the query is itself a name. A brand carries its generic: "Zarontin (ethosuximide)"."""
    key = fold(query)
    names = visible_names()
    engine = backend()

    def spelt_like(text: str) -> KnownName | None:
        hits = engine.similar_names(names, text)
        known = [KnownName(hit.name, _generic(hit)) for hit in hits]
        meant = did_you_mean(
            text, known, limit=1, threshold=RESPELLING_SIMILARITY, complete_prefixes=False
        )
        return meant[0] if meant else None

    meant = spelt_like(key) if len(key) >= 3 and _may_be_a_name(key) else None
    if meant is not None or len(key.split()) < 2:
        return meant
    # Word by word, for questions such as "baclofin side effects".
    corrected, changed = [], False
    for word in key.split()[:6]:
        meant = spelt_like(word) if len(word) >= 4 and not changed else None
        if meant is not None and " " not in fold(meant.name):
            corrected.append(meant.name.lower())
            changed = True
        else:
            corrected.append(word)
    return KnownName(" ".join(corrected)) if changed else None


@dataclass(frozen=True)
class Passage:
    """The stretch of a document's body around the first query word's first appearance."""

    text: str
    is_mid_body: bool  # it begins after the body's start, perhaps mid-word


def body_passages(documents: list[SearchDocument], terms: list[str]) -> dict[int, Passage]:
    """The body passage of each document whose summary shows none of the query's words, for
    its snippet; one query, none when every summary does. Bodies run to 200,000 characters:
    reading and lowercasing the 20 of a page for every result cost PostgreSQL 19 ms a query
    for a condition ("uterine cancer"), and most results' summaries name it anyway."""
    pattern = _terms_pattern(terms)
    wanting = [d.pk for d in documents if pattern and not pattern.search(d.summary)]
    if not wanting:
        return {}
    start = _passage_start(terms)
    rows = SearchDocument.objects.filter(pk__in=wanting).values_list(
        "pk", Substr("body", start, PASSAGE_LENGTH), start
    )
    return {pk: Passage(text, is_mid_body=begins > 1) for pk, text, begins in rows}


def snippet(
    document: SearchDocument, terms: list[str], *, passage: Passage | None = None
) -> SafeString:
    """A short passage of the summary or body around the first query word, escaped, with the
    query words marked. `passage` is the part of the body around the first word
    (body_passages), for a summary that shows none of the words."""
    pattern = _terms_pattern(terms)
    source = document.summary
    cut_before = False
    if pattern and passage and not pattern.search(source) and pattern.search(passage.text):
        source = passage.text
        if passage.is_mid_body:
            source = source.partition(" ")[2]
            cut_before = True
    source = " ".join(source.split())
    match = pattern.search(source) if pattern else None
    start = 0
    if match and match.start() > SNIPPET_LENGTH // 2:
        start = source.rfind(" ", 0, match.start() - SNIPPET_LENGTH // 3) + 1
    end = start + SNIPPET_LENGTH
    if end < len(source):
        end = source.rfind(" ", start, end) if source.rfind(" ", start, end) > start else end
    passage_text = source[start:end]
    parts, last = [], 0
    for found in pattern.finditer(passage_text) if pattern else []:
        parts.append(escape(passage_text[last : found.start()]))
        parts.append(f"<mark>{escape(found.group())}</mark>")
        last = found.end()
    parts.append(escape(passage_text[last:]))
    text = "".join(parts)
    return mark_safe(
        ("… " if start or cut_before else "") + text + (" …" if end < len(source) else "")
    )


def _stems(terms: list[str]) -> list[str]:
    # Long words cut back, so "spasticity" also marks "spastic".
    return [t[: max(4, len(t) - 3)] if len(t) > 6 else t for t in terms if len(t) >= 2]


NOT_FOUND = 10**9  # past the end of any body: where a word is that a body does not hold


def _passage_start(terms: list[str]) -> Func:
    """SQL for where the passage starts in a document's body: half a passage before the
    first query word's first appearance, or the body's start (1) if it is not there. The
    word is looked for in lower case, capitalised, in title case and in capitals
    ("ehlers-dan", "Ehlers-dan", "Ehlers-Dan", "EHLERS-DAN"): lowercasing the bodies to look
    once took PostgreSQL 19 ms for a page of results (18.8 ms, against 7.7 for three
    spellings, over the 965 KB of "uterine cancer"'s 21)."""
    stems = _stems(terms)
    if not stems:
        return Value(1)
    stem = stems[0].lower()
    found = [
        Coalesce(NullIf(StrIndex("body", Value(spelling)), Value(0)), Value(NOT_FOUND))
        for spelling in dict.fromkeys([stem, stem.capitalize(), stem.title(), stem.upper()])
    ]
    first = Least(*found) if len(found) > 1 else found[0]  # NOT_FOUND when in none
    # Modulo NOT_FOUND, a word the body lacks is at 0: the passage is the body's opening.
    at = Mod(first, NOT_FOUND, output_field=IntegerField())
    return Greatest(at - PASSAGE_LENGTH // 2, Value(1))


def _terms_pattern(terms: list[str]) -> re.Pattern | None:
    # Word starts, with long words cut back so "spasticity" also marks "spastic".
    stems = set(_stems(terms))
    if not stems:
        return None
    alternatives = "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\w*", re.IGNORECASE)


def _rank(query: str) -> tuple[dict[int, tuple[str, _Score]], bool, bool]:
    """Every visible document the query finds, with its kind and score; whether it found
    them by some of the words only (loose), and whether more than MAX_RESULTS matched."""
    key = fold(query)
    if not key:
        return {}, False, False
    documents = visible_documents()
    names = visible_names()
    engine = backend()
    ranked: dict[int, tuple[str, _Score]] = {}

    def offer(pk: int, kind: str, score: _Score) -> None:
        if pk not in ranked or score < ranked[pk][1]:
            ranked[pk] = (kind, score)

    naming: dict[str, list[str]] = {}  # the names a question holds whole, and their words
    if len(key) >= 2:
        prefixed = engine.names_starting_with(names, key).values_list(
            "document_id", "document__kind", "key", "is_primary"
        )
        for pk, kind, name_key, is_primary in prefixed:
            if name_key == key:  # a generic name before a brand spelt the same
                offer(pk, kind, _Score(0, -1.0 if is_primary else 0.0, is_name_match=True))
            else:  # shorter names the query covers more of come first
                offer(pk, kind, _Score(1, -len(key) / len(name_key), is_name_match=True))
        # A name a question holds whole ("tizanidine side effects", "what helps muscle
        # spasm"): the label text of tizanidine need not say "effects" to be what is meant.
        held = list(
            names.filter(key__in=_spans(key)).values_list("document_id", "document__kind", "key")
        )
        # The longest names only: "abdominal pain" names Abdominal pain, not also Pain.
        longest = [f" {k} " for k in sorted({k for _pk, _kind, k in held}, key=len, reverse=True)]
        for pk, kind, name_key in held:
            if any(f" {name_key} " in other and other != f" {name_key} " for other in longest):
                continue
            naming.setdefault(name_key, words(name_key))
            score = _Score(1, -len(name_key) / len(key), is_name_match=True, is_part=True)
            offer(pk, kind, score)
    # A name typed in full is what the reader meant, as in suggest(): names merely spelt
    # like it are not looked for (rechecking the 9,700 names that share trigrams with
    # "tebicin" took 55 ms at scale); nor for a question ("what helps stroke"). A name a
    # query holds is not enough: "baclofen abdominal pain" is spelt like a guide's title.
    named = any(score.tier == 0 for _kind, score in ranked.values())
    may_be_misspelt = len(key) >= 4 and not named and _may_be_misspelt(key)
    if may_be_misspelt:
        # A question ("baclofen abdominal pain") is not a misspelt name: leave it to the
        # full text.
        spelt_like = [
            hit
            for hit in engine.similar_names(names, key)
            if len(key.split()) <= len(fold(hit.name).split())
        ]
        for hit in spelt_like:
            offer(hit.document_id, hit.kind, _Score(1, -hit.similarity))
        _offer_guides_of_the_medicine_meant(spelt_like, documents, offer)
    terms = [t for t in words(query) if len(t) >= 2] or words(query)
    is_loose = is_capped = False
    if terms:
        hits = engine.match(documents, terms, any_term=False, limit=MAX_RESULTS + 1)
        if not hits and len(terms) > 1:
            is_loose = True
            # Some of the words, of the documents naming what the question names, if it
            # names anything ("how long does baclofen take to work": Baclofen's, not every
            # guide about work).
            hits = engine.match(
                documents,
                terms,
                any_term=True,
                limit=MAX_RESULTS + 1,
                naming=[name for name in naming.values() if name],
            )
        is_capped = len(hits) > MAX_RESULTS
        hits = hits[:MAX_RESULTS]
        for hit in hits:
            offer(hit.document_id, hit.kind, _Score(2 if hit.in_head else 3, -hit.rank))
        if may_be_misspelt:
            _offer_titles_spelt_like(key, hits, names, offer)
    _put_treatments_first(ranked, documents)
    # Loose unless something matched the whole query by name.
    is_loose = is_loose and not any(s.tier < 2 and not s.is_part for _k, s in ranked.values())
    return ranked, is_loose, is_capped


def _offer_titles_spelt_like(key: str, hits: list, names, offer) -> None:
    """Guides whose title the query of several words nearly is ("baclofen abdominal pain":
    Baclofen for Chronic Abdominal Pain), with the names spelt like it, when names are looked
    for by spelling at all. Titles are not in the trigram index (SPELT_KINDS), so they are
    looked for among the guides the words found above the body, the best TITLE_CANDIDATES of
    them: one small query."""
    if len(key.split()) < 2:
        return
    found = [hit.document_id for hit in hits if hit.kind == SearchKind.ARTICLE and hit.in_head]
    titles = names.filter(document_id__in=found[:TITLE_CANDIDATES], is_primary=True)
    for pk, title_key in titles.values_list("document_id", "key"):
        score = similarity(title_key, key)
        # As for names: a query of more words than the title is a question about it.
        if score >= SIMILARITY_THRESHOLD and len(key.split()) <= len(title_key.split()):
            offer(pk, SearchKind.ARTICLE, _Score(1, -score))


def _offer_guides_of_the_medicine_meant(spelt_like: list[NameHit], documents, offer) -> None:
    """The guides about the one medicine a misspelt query clearly means ("tizanadine":
    Tizanidine, then Storing Tizanidine at Home), as its name spelt right finds them by their
    words: guide titles are not matched by spelling (SPELT_KINDS). Clearly means: the only
    medicine spelt like it closely enough to be the best match. Its newest public guides,
    GUIDES_OF_THE_MEDICINE_MEANT of them, after it; one query."""
    close = {
        hit.document_id
        for hit in spelt_like
        if hit.kind == SearchKind.DRUG and hit.similarity >= BEST_MATCH_SIMILARITY
    }
    if len(close) != 1:
        return
    medicine = SearchDocument.objects.filter(pk__in=close).values("object_id")
    links = Article.related_drugs.through.objects.filter(drug_id__in=medicine)
    guides = (
        documents.filter(kind=SearchKind.ARTICLE, object_id__in=links.values("article_id"))
        .order_by("-public_from", "pk")
        .values_list("pk", flat=True)[:GUIDES_OF_THE_MEDICINE_MEANT]
    )
    for place, pk in enumerate(guides):  # after the words' matches, newest first
        offer(pk, SearchKind.ARTICLE, _Score(2, float(place), is_of_meant=True))


def _put_treatments_first(ranked: dict[int, tuple[str, _Score]], documents) -> None:
    """A query that names a condition finds the medicines used for it (their indications)
    ahead of every other text match, such as medicines that list it as a side effect or
    mention it in a warning. One query, and only when a condition's name matched."""
    # Named: in full, or held whole by a question. Not a near spelling, nor a name the query
    # only starts ("hi" starts High blood pressure and HIV: 1,500 medicines put first).
    conditions = [
        pk
        for pk, (kind, score) in ranked.items()
        if kind == SearchKind.CONDITION and (score.tier == 0 or score.is_part)
    ]
    if not conditions:
        return
    named = SearchDocument.objects.filter(pk__in=conditions).values("object_id")
    treatments = documents.filter(
        kind=SearchKind.DRUG,
        object_id__in=Indication.objects.filter(condition__in=named).values("drug_id"),
    ).values_list("pk", flat=True)
    for pk in treatments:
        found = ranked.get(pk, (SearchKind.DRUG, _Score(3, 0.0)))[1]
        if found.tier >= 2:  # a drug named by the query keeps its place
            ranked[pk] = (SearchKind.DRUG, _Score(2, TREATMENT_FIRST + found.score))


def _best_match(ranked: dict[int, tuple[str, _Score]]) -> int | None:
    """The document of the one drug the query clearly names: an exact name, or a single
    close spelling."""
    top = [
        (score, pk)
        for pk, (kind, score) in ranked.items()
        if kind == SearchKind.DRUG and score.tier <= 1
    ]
    exact = [(score, pk) for score, pk in top if score.tier == 0]
    if exact:
        # One drug named exactly; or, of several, the one whose generic name it is.
        by_generic = [pk for score, pk in exact if score.score < 0]
        if len(exact) == 1 or len(by_generic) == 1:
            return by_generic[0] if by_generic else exact[0][1]
        return None
    close = [pk for score, pk in top if -score.score >= BEST_MATCH_SIMILARITY]
    return close[0] if len(close) == 1 else None


def _spans(key: str) -> list[str]:
    """The runs of one to NAME_WORDS words of a query of several, that a name could be: not a
    stop word alone, nor under three letters ("vitamin d" is a name, "d" is not)."""
    found = key.split()[:12]
    if len(found) < 2:
        return []
    spans = {
        " ".join(found[start : start + size])
        for size in range(1, NAME_WORDS + 1)
        for start in range(len(found) - size + 1)
    }
    return sorted(span for span in spans if len(span) >= 3 and span not in STOP_WORDS)


def _may_be_a_name(key: str) -> bool:
    return len(key.split()) <= NAME_WORDS


def _may_be_misspelt(key: str) -> bool:
    """Whether names spelt like `key` are worth looking for, in the search box and in search:
    a name's few words, not a question ("what helps stroke" shares trigrams with thousands of
    guide titles)."""
    first = key.split()[:1]
    return _may_be_a_name(key) and not (first and first[0] in QUESTION_WORDS)


def _suggestion(name, is_primary, kind, title, url) -> Suggestion:
    return Suggestion(
        name=name,
        generic=None if is_primary or kind != SearchKind.DRUG else title,
        kind=kind,
        url=url,
    )


def _generic(hit: NameHit) -> str:
    """The generic name a brand or other name hit stands for, or "" for a generic or title."""
    return hit.title if hit.kind == SearchKind.DRUG and not hit.is_primary else ""
