"""The public drug pages: what a reader sees, what stays hidden, and what never breaks."""

import base64
import html
import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from drugs.interactions import DrugInteractions
from drugs.kept_rows import KEPT, SPARSE_RELATIONS, prefetch_monograph
from drugs.models import (
    LETTERS,
    AZCursor,
    AZEntries,
    Drug,
    Interaction,
    KeptInteractions,
    KeptRows,
    LabelStatus,
    NameKind,
    Product,
    Seriousness,
    Severity,
    az_initials,
)
from drugs.monograph import guides_for
from drugs.views import INDEX_PER_PAGE, LIST_PER_PAGE
from medguide.editorial.models import Status
from tests.factories import (
    ArticleFactory,
    ConditionFactory,
    CuratedGuideFactory,
    DoseGuidelineFactory,
    DrugClassFactory,
    DrugFactory,
    DrugNameFactory,
    FormulationFactory,
    IndicationFactory,
    InteractionFactory,
    ReferenceFactory,
    SideEffectFactory,
    StrengthFactory,
    SubstanceFactory,
)

pytestmark = pytest.mark.django_db

BACLOFEN_DOSE = (
    "5 mg three times a day, raised by 5 mg per dose every 3 days "
    "(5 → 10 → 15 → 20 mg three times a day); usually 40–80 mg a day; "
    "never more than 80 mg a day"
)

# Measured with 3 rows in every section; the point is that 60 rows cost the same.
# Two of them are the Guides section: the curated guides, then the fallback when none is.
MONOGRAPH_QUERIES = 20  # fixed: reader tools add the change log and class tree; US products 1
INDEX_QUERIES = 6  # a page of each kind of name (uncounted); drugs, brands, classes, letters
CLASS_QUERIES = 9  # with the count of a paginated list, then its page: ids, rows
INTERACTIONS_QUERIES = 8  # drug, classes, class tree, own rows; count, then a page: ids, rows
CONDITION_QUERIES = 5  # the condition; its page: ids and count, rows, brands, classes


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def afresh_queries_for(client, url) -> int:
    """A page's queries with nothing it keeps kept yet (drugs.kept_rows and
    drugs.kept_interactions): as its first reader after a change reads it."""
    KeptRows.objects.all().delete()
    KeptInteractions.objects.all().delete()
    return queries_for(client, url)


def kept_queries_for(client, url) -> int:
    """A page's queries with what it keeps current: as every reader after the first reads it."""
    client.get(url)
    return queries_for(client, url)


# The monograph


@pytest.mark.parametrize(
    "text",
    [
        "Baclofen",
        "BAK-loe-fen",
        BACLOFEN_DOSE,
        "Lioresal",
        "Spasticity",
        "Trigeminal neuralgia",
        "Drowsiness",
        "10–63%",
        "Seizures",
        "Tizanidine",
        "Alcohol",
        "Avoid alcohol while you take baclofen.",
        "Baclofen tablets: prescribing information",
        "GABA-B",
        "Do not stop intrathecal baclofen suddenly.",
        "Don&#x27;t stop baclofen suddenly",
        "Keep a medication diary.",
        "Gablofen",
    ],
)
def test_monograph_shows_its_content(client, baclofen, text):
    assert text in page(client, "/drugs/baclofen/")


def test_monograph_links_to_the_interacting_drug(client, baclofen):
    assert 'href="/drugs/tizanidine/"' in page(client, "/drugs/baclofen/")


def test_monograph_offers_a_table_of_contents_of_its_sections(client, baclofen):
    content = page(client, "/drugs/baclofen/")
    for anchor in ["#uses", "#dosage", "#side-effects", "#interactions", "#references"]:
        assert f'href="{anchor}"' in content


def test_unknown_drug_is_404(client, baclofen):
    assert client.get("/drugs/no-such-drug/").status_code == 404


def test_draft_monograph_is_not_public(client, draft_drug):
    assert client.get(draft_drug.get_absolute_url()).status_code == 404


def test_interaction_with_a_draft_drug_is_not_shown(client, baclofen, draft_drug):
    InteractionFactory(drug=draft_drug, interactant_drug=baclofen, effect="Secret effect.")
    content = page(client, "/drugs/baclofen/")
    assert "Bromidraft" not in content
    assert "Secret effect." not in content


def test_class_interaction_shows_on_a_member_drug(client, baclofen):
    opioids = DrugClassFactory(name="Opioids")
    DrugFactory(generic_name="Morphine", slug="morphine", classes=[opioids])
    InteractionFactory(
        drug=baclofen,
        interactant_class=opioids,
        severity=Severity.MAJOR,
        effect="Dangerously slow breathing.",
    )
    content = page(client, "/drugs/morphine/")
    assert "Baclofen" in content
    assert "Dangerously slow breathing." in content


def interactions_of(drug, *severities):
    for index, severity in enumerate(severities):
        InteractionFactory(
            drug=drug,
            interactant_drug=DrugFactory(generic_name=f"Partnerazole {index}"),
            severity=severity,
            effect=f"A {severity} effect {index}.",
        )


def test_a_monograph_shows_the_most_severe_interactions_and_links_to_all(client, monkeypatch):
    """Baclofen's classes reach 779 interactions at scale: the page shows the most severe
    and says how many more there are, on a page of their own."""
    monkeypatch.setattr("drugs.monograph.MONOGRAPH_INTERACTIONS", 2)
    drug = DrugFactory(generic_name="Manyazole", slug="manyazole")
    interactions_of(drug, Severity.MINOR, Severity.MAJOR, Severity.MODERATE)
    content = page(client, "/drugs/manyazole/")
    assert "A major effect 1." in content
    assert "A moderate effect 2." in content
    assert "A minor effect 0." not in content
    assert (
        "These are the 2 most severe of 3 interactions: 1 major, 1 moderate and 1 minor." in content
    )
    assert 'href="/drugs/manyazole/interactions/">All 3 interactions of manyazole</a>' in content
    every = page(client, "/drugs/manyazole/interactions/")
    assert every.index("A major effect 1.") < every.index("A minor effect 0.")
    assert "3 interactions." in every


def test_the_rest_are_counted_by_severity_from_both_sides(
    client, monkeypatch, django_assert_num_queries
):
    """The sentence under the first few counts every interaction the page of all lists: the
    drug's own rows and those other medicines wrote about it, ungraded ones said as such."""
    monkeypatch.setattr("drugs.monograph.MONOGRAPH_INTERACTIONS", 2)
    drug = DrugFactory(generic_name="Manyazole", slug="manyazole")
    interactions_of(drug, Severity.MAJOR, Severity.UNGRADED)  # its own rows
    for index, severity in enumerate([Severity.UNGRADED, Severity.MAJOR, Severity.MAJOR]):
        InteractionFactory(
            drug=DrugFactory(generic_name=f"Writerazole {index}"),
            interactant_drug=drug,
            severity=severity,
        )
    hidden = DrugFactory(generic_name="Draftazole", status=Status.DRAFT)
    InteractionFactory(drug=hidden, interactant_drug=drug, severity=Severity.MINOR)
    counted = [(Severity.MAJOR, 3), (Severity.UNGRADED, 2)]
    assert DrugInteractions(drug).by_severity() == counted  # in a grouped query
    sliced = DrugInteractions(drug)
    sliced[:1]
    with django_assert_num_queries(0):  # with the slice's ranking
        assert sliced.by_severity() == counted
    content = page(client, "/drugs/manyazole/")
    assert (
        "These are the 2 most severe of 5 interactions: 3 major and 2 not graded by the label."
        in content
    )
    assert "All 5 interactions of manyazole" in content


def test_a_monograph_with_few_interactions_shows_them_all_without_a_link(client):
    drug = DrugFactory(generic_name="Fewazole", slug="fewazole")
    interactions_of(drug, Severity.MINOR, Severity.MAJOR)
    content = page(client, "/drugs/fewazole/")
    assert "A minor effect 0." in content
    assert "/drugs/fewazole/interactions/" not in content


def test_every_interaction_is_listed_a_page_at_a_time(client, monkeypatch):
    from drugs.views import DrugInteractionListView

    monkeypatch.setattr(DrugInteractionListView, "paginate_by", 2)
    drug = DrugFactory(generic_name="Manyazole", slug="manyazole")
    interactions_of(drug, Severity.MINOR, Severity.MAJOR, Severity.MODERATE)
    first = page(client, "/drugs/manyazole/interactions/")
    assert "Interactions 1 to 2 of 3 (page 1 of 2)." in first
    assert "A minor effect 0." not in first
    last = page(client, "/drugs/manyazole/interactions/?page=9")
    assert "A minor effect 0." in last
    assert "A major effect 1." not in last


def test_counts_of_a_thousand_and_more_are_written_with_a_comma(client, monkeypatch):
    from drugs.views import DrugInteractionListView

    monkeypatch.setattr(DrugInteractionListView, "paginate_by", 1000)
    drug = DrugFactory(generic_name="Manyazole", slug="manyazole")
    others = Drug.objects.bulk_create(
        DrugFactory.build(generic_name=f"Partnerazole {n}", slug=f"partnerazole-{n}")
        for n in range(1001)
    )
    Interaction.objects.bulk_create(
        InteractionFactory.build(drug=other, interactant_drug=drug) for other in others
    )
    assert "most severe of 1,001 interactions" in page(client, "/drugs/manyazole/")
    last = page(client, "/drugs/manyazole/interactions/?page=2")
    assert "Interactions 1,001 to 1,001 of 1,001 (page 2 of 2)." in last


def test_the_interactions_of_a_draft_or_with_a_draft_are_not_public(client, baclofen, draft_drug):
    assert client.get(f"/drugs/{draft_drug.slug}/interactions/").status_code == 404
    assert client.get("/drugs/no-such-drug/interactions/").status_code == 404
    InteractionFactory(drug=draft_drug, interactant_drug=baclofen, effect="Secret effect.")
    content = page(client, "/drugs/baclofen/interactions/")
    assert "Secret effect." not in content
    assert "Bromidraft" not in content


def test_a_medicine_without_interactions_on_record_is_not_given_an_all_clear(client):
    drug = DrugFactory(generic_name="Loneazole")
    content = page(client, f"/drugs/{drug.slug}/interactions/")
    assert "We have no interactions on record for loneazole." in content
    assert "That does not mean it is safe" in content


# The A–Z index


def test_index_lists_published_drugs(client, baclofen, draft_drug):
    content = page(client, "/drugs/")
    assert "Baclofen" in content
    assert "Tizanidine" in content
    assert "Bromidraft" not in content


@pytest.mark.parametrize("letter", ["b", "B", " b "])
def test_index_filters_by_letter(client, baclofen, draft_drug, letter):
    content = page(client, f"/drugs/?letter={letter}")
    assert "Baclofen" in content
    assert "Tizanidine" not in content
    assert "Bromidraft" not in content


def test_index_with_an_unused_letter_lists_nothing(client, baclofen):
    content = page(client, "/drugs/?letter=q")
    assert "Baclofen" not in content
    assert "Tizanidine" not in content


@pytest.mark.parametrize("letter", ["", "abc", "1", "a1", "1a", "é", "bé", "%", "b%", "b c"])
def test_index_ignores_a_filter_that_is_not_one_or_two_letters(client, baclofen, letter):
    content = page(client, "/drugs/?" + "letter=" + letter)
    assert "Baclofen" in content
    assert "Tizanidine" in content


def test_a_letter_lists_exactly_the_names_starting_with_it(client):
    """A letter is a range of the case-insensitive name index ("c" up to "d") as well as a
    prefix: names either side of it, at its edges and after "z" stay where they belong."""
    for name in ("Bzinamide", "Cabazine", "czarozole", "Dacarbazine", "Zyprazole", "Çelazine"):
        DrugFactory(generic_name=name, status=Status.PUBLISHED)
    under_c = page(client, "/drugs/?letter=c")
    assert "Cabazine" in under_c
    assert "czarozole" in under_c
    assert "Bzinamide" not in under_c
    assert "Dacarbazine" not in under_c
    under_z = page(client, "/drugs/?letter=z")
    assert "Zyprazole" in under_z
    # After "z" in the name index, on both engines here, and under no letter: listed in all.
    assert "Çelazine" not in under_z
    assert "Çelazine" not in under_c
    assert "Çelazine" in page(client, "/drugs/")


def test_two_letters_list_exactly_the_names_starting_with_them(client):
    """ "cy" is a range of the name index too ("cy" up to "cz"), and "cz" ends where "d"
    starts: a letter's names split by their second letter, each in one place."""
    names = ("Cyclizine", "cytarabine", "Cxbrand", "Czarozole", "C-yamine", "Cy", "Dacarbazine")
    for name in names:
        DrugFactory(generic_name=name, status=Status.PUBLISHED)
    DrugNameFactory(drug=Drug.objects.get(generic_name="Dacarbazine"), name="Cymbrand")
    under_cy = page(client, "/drugs/?letter=Cy")
    for listed in ("Cyclizine", "cytarabine", "Cy", "Cymbrand"):
        assert listed in under_cy
    for left_out in ("Cxbrand", "Czarozole", "C-yamine", "Dacarbazine</a>"):
        assert left_out not in under_cy
    assert "<h1>Drugs starting with Cy</h1>" in under_cy
    assert 'href="/drugs/?letter=c">Show all of C</a>' in under_cy
    under_cz = page(client, "/drugs/?letter=cz")
    assert "Czarozole" in under_cz
    assert "Dacarbazine" not in under_cz
    # Every name of C is under C and under no more than one pair of letters.
    under_c = page(client, "/drugs/?letter=c")
    listings = [  # each pair's page below its strips
        page(client, f"/drugs/?letter=c{second}").split('class="filter-note"')[1]
        for second in LETTERS
    ]
    for name in ("Cyclizine", "cytarabine", "Cy", "Cymbrand", "Cxbrand", "Czarozole", "C-yamine"):
        assert name in under_c
        assert sum(f">{name}<" in listing for listing in listings) == (name != "C-yamine")


def test_a_letter_offers_the_two_letter_starts_of_its_names(client):
    """Under a letter, a second strip links the two-letter starts its published names (generic
    or brand) have, the current one marked; under none, there is none."""
    for name in ("Cabazine", "Cyclizine", "Cerivastatin"):
        DrugFactory(generic_name=name, status=Status.PUBLISHED)
    DrugNameFactory(drug=DrugFactory(generic_name="Dacarbazine"), name="Coldbrand")
    DrugFactory(generic_name="Chidden", status=Status.DRAFT)
    under_c = page(client, "/drugs/?letter=c")
    second = under_c.split('aria-label="Drugs starting with C, by their first two letters"')[1]
    second = second.split("</nav>")[0]
    starts = re.findall(r'href="/drugs/\?letter=(c[a-z])"', second)
    assert starts == ["ca", "ce", "co", "cy"]
    assert "(no drugs)" not in second  # only those that lead somewhere
    under_ce = page(client, "/drugs/?letter=ce")
    assert 'href="/drugs/?letter=ce" aria-current="page">Ce</a>' in under_ce
    assert 'href="/drugs/?letter=c" aria-current="page">C</a>' in under_ce  # and its letter
    assert "by their first two letters" not in page(client, "/drugs/")
    DrugFactory(generic_name="Quinine")
    assert "by their first two letters" not in page(client, "/drugs/?letter=q")  # one: no choice


def test_az_initials_probes_each_start_for_a_published_name():
    DrugFactory(generic_name="Cabazine", status=Status.PUBLISHED)
    DrugFactory(generic_name="Czarozole", status=Status.PUBLISHED)
    DrugFactory(generic_name="Cedraft", status=Status.DRAFT)
    DrugNameFactory(drug=DrugFactory(generic_name="Zyprazole"), name="Cibrand")
    assert az_initials("") == {"c", "z"}
    assert az_initials("c") == {"ca", "ci", "cz"}
    assert az_initials("", "z") == {"c", "z", "zy"}
    assert az_initials("q") == set()


def test_index_links_letters_in_use(client, baclofen):
    content = page(client, "/drugs/")
    assert 'href="/drugs/?letter=b"' in content
    assert 'href="/drugs/?letter=q"' not in content


def test_a_letter_is_in_use_only_for_a_published_name_starting_with_it(client):
    """The strip probes each letter for the first published name at or after it: a name of
    the next letter, a draft, a scheduled medicine or a draft's brand do not light it."""
    DrugFactory(generic_name="Rabeprazole", status=Status.PUBLISHED)  # first after "q"
    DrugFactory(generic_name="Quinidraft", status=Status.DRAFT)
    DrugFactory(
        generic_name="Quinilater",
        status=Status.PUBLISHED,
        published_at=timezone.now() + timedelta(days=1),
    )
    DrugNameFactory(drug=DrugFactory(status=Status.DRAFT), name="Xbrand", kind=NameKind.BRAND)
    DrugFactory(generic_name="4-aminopyridine", status=Status.PUBLISHED)  # before "a"
    DrugFactory(generic_name="zuclopenthixol", status=Status.PUBLISHED)  # the last letter
    strip = page(client, "/drugs/")
    assert 'href="/drugs/?letter=r"' in strip
    assert 'href="/drugs/?letter=z"' in strip
    for unused in "qxa":
        assert f'href="/drugs/?letter={unused}"' not in strip


def test_brand_names_are_listed_under_their_own_letter_and_lead_to_the_generic(client, baclofen):
    # The fixture's baclofen has the brand Lioresal and the former brand Kemstro.
    DrugNameFactory(drug=baclofen, name="Baclofen", kind=NameKind.BRAND)  # the generic's own
    DrugNameFactory(drug=baclofen, name="Spasmol", kind=NameKind.OTHER)  # not a brand
    assert 'href="/drugs/?letter=l"' in page(client, "/drugs/")
    under_l = page(client, "/drugs/?letter=l")
    assert '<a href="/drugs/baclofen/">Lioresal</a>' in under_l
    assert "brand name of Baclofen" in under_l
    under_b = page(client, "/drugs/?letter=b")
    assert under_b.count("brand name of Baclofen") == 0  # not listed again as its own brand
    assert 'href="/drugs/?letter=s"' not in page(client, "/drugs/")
    assert "Kemstro" not in page(client, "/drugs/?letter=k")


def links_of(content: str) -> dict[str, str]:
    """An A–Z page's Previous and Next addresses, by their rel."""
    return {
        rel: html.unescape(address)
        for address, rel in re.findall(r'href="(\?[^"]*)" rel="(prev|next)"', content)
    }


def test_the_index_is_paginated_by_cursors_and_named_by_its_names(client):
    for number in range(INDEX_PER_PAGE * 2 + 5):
        DrugFactory(generic_name=f"Bexample{number:03d}")
    first = page(client, "/drugs/?letter=b")
    assert first.count('class="card drug-card') == INDEX_PER_PAGE
    assert f"Names Bexample000 to Bexample{INDEX_PER_PAGE - 1:03d}." in first
    assert "prev" not in links_of(first)
    second = page(client, "/drugs/" + links_of(first)["next"])
    assert f"Names Bexample{INDEX_PER_PAGE:03d} to Bexample{INDEX_PER_PAGE * 2 - 1:03d}." in second
    assert f"Bexample{INDEX_PER_PAGE:03d} to" in second.split("</title>")[0]  # and its title
    last = page(client, "/drugs/" + links_of(second)["next"])
    assert last.count('class="card drug-card') == 5
    assert "next" not in links_of(last)
    again = page(client, "/drugs/" + links_of(last)["prev"])  # back: the second page's names
    assert f"Names Bexample{INDEX_PER_PAGE:03d} to Bexample{INDEX_PER_PAGE * 2 - 1:03d}." in again
    assert links_of(page(client, "/drugs/" + links_of(again)["prev"])).keys() == {"next"}
    # Each page names its letter and cursor as its canonical address.
    cursor = links_of(first)["next"].split("cursor=")[1]
    canonical = f"http://testserver/drugs/?letter=b&amp;cursor={cursor}"
    assert f'<link rel="canonical" href="{canonical}">' in second


@pytest.mark.parametrize(
    "cursor",
    [
        "abc",
        "%00",
        "W10",
        "WzEsMiwzXQ",
        "WzAsMSwyXQ",
        "x" * 500,
        "WzAsIlx1MDAwMCIsbnVsbF0",  # [0,"\u0000",null]
        "WzAsIlx1ZDgwMCIsbnVsbF0",  # [0,"\ud800",null]: a lone surrogate
    ],
)
def test_a_cursor_that_is_not_one_shows_the_first_page(client, baclofen, cursor):
    """Not base64, not JSON, the wrong shape ([1, 2, 3]), keys that are not names, a NUL or
    a lone surrogate (which no database driver can send), too long: the first page, as
    without one."""
    content = page(client, f"/drugs/?cursor={cursor}")
    assert "Baclofen" in content
    assert "Tizanidine" in content


@pytest.mark.parametrize("backwards", [False, True])
def test_a_cursor_past_either_end_shows_the_page_at_that_end(
    client, django_assert_max_num_queries, backwards
):
    """An old or edited cursor that reads past the end (or before the start) finds nothing:
    the page at that end is shown, in a fixed number of queries."""
    for number in range(INDEX_PER_PAGE + 5):
        DrugFactory(generic_name=f"Bexample{number:03d}")
    beyond = AZCursor(backwards, "a" if backwards else "bz", "a" if backwards else "bz")
    with django_assert_max_num_queries(INDEX_QUERIES + 2):  # the two walks from that end
        content = page(client, f"/drugs/?letter=b&cursor={beyond}")
    if backwards:
        assert "Names Bexample000 to" in content
    else:
        assert f"Names Bexample005 to Bexample{INDEX_PER_PAGE + 4:03d}." in content


def walk(entries: AZEntries, per_page: int, *, backwards: bool = False) -> list[str]:
    """Every name, page by page along the Next (or, from the end, Previous) cursors."""
    names, cursor = [], AZCursor(backwards=backwards)
    while cursor:
        page = entries.page(cursor, per_page)
        shown = [row[1] for row in page.rows]
        names = names + shown if not backwards else shown + names
        cursor = page.previous if backwards else page.next
    return names


def test_every_page_of_the_index_continues_the_one_name_order():
    """Each kind of name is read from its own index as far as the page's end and the two
    merged: the pages together are every published name once, in name order, read forwards
    from the first or backwards from the last."""
    for number in range(7):
        drug = DrugFactory(generic_name=f"Cexample{number * 2}")
        DrugNameFactory(drug=drug, name=f"Cbrand{number}", kind=NameKind.BRAND)
        DrugNameFactory(drug=drug, name=f"Cexample{number * 2 + 1}", kind=NameKind.BRAND)
    DrugNameFactory(drug=drug, name="Cexample0x", kind=NameKind.BRAND)
    DrugNameFactory(drug=drug, name="CO-BRAND", kind=NameKind.BRAND)  # punctuation, capitals
    DrugFactory(generic_name="Co-trimoxazole")
    hidden = DrugFactory(generic_name="Chidden", status=Status.DRAFT)
    DrugNameFactory(drug=hidden, name="Cdraftbrand", kind=NameKind.BRAND)

    for per_page in (1, 3, 4, 60):
        names = walk(AZEntries("c"), per_page)
        assert len(names) == len(set(names)) == 7 * 3 + 3, per_page
        assert names == sorted(names, key=str.lower)
        assert walk(AZEntries("c"), per_page, backwards=True) == names
        assert walk(AZEntries(), per_page) == names  # every letter: the same walk
        # Two letters: the same walk's stretch of them, either way.
        under_ce = [name for name in names if name.lower().startswith("ce")]
        assert len(under_ce) == 15
        assert walk(AZEntries("ce"), per_page) == under_ce
        assert walk(AZEntries("ce"), per_page, backwards=True) == under_ce
    assert names[:4] == ["Cbrand0", "Cbrand1", "Cbrand2", "Cbrand3"]
    assert "Chidden" not in names
    assert "Cdraftbrand" not in names


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    generics=st.sets(st.text("abAB -1", min_size=1, max_size=4), max_size=8),
    brands=st.sets(st.text("abAB -1", min_size=1, max_size=4), max_size=8),
    per_page=st.integers(1, 5),
)
def test_any_names_are_walked_whole_in_pages_of_any_size(generics, brands, per_page):
    """Generic and brand names that differ only in case, punctuation or spaces: every page
    along the cursors, either way, lists each published name once."""
    Drug.objects.all().delete()
    drugs = {}
    for name in sorted({g.strip() for g in generics if g.strip()}):
        if name.lower() not in drugs:
            drugs[name.lower()] = DrugFactory(generic_name=name, slug=f"drug-{len(drugs)}")
    taken = set(drugs)
    owner = next(iter(drugs.values()), None)
    listed = [drug.generic_name for drug in drugs.values()]
    for name in sorted({b.strip() for b in brands if b.strip()}):
        if owner is None or name.lower() in taken:
            continue
        taken.add(name.lower())
        DrugNameFactory(drug=owner, name=name, kind=NameKind.BRAND)
        listed.append(name)
    forwards = walk(AZEntries(), per_page)
    assert sorted(forwards) == sorted(listed)
    assert walk(AZEntries(), per_page, backwards=True) == forwards


# Class and condition pages


def test_class_page_lists_its_published_drugs(client, baclofen, draft_drug):
    relaxants = baclofen.classes.get()
    draft_drug.classes.add(relaxants)
    content = page(client, relaxants.get_absolute_url())
    assert "Skeletal muscle relaxants" in content
    assert "Baclofen" in content
    assert "Bromidraft" not in content


def test_class_page_lists_drugs_of_its_subclasses(client):
    depressants = DrugClassFactory(name="CNS depressants")
    benzodiazepines = DrugClassFactory(name="Benzodiazepines", parent=depressants)
    DrugFactory(generic_name="Diazepam", classes=[benzodiazepines])
    content = page(client, depressants.get_absolute_url())
    assert "Benzodiazepines" in content
    assert "Diazepam" in content


def test_class_and_condition_pages_are_paginated(client):
    relaxants = DrugClassFactory(name="Relaxants")
    spasm = ConditionFactory(name="Spasm")
    for number in range(LIST_PER_PAGE + 2):
        drug = DrugFactory(generic_name=f"Relaxo{number:03d}", classes=[relaxants])
        IndicationFactory(
            drug=drug,
            condition=spasm,
            label_status=LabelStatus.OFF_LABEL if number == 0 else LabelStatus.ON_LABEL,
        )
    for url in (relaxants.get_absolute_url(), spasm.get_absolute_url()):
        first = page(client, url)
        assert first.count('<article class="card drug-card') == LIST_PER_PAGE, url
        assert 'href="?page=2"' in first
        last = page(client, url + "?page=7")  # past the end: the last page
        assert "(page 2)" in last
    # Approved uses come first; the one off-label use is on the last page, under its heading.
    on_the_last = page(client, spasm.get_absolute_url() + "?page=2")
    assert "Off-label use" in on_the_last
    assert "Relaxo000" in on_the_last


def test_empty_class_page_still_answers(client):
    assert client.get(DrugClassFactory().get_absolute_url()).status_code == 200


def test_unknown_class_is_404(client):
    assert client.get("/drug-classes/no-such-class/").status_code == 404


def test_condition_page_lists_drugs_used_for_it(client, baclofen, draft_drug):
    spasticity = baclofen.indications.get(label_status=LabelStatus.ON_LABEL).condition
    IndicationFactory(drug=draft_drug, condition=spasticity)
    content = page(client, spasticity.get_absolute_url())
    assert "Spasticity" in content
    assert "Baclofen" in content
    assert "Bromidraft" not in content


def test_condition_page_lists_off_label_use(client, baclofen):
    neuralgia = baclofen.indications.get(label_status=LabelStatus.OFF_LABEL).condition
    content = page(client, neuralgia.get_absolute_url())
    assert "Baclofen" in content
    assert "off-label" in content.lower()


def test_condition_list_shows_conditions_with_published_drugs(client, baclofen, draft_drug):
    IndicationFactory(drug=draft_drug, condition=ConditionFactory(name="Draftitis"))
    content = page(client, "/conditions/")
    assert "Spasticity" in content
    assert "Draftitis" not in content


def test_unknown_condition_is_404(client):
    assert client.get("/conditions/no-such-condition/").status_code == 404


# Odd input never breaks a page


@pytest.mark.parametrize(
    "url",
    [
        "/drugs/?letter=%00",
        "/drugs/?letter=" + "b" * 10_000,
        "/drugs/?letter=%F0%9F%92%8A",
        "/drugs/?letter=%D0%B1",
        "/drugs/?letter=b&letter=c&letter=",
        "/drugs/?letter='%20OR%201=1--",
        "/drugs/%00/",
        "/drugs/" + "a" * 5000 + "/",
        "/drugs/%F0%9F%92%8A/",
        "/drug-classes/%00/",
        "/conditions/" + "a" * 5000 + "/",
        "/search/?q=%00",
        "/search/?q=bac%00lofen",
        "/search/?q=" + "b" * 10_000,
        "/search/?q=%22%27%3C%3E",
        "/search/?q=%27%3B%20DROP%20TABLE%20drugs_drug%3B--",
        "/search/?q=%25",
        "/search/?q=_",
        "/search/?q=%F0%9F%92%8A",
        "/search/?q=%E2%80%AE",
        "/search/?q=bac&q=lio",
        "/search/?q[]=bac",
        "/search/?q=%ZZ",
    ],
)
def test_odd_input_never_breaks_a_page(client, baclofen, url):
    assert client.get(url).status_code in {200, 404}


printable = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
# Function-scoped fixtures are fine here: every example only reads.
fuzz = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@fuzz
@given(letter=printable)
@example(letter="\x00")
def test_any_letter_filter_answers(client, baclofen, letter):
    assert client.get("/drugs/", {"letter": letter}).status_code < 500


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4),
    max_leaves=8,
)


@fuzz
@given(value=json_values, letter=st.sampled_from(["", "b", "z"]))
@example(value=[0, "\ud800", None], letter="")
@example(value=[1, "b", "\U0010ffff"], letter="b")
def test_any_cursor_answers(client, baclofen, value, letter):
    """Whatever JSON a stranger encodes as a cursor: a page, never a 500."""
    cursor = base64.urlsafe_b64encode(json.dumps(value).encode()).decode()
    assert client.get("/drugs/", {"letter": letter, "cursor": cursor}).status_code == 200


@fuzz
@given(query=printable)
@example(query="\x00")
@example(query="%_\\'\"")
def test_any_search_answers(client, baclofen, query):
    assert client.get("/search/", {"q": query}).status_code < 500


# Query counts stay fixed as content grows


def monograph_with(rows: int):
    """A published drug with `rows` rows in every section the monograph shows."""
    parent = DrugClassFactory()
    drug = DrugFactory(classes=[DrugClassFactory(parent=parent), DrugClassFactory()])
    DrugNameFactory.create_batch(rows, drug=drug)
    for index in range(rows):
        condition = ConditionFactory()
        IndicationFactory(drug=drug, condition=condition, order=index)
        DoseGuidelineFactory(
            drug=drug,
            condition=condition,
            step_amount=Decimal("5"),
            step_interval_days=3,
            target_amount=Decimal("20"),
            max_per_day=Decimal("80"),
        )
        StrengthFactory.create_batch(2, formulation=FormulationFactory(drug=drug))
        SideEffectFactory(
            drug=drug, seriousness=Seriousness.SERIOUS if index % 2 else Seriousness.MILD
        )
        ReferenceFactory(drug=drug)
        InteractionFactory(drug=drug)
        InteractionFactory(interactant_drug=drug)
        InteractionFactory(drug=drug, interactant_class=DrugClassFactory())
        InteractionFactory(drug=drug, interactant_substance=SubstanceFactory())
        InteractionFactory(interactant_class=parent)
        CuratedGuideFactory(drug=drug, order=index)
    return drug


# The sparse relations kept, each read through the drug's related manager (of the guides about
# it, only the newest are kept: NEWEST_GUIDES).
RELATION_CACHES = [name for name in SPARSE_RELATIONS if name in KEPT]


def test_monograph_queries_do_not_grow_with_content(client, django_assert_max_num_queries):
    few = monograph_with(rows=3).get_absolute_url()
    with django_assert_max_num_queries(MONOGRAPH_QUERIES + KEEPING_INTERACTIONS_QUERIES):
        client.get(few)
    many = monograph_with(rows=60).get_absolute_url()
    # No more: fewer when the interactions shown are all its own (none of others' to fetch).
    assert afresh_queries_for(client, many) <= afresh_queries_for(client, few)
    assert kept_queries_for(client, many) == kept_queries_for(client, few)


# What keeping a monograph's rows costs in a test, whose transaction makes its write a
# savepoint: the savepoint, the write, its release (drugs.kept_rows.keep).
KEEPING_QUERIES = 3
# And its first interactions' (drugs.kept_interactions): when the first medicine still
# scheduled is published, then the same write.
KEEPING_INTERACTIONS_QUERIES = 1 + KEEPING_QUERIES


def test_a_monograph_fetches_only_the_related_rows_it_has(django_assert_num_queries):
    """prefetch_monograph(): one query finds which of the sparse relations have rows; the
    empty ones then cost nothing to read, the others are read as for_monograph() reads them
    (and kept: the next reader's one query has them, drugs.kept_rows)."""
    label_page = DrugFactory()  # its name, classes and labels, and none of the rest
    # Which have rows, then names, classes, labels, then keeping them.
    with django_assert_num_queries(4 + KEEPING_QUERIES):
        prefetch_monograph(label_page)
    with django_assert_num_queries(0):
        for name in RELATION_CACHES:
            assert list(getattr(label_page, name).all()) == []
        assert list(label_page.label_sources.all()) == []
        assert guides_for(label_page) == ([], False)

    written = monograph_with(rows=2)
    Product.objects.create(
        application_number="012345", product_number="001", name="Brandname"
    ).drugs.add(written)
    CuratedGuideFactory(drug=written, article=ArticleFactory(status=Status.DRAFT))
    expected = Drug.objects.for_monograph().get(pk=written.pk)
    relations = [*RELATION_CACHES, "names", "classes", "label_sources"]
    expected_rows = {name: list(getattr(expected, name).all()) for name in relations}
    prefetch_monograph(written)  # read and kept
    written = Drug.objects.get(pk=written.pk)
    with django_assert_num_queries(1):  # which have rows, with the kept ones
        prefetch_monograph(written)
    with django_assert_num_queries(0):
        for name in relations:
            found = list(getattr(written, name).all())
            assert found == expected_rows[name], name
            assert found or name in ("label_sources", "changes"), name
        assert [f.strengths.all()[0] for f in written.formulations.all()]
        assert any(c.parent for c in written.classes.all())
        # Every guide an editor placed, in order; the page shows the live ones, the draft one
        # left out.
        placed = [c.article for c in written.curated_guides.all()]
        assert [g.status for g in placed] == [Status.PUBLISHED] * 2 + [Status.DRAFT]
        assert guides_for(written) == (placed[:2], True)
        # As cards: the guides' text, which the page never shows, left in the database.
        assert all("body" in guide.get_deferred_fields() for guide in placed)


def test_the_newest_guides_come_as_cards_without_their_text(django_assert_num_queries):
    """A monograph no editor chose guides for lists the newest on it: as cards, read with its
    rows and kept with them, their text (which a card never shows) left in the database."""
    drug = DrugFactory()
    article = ArticleFactory(related_drugs=[drug])
    # Which have rows, names, classes, labels, the newest guides, then keeping them.
    with django_assert_num_queries(5 + KEEPING_QUERIES):
        prefetch_monograph(drug)

    for reader in (drug, Drug.objects.get(pk=drug.pk)):  # read afresh, then kept
        if reader is not drug:
            prefetch_monograph(reader)
        with django_assert_num_queries(0):
            guides, curated = guides_for(reader)
            assert [(guide.title, guide.category.name) for guide in guides] == [
                (article.title, article.category.name)
            ]
        assert not curated
        assert "body" in guides[0].get_deferred_fields()


def test_the_open_data_keeps_the_guides_with_the_rest(django_assert_num_queries):
    """The open data lists no guides, but reads them with the rest when it reads afresh, so
    that what it keeps is the page's too: one query more, after a change, for the few
    medicines with guides placed on them."""
    drug = DrugFactory()
    CuratedGuideFactory(drug=drug)
    # Which have rows, names, classes, labels, the placed guides, then keeping them.
    with django_assert_num_queries(5 + KEEPING_QUERIES):
        prefetch_monograph(drug)
    drug = Drug.objects.get(pk=drug.pk)
    with django_assert_num_queries(1):
        prefetch_monograph(drug)
        assert len(guides_for(drug)[0]) == 1


def test_interaction_page_queries_do_not_grow_with_interactions(
    client, django_assert_max_num_queries
):
    few = monograph_with(rows=3)
    url = f"/drugs/{few.slug}/interactions/"
    with django_assert_max_num_queries(INTERACTIONS_QUERIES):
        client.get(url)
    many = monograph_with(rows=60)
    assert queries_for(client, f"/drugs/{many.slug}/interactions/") == queries_for(client, url)


def test_index_queries_do_not_grow_with_drugs(client, django_assert_max_num_queries):
    classes = DrugClassFactory.create_batch(2)
    for _ in range(3):
        DrugNameFactory(drug=DrugFactory(classes=classes))
    with django_assert_max_num_queries(INDEX_QUERIES):
        client.get("/drugs/")
    few = queries_for(client, "/drugs/")
    for _ in range(57):
        DrugNameFactory(drug=DrugFactory(classes=classes))
    assert queries_for(client, "/drugs/") == few
    for letter in ("d", "dr"):  # a letter's strips of letters and their pairs: one probe
        with django_assert_max_num_queries(INDEX_QUERIES):
            client.get(f"/drugs/?letter={letter}")


def test_class_page_queries_do_not_grow_with_drugs(client, django_assert_max_num_queries):
    relaxants = DrugClassFactory(parent=DrugClassFactory())
    DrugClassFactory.create_batch(3, parent=relaxants)
    for _ in range(3):
        DrugNameFactory(drug=DrugFactory(classes=[relaxants]))
    url = relaxants.get_absolute_url()
    with django_assert_max_num_queries(CLASS_QUERIES):
        client.get(url)
    few = queries_for(client, url)
    for _ in range(57):
        DrugNameFactory(drug=DrugFactory(classes=[relaxants, DrugClassFactory()]))
    assert queries_for(client, url) == few


def test_condition_page_queries_do_not_grow_with_drugs(client, django_assert_max_num_queries):
    spasticity = ConditionFactory()
    classes = DrugClassFactory.create_batch(2)

    def add_drugs(count):
        for index in range(count):
            drug = DrugFactory(classes=classes)
            DrugNameFactory(drug=drug)
            IndicationFactory(
                drug=drug,
                condition=spasticity,
                label_status=LabelStatus.OFF_LABEL if index % 2 else LabelStatus.ON_LABEL,
            )

    add_drugs(3)
    url = spasticity.get_absolute_url()
    with django_assert_max_num_queries(CONDITION_QUERIES):
        client.get(url)
    few = queries_for(client, url)
    add_drugs(57)
    assert queries_for(client, url) == few
    # Past the end, the list is counted and the last page's ids read again.
    with django_assert_max_num_queries(CONDITION_QUERIES + 2):
        assert "(page 2)" in client.get(url + "?page=9").content.decode()


def test_a_scheduled_monograph_stays_off_condition_and_class_pages_until_its_time(client, baclofen):
    indication = baclofen.indications.first()
    drug_class = baclofen.classes.first()
    later = DrugFactory(
        generic_name="Laterazole",
        status=Status.PUBLISHED,
        published_at=timezone.now() + timedelta(days=1),
    )
    IndicationFactory(drug=later, condition=indication.condition)
    later.classes.add(drug_class)
    for url in ["/conditions/", indication.condition.get_absolute_url(), "/"]:
        assert "Laterazole" not in client.get(url).content.decode(), url
    assert "Laterazole" not in client.get(drug_class.get_absolute_url()).content.decode()
