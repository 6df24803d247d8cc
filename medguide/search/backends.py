"""Where PostgreSQL and SQLite differ in site search, behind one small interface.

PostgreSQL (production) keeps a weighted tsvector per document in a GIN-indexed column and
matches names with pg_trgm. SQLite (the embedded default) keeps the same four weighted fields
in an FTS5 table and matches names through an FTS5 trigram table, scoring them with pg_trgm's
own formula, so the two rank alike and the same relevance tests pass on both.

https://www.postgresql.org/docs/current/textsearch-controls.html
https://www.postgresql.org/docs/current/pgtrgm.html
https://www.sqlite.org/fts5.html
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
)
from django.db import connection
from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, QuerySet, Value, When

from drugs.names import SIMILARITY_THRESHOLD, fold, similarity
from medguide.editorial.models import SearchText
from medguide.search.models import SPELT_KINDS, SearchDocument, SearchName

CONFIG = "english"
FTS_TABLE = "medguide_search_fts"
NAMES_TABLE = "medguide_search_names_fts"
NAMES_VOCABULARY = "medguide_search_names_vocab"  # how many names hold each trigram
DOCUMENTS = SearchDocument._meta.db_table
TABLE_REFERENCE = re.compile(r'"(\w+)"\.')  # "table"."column" in compiled SQL
# FTS5 column weights for bm25(), in the table's column order: names, keywords, summary, body.
FTS_WEIGHTS = (10.0, 4.0, 2.0, 0.5)
NAME_CANDIDATES = 200
# On PostgreSQL, a tier of matches (every word above the body; in the body only) is ranked on
# the full text when it holds at most this many documents, and above the body only when more.
FULL_RANK_LIMIT = 500
# A query word shorter than this is a prefix above the body only (names, keywords, summary),
# and in the body the whole word: "car" or "hi" starts a word in nearly every label text
# (cardiac, carton, history), and matching that many took over 400 ms at 70,000 documents.
# A reader typing the start of a name is served by the names anyway.
BODY_PREFIX_LENGTH = 4
# A tsvector holds at most 1 MB; a label's text is far below that once trimmed.
MAX_BODY_CHARACTERS = 200_000
# PostgreSQL's English stop words (Snowball's list), dropped on both engines so a query such as
# "the" finds the same nothing on each.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can did do does doing don down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own s same she should so some such t than that the their theirs
    them themselves then there these they this those through to too under until up very was
    we were what when where which while who whom why will with you your yours yourself
    yourselves""".split()  # noqa: SIM905  (a word list reads better as text)
)


def words(text: str, *, limit: int = 12) -> list[str]:
    """The searchable words of a query, in order, without repeats or stop words."""
    found = dict.fromkeys(w for w in fold(text).split() if w not in STOP_WORDS)
    return list(found)[:limit]


@dataclass(frozen=True)
class Hit:
    """A document the full-text query matched; `in_head` when it matched above the body."""

    document_id: int
    kind: str
    rank: float
    in_head: bool


@dataclass(frozen=True)
class NameHit:
    """A name spelt like the query, with its document's title and address."""

    document_id: int
    kind: str
    name: str
    is_primary: bool
    title: str
    url: str
    similarity: float


class Backend:
    def write(self, documents: list[tuple[SearchDocument, SearchText]]) -> None:
        """Index these saved documents, replacing what was indexed for them before."""
        raise NotImplementedError

    def delete(self, document_ids: list[int]) -> None:
        raise NotImplementedError

    def match(
        self,
        documents: QuerySet,
        terms: list[str],
        *,
        any_term: bool,
        limit: int | None = None,
        naming: Sequence[list[str]] = (),
    ) -> list[Hit]:
        """Documents matching every term, each as a prefix (one under BODY_PREFIX_LENGTH
        only above the body, and whole in it); with `any_term`, any of them above the body,
        and with `naming` (names the query holds, as their words) only those that name one
        of them there. With `limit`, only that many: those above the body first, then the
        best ranked."""
        raise NotImplementedError

    def similar_names(self, names: QuerySet, key: str) -> list[NameHit]:
        """Names spelt like `key`, most similar first."""
        raise NotImplementedError

    def names_starting_with(self, names: QuerySet, key: str) -> QuerySet:
        raise NotImplementedError


def head_vector() -> SearchVector:
    """A document's names, keywords and summary, weighted A to C (PostgreSQL)."""
    return (
        SearchVector("names", weight="A", config=CONFIG)
        + SearchVector("keywords", weight="B", config=CONFIG)
        + SearchVector("summary", weight="C", config=CONFIG)
    )


class PostgresBackend(Backend):
    def write(self, documents):
        ids = [document.pk for document, _text in documents]
        SearchDocument.objects.filter(pk__in=ids).update(
            vector=head_vector() + SearchVector("body", weight="D", config=CONFIG),
            head_vector=head_vector(),
        )

    def delete(self, document_ids):
        pass  # the vector goes with its row

    def match(self, documents, terms, *, any_term, limit=None, naming=()):
        # Terms are runs of letters and digits, so quoting them is all raw syntax needs.
        every = _raw(" & ".join(f"'{t}':*" for t in terms))
        some = _raw(" | ".join(f"'{t}':*" for t in terms))
        if any_term:
            # Some of the words: common ones are in nearly every long label text, and ranking
            # 65,000 of those (reading each TOASTed vector) took over half a second. Above the
            # body only, where a word says what a document is. Of a question that names
            # something, only the documents naming it: the words around a name ("how long
            # does … take to work") are above the body of 16,000 guides at scale (29 ms).
            named = " | ".join("(" + " & ".join(f"'{t}':*" for t in name) + ")" for name in naming)
            rows = documents.filter(head_vector=_raw(named) if named else some).annotate(
                rank=SearchRank(F("head_vector"), some), in_head=Value(True)
            )
            return _pg_hits(rows.values_list("pk", "kind", "rank", "in_head"), limit)  # all in head
        if limit is not None:
            # Matches above the body come first, however the rest rank: when they alone fill
            # the limit, no full vector need be read. A word in nearly every label ("dose":
            # 68,609 documents, 14,597 of them above the body) otherwise detoasted every
            # match's full vector to keep 1,001 (220 ms). Ranked as the full query ranks them.
            head = documents.filter(head_vector=every).annotate(
                rank=SearchRank(F("head_vector"), every), in_head=Value(True)
            )
            hits = _pg_hits(head.values_list("pk", "kind", "rank", "in_head"), limit)
            if len(hits) >= limit:
                return hits
        if any(len(t) < BODY_PREFIX_LENGTH for t in terms):
            documents = documents.filter(*(_pg_term(t) for t in terms))
        else:
            documents = documents.filter(vector=every)
        # Ranked above the body first (the small head vector: names, keywords, summary), by
        # the query's words there, or for a match in the body only, by any of them there.
        # Reading a long label's full vector is a detoast: ranking 8,000 matches of a common
        # word that way took 75 ms, so only a tier of up to FULL_RANK_LIMIT is ranked on it.
        rows = documents.annotate(
            in_head=ExpressionWrapper(Q(head_vector=every), output_field=BooleanField()),
        ).annotate(
            rank=Case(
                When(in_head=True, then=SearchRank(F("head_vector"), every)),
                default=SearchRank(F("head_vector"), some),
            )
        )
        hits = _pg_hits(rows.values_list("pk", "kind", "rank", "in_head"), limit)
        tiers = [[hit for hit in hits if hit.in_head == in_head] for in_head in (True, False)]
        fully = [hit.document_id for tier in tiers if len(tier) <= FULL_RANK_LIMIT for hit in tier]
        if not fully:
            return hits
        # F(), not the name: a bare name makes SearchRank rebuild a vector from the stored
        # one's text, which drops the weights and re-parses every document.
        ranks = dict(
            SearchDocument.objects.filter(pk__in=fully)
            .annotate(rank=SearchRank(F("vector"), every))
            .values_list("pk", "rank")
        )
        return [replace(hit, rank=ranks.get(hit.document_id, hit.rank)) for hit in hits]

    def similar_names(self, names, key):
        # The trigram index lists the candidates on its own first: asked together with the
        # join to the documents, the planner scanned all 90,000 names at scale instead
        # (a misspelt name: 110 ms, against 18).
        # Only names of SPELT_KINDS: the trigram index (partial, WHERE fuzzy) holds no others.
        candidates = SearchName.objects.filter(fuzzy=True, key__trigram_similar=key).values("pk")
        rows = (
            names.filter(pk__in=candidates)
            .annotate(similarity=TrigramSimilarity("key", key))
            .order_by("-similarity")
            .values_list(
                "document_id",
                "document__kind",
                "name",
                "is_primary",
                "document__title",
                "document__url",
                "similarity",
            )[:NAME_CANDIDATES]
        )
        return [NameHit(*row) for row in rows]

    def names_starting_with(self, names, key):
        # A prefix LIKE, which the trigram index serves from three characters on.
        return names.filter(key__startswith=key)


def _pg_hits(rows: QuerySet, limit: int | None) -> list[Hit]:
    """The rows (pk, kind, rank, in_head), the best `limit` when given (above the body
    first), read with a cursor of our own: Django's per-row converters cost 40 ms of Python
    for the 16,000 rows a question's common words find, and these columns need none."""
    if limit is not None:
        rows = rows.order_by("-in_head", "-rank", "pk")[:limit]
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Hit(pk, kind, rank, in_head) for pk, kind, rank, in_head in cursor]


def _raw(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="raw", config=CONFIG)


def _pg_term(term: str) -> Q:
    """Where one query word must be, on PostgreSQL (see BODY_PREFIX_LENGTH)."""
    if len(term) >= BODY_PREFIX_LENGTH:
        return Q(vector=_raw(f"'{term}':*"))
    return Q(head_vector=_raw(f"'{term}':*")) | Q(vector=_raw(f"'{term}'"))


def _fts_term(term: str) -> str:
    """One query word as an FTS5 expression (see BODY_PREFIX_LENGTH)."""
    if len(term) >= BODY_PREFIX_LENGTH:
        return f'"{term}"*'
    return f'({{names keywords summary}} : "{term}"* OR "{term}")'


class SQLiteBackend(Backend):
    def write(self, documents):
        with connection.cursor() as cursor:
            self._delete(cursor, [document.pk for document, _text in documents])
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, names, keywords, summary, body) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(d.pk, d.names, d.keywords, d.summary, d.body) for d, _text in documents],
            )
            cursor.executemany(  # names found spelt like a query: of SPELT_KINDS only
                f"INSERT INTO {NAMES_TABLE} (rowid, keys) VALUES (%s, %s)",
                [
                    (d.pk, "\n".join(fold(name) for name in text.names))
                    for d, text in documents
                    if d.kind in SPELT_KINDS
                ],
            )

    def delete(self, document_ids):
        with connection.cursor() as cursor:
            self._delete(cursor, document_ids)

    def _delete(self, cursor, document_ids):
        marks = ", ".join(["%s"] * len(document_ids))
        for table in (FTS_TABLE, NAMES_TABLE):
            cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", document_ids)

    def match(self, documents, terms, *, any_term, limit=None, naming=()):
        joiner = " OR " if any_term else " AND "
        # Each term is a quoted FTS5 string of letters and digits, so no operator gets in.
        head = "{names keywords summary} : (" + joiner.join(f'"{t}"*' for t in terms) + ")"
        expression = joiner.join(_fts_term(t) for t in terms)
        if any_term:  # some of the words: above the body only, as on PostgreSQL
            expression = head
            if naming:  # and naming what the query names, as on PostgreSQL
                named = " OR ".join(
                    "(" + " AND ".join(f'"{t}"*' for t in name) + ")" for name in naming
                )
                expression = f"{{names keywords summary}} : ({named}) AND {head}"
        visible, params = _documents_where(documents)
        weights = ", ".join(str(w) for w in FTS_WEIGHTS)
        in_head = f"{DOCUMENTS}.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"
        columns = f"{DOCUMENTS}.id, {DOCUMENTS}.kind, -bm25({FTS_TABLE}, {weights})"
        matches = (
            f"FROM {FTS_TABLE} JOIN {DOCUMENTS} ON {DOCUMENTS}.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND ({visible})"
        )
        select = f"SELECT {columns}, {in_head} {matches}"  # with whether above the body
        with connection.cursor() as cursor:
            if limit is None:
                cursor.execute(select, [head, expression, *params])
                return [Hit(pk, kind, rank, bool(above)) for pk, kind, rank, above in cursor]
            order = f" ORDER BY 4 DESC, 3 DESC, {DOCUMENTS}.id LIMIT {int(limit)}"
            if not any_term and self._count(cursor, head) >= limit:
                # As on PostgreSQL, matches above the body come first, and when they fill the
                # limit, the rest are not ranked: "dose" is in 68,609 documents at scale and
                # above the body of 14,597; ranking them all took 280 ms, these 120. Ranked
                # as the full query ranks them, so the page is the same.
                cursor.execute(
                    f"SELECT {columns} {matches} AND {in_head} "
                    f"ORDER BY 3 DESC, {DOCUMENTS}.id LIMIT {int(limit)}",
                    [expression, *params, head],
                )
                hits = [Hit(pk, kind, rank, True) for pk, kind, rank in cursor]
                if len(hits) >= limit:
                    return hits
            cursor.execute(select + order, [head, expression, *params])
            return [Hit(pk, kind, rank, bool(above)) for pk, kind, rank, above in cursor]

    def _count(self, cursor, expression: str) -> int:
        """How many documents, public or not, match an FTS5 expression: a walk of its
        doclists, without ranking or reading them (2.4 ms for "dose" above the body)."""
        cursor.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression])
        return cursor.fetchone()[0]

    def similar_names(self, names, key):
        # The trigram table finds candidates sharing any trigram; pg_trgm's formula scores them.
        grams = self._rarer_trigrams(sorted({key[i : i + 3] for i in range(len(key) - 2)} - {""}))
        if not grams:
            return []
        visible, params = _documents_where(names)
        sql = (
            f"SELECT {DOCUMENTS}.id, {DOCUMENTS}.kind, {DOCUMENTS}.names, {DOCUMENTS}.title, "
            f"  {DOCUMENTS}.url FROM {NAMES_TABLE} "
            f"JOIN {DOCUMENTS} ON {DOCUMENTS}.id = {NAMES_TABLE}.rowid "
            f"WHERE {NAMES_TABLE} MATCH %s AND ({visible}) "
            f"ORDER BY rank LIMIT {NAME_CANDIDATES}"
        )
        hits = []
        with connection.cursor() as cursor:
            cursor.execute(sql, [" OR ".join(f'"{g}"' for g in grams), *params])
            for document_id, kind, document_names, title, url in cursor:
                for position, name in enumerate(document_names.splitlines()):
                    score = similarity(name, key)
                    if score >= SIMILARITY_THRESHOLD:
                        hits.append(
                            NameHit(document_id, kind, name, position == 0, title, url, score)
                        )
        return sorted(hits, key=lambda hit: -hit.similarity)

    def _rarer_trigrams(self, grams: list[str]) -> list[str]:
        """The rarer half (at least three) of the trigrams that names hold. Ranking every
        name that shares a common one ("ine" is in 21,000 names at scale) took 30-40 ms;
        a name spelt like the query shares most of its rarer ones too, and every candidate
        is scored on all its trigrams afterwards."""
        if not grams:
            return []
        marks = ", ".join(["%s"] * len(grams))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT term, doc FROM {NAMES_VOCABULARY} WHERE term IN ({marks})", grams
            )
            held = dict(cursor.fetchall())
        rarest_first = sorted(held, key=lambda gram: (held[gram], gram))
        return rarest_first[: max(3, (len(rarest_first) + 1) // 2)]

    def names_starting_with(self, names, key):
        # A range on the key's index: SQLite's LIKE would scan the table instead.
        return names.filter(key__gte=key, key__lt=key + "\U0010ffff")


def _documents_where(queryset: QuerySet) -> tuple[str, list]:
    """SQL for a raw query that joins the documents table under its own name, keeping what
    `queryset` (of documents, or of names filtered through their document) keeps: its WHERE
    clause itself when that reads only the documents' columns, as visible_documents() and
    visible_names() do. SQLite then tests each candidate row, where `id IN (SELECT …)` made
    it list every visible document (70,000 at scale) for each query. Otherwise that
    subquery."""
    query = queryset.query
    where, params = query.get_compiler(connection=connection).compile(query.where)
    if where and set(TABLE_REFERENCE.findall(where)) == {DOCUMENTS}:
        return where, list(params)
    column = "pk" if query.model is SearchDocument else "document_id"
    sql, params = queryset.values(column).query.sql_with_params()
    return f"{DOCUMENTS}.id IN ({sql})", list(params)


@cache
def _backends() -> dict[str, Backend]:
    return {"postgresql": PostgresBackend(), "sqlite": SQLiteBackend()}


def backend() -> Backend:
    try:
        return _backends()[connection.vendor]
    except KeyError:
        raise NotImplementedError(
            f"Site search supports PostgreSQL and SQLite, not {connection.vendor}."
        ) from None
