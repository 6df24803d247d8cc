"""The public guide pages, the drug page's Guides section and the home page's latest guides:
what a reader sees, what stays hidden until it is published, and what never breaks."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.views import GUIDES_PER_PAGE
from medguide.editorial.models import Status
from medguide.editorial.paging import page_number
from tests.drugs.test_views import KEEPING_INTERACTIONS_QUERIES, KEEPING_QUERIES, kept_queries_for
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    CuratedGuideFactory,
    DrugFactory,
    ReferenceFactory,
)

pytestmark = pytest.mark.django_db

# Measured with 3 rows of everything; the tests check that 30 rows cost the same.
LIST_QUERIES = 7  # filters: categories, medicines, tags; the page: count, ids, rows, their tags
DETAIL_QUERIES = 5  # related guides: those sharing medicines, then the newest in the category
DRUG_PAGE_QUERIES = 15  # label sources, the public change log and US products prefetched
HOME_QUERIES = 5

FAKE_RENDITIONS = [
    {"width": 480, "height": 270, "format": "jpeg", "name": "renditions/hero-480w.jpg"},
    {"width": 800, "height": 450, "format": "jpeg", "name": "renditions/hero-800w.jpg"},
    {"width": 480, "height": 270, "format": "webp", "name": "renditions/hero-480w.webp"},
    {"width": 800, "height": 450, "format": "webp", "name": "renditions/hero-800w.webp"},
]


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def titles_in(html: str) -> list[str]:
    """Guide titles in page order, as the cards link them."""
    return re.findall(r'<h\d class="card__title"><a href="/articles/[^"]+/">([^<]+)</a>', html)


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def ahead(**kwargs):
    return timezone.now() + timedelta(**kwargs)


def with_hero(article: Article, alt: str = "A pharmacist hands over a box of tablets") -> Article:
    """Pretend the article has stored renditions: the page only needs their description."""
    Article.objects.filter(pk=article.pk).update(hero_renditions=FAKE_RENDITIONS, hero_alt=alt)
    article.refresh_from_db()
    return article


@pytest.fixture
def guide(db):
    """A published guide with everything the page can show."""
    drug = DrugFactory(generic_name="Baclofen", slug="baclofen")
    return ArticleFactory(
        title="Baclofen for Chronic Abdominal Pain: Benefits, Risks & Practical Guide",
        slug="baclofen-for-chronic-abdominal-pain",
        summary="Explore how Baclofen can relieve chronic abdominal pain.",
        body=(
            "# How it helps\n\nBaclofen calms the gut's nerves.\n\n"
            "# What the evidence says\n\nSmall trials.\n\n"
            "# Side effects\n\n| Effect | How often |\n|---|---|\n| Drowsiness | Common |\n"
        ),
        author=AuthorFactory(name="Dana Reed", credentials="PharmD", bio="Dana writes guides."),
        reviewed_by="Sam Ortiz, MD",
        reviewed_on=timezone.datetime(2025, 10, 21).date(),
        category=CategoryFactory(name="Medications", slug="medications"),
        tags=["abdominal pain", "muscle relaxants"],
        related_drugs=[drug],
        published_at=timezone.make_aware(timezone.datetime(2025, 10, 22, 9, 0)),
    )


# The guide page


@pytest.mark.parametrize(
    "text",
    [
        '<h1 class="guide__title">Baclofen for Chronic Abdominal Pain: Benefits, Risks &amp; '
        "Practical Guide</h1>",
        "Explore how Baclofen can relieve chronic abdominal pain.",
        'By <a href="#about-the-author">Dana Reed</a>, PharmD',
        "Dana writes guides.",
        'Medically reviewed by Sam Ortiz, MD on <time datetime="2025-10-21">21 October 2025</time>',
        '<time datetime="2025-10-22T09:00:00+00:00">22 October 2025</time>',
        "1 min read",
        "<td>Drowsiness</td>",
        '<a class="tag" href="/articles/tag/abdominal-pain/">abdominal pain</a>',
        '<a href="/articles/category/medications/">Medications</a>',
        '<a class="guide-drugs__name" href="/drugs/baclofen/">Baclofen</a>',
        "does not replace advice from a doctor",
        '<meta name="description" content="Explore how Baclofen can relieve chronic abdominal',
        "<title>Baclofen for Chronic Abdominal Pain: Benefits, Risks &amp; Practical Guide |",
        '<link rel="alternate" type="application/rss+xml"',
    ],
)
def test_guide_page_shows_its_content(client, guide, text):
    assert text in page(client, guide.get_absolute_url())


def test_guide_page_lists_its_headings_as_contents(client, guide):
    html = page(client, guide.get_absolute_url())
    contents = html.split('id="contents"')[1].split("</nav>")[0]
    anchors = re.findall(r'href="#([^"]+)"', contents)
    assert anchors == [heading["anchor"] for heading in guide.headings]
    for anchor in anchors:
        assert f'id="{anchor}"' in html


def test_short_guide_has_no_contents(client):
    short = ArticleFactory(body="# One\n\nText.\n\n# Two\n\nMore text.")
    assert 'id="contents"' not in page(client, short.get_absolute_url())


def test_guide_without_reviewer_makes_no_review_claim(client):
    unreviewed = ArticleFactory(reviewed_by="", reviewed_on=None)
    assert "Medically reviewed" not in page(client, unreviewed.get_absolute_url())


def test_updated_date_shows_only_when_an_editor_sets_it(client, guide):
    assert "Updated" not in page(client, guide.get_absolute_url())
    guide.revised_on = timezone.datetime(2025, 11, 3).date()
    guide.save()
    html = page(client, guide.get_absolute_url())
    assert 'Updated <time datetime="2025-11-03">3 November 2025</time>' in html


def test_hero_image_is_fetched_first_with_its_renditions(client, guide):
    with_hero(guide)
    html = page(client, guide.get_absolute_url())
    hero = html.split('class="guide__hero"')[1].split("</picture>")[0]
    assert 'type="image/webp" srcset="/media/renditions/hero-480w.webp 480w' in hero
    assert 'alt="A pharmacist hands over a box of tablets"' in hero
    assert 'loading="eager"' in hero
    assert 'fetchpriority="high"' in hero
    assert 'width="800" height="450"' in hero


def test_guide_without_image_has_no_picture(client, guide):
    assert "<picture>" not in page(client, guide.get_absolute_url())


def test_medicines_box_leaves_out_unpublished_drugs(client, guide):
    guide.related_drugs.add(DrugFactory(generic_name="Hiddenex", status=Status.DRAFT))
    html = page(client, guide.get_absolute_url())
    assert "Baclofen</a>" in html
    assert "Hiddenex" not in html


def test_related_guides_share_a_medicine_or_the_category(client, guide):
    baclofen = guide.related_drugs.get()
    same_drug = ArticleFactory(title="Same medicine", related_drugs=[baclofen])
    same_category = ArticleFactory(title="Same category", category=guide.category)
    ArticleFactory(title="Unrelated")
    ArticleFactory(title="Draft", status=Status.DRAFT, category=guide.category)
    ArticleFactory(title="Scheduled", published_at=ahead(days=1), related_drugs=[baclofen])

    html = page(client, guide.get_absolute_url())
    related = html.split('id="related-guides-title"')[1]

    assert titles_in(related) == [same_drug.title, same_category.title]


def test_related_guides_are_at_most_three_sharing_medicines_first(client, guide):
    baclofen = guide.related_drugs.get()
    ArticleFactory.create_batch(3, category=guide.category, published_at=ago(minutes=1))
    older_on_drug = ArticleFactory(
        title="Older but on baclofen", related_drugs=[baclofen], published_at=ago(days=30)
    )
    html = page(client, guide.get_absolute_url())
    related = titles_in(html.split('id="related-guides-title"')[1])
    assert len(related) == 3
    assert related[0] == older_on_drug.title


def test_draft_guide_is_not_public(client):
    draft = ArticleFactory(status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_scheduled_guide_is_not_public_yet(client):
    scheduled = ArticleFactory(published_at=ahead(days=1))
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_unknown_guide_is_404(client):
    assert client.get("/articles/no-such-guide/").status_code == 404


@pytest.mark.parametrize(
    ("offset", "status"),
    [(timedelta(seconds=1), 404), (timedelta(0), 200), (timedelta(seconds=-1), 200)],
    ids=["a second before publication", "at publication", "a second after publication"],
)
def test_guide_goes_public_at_its_publication_time(client, frozen_now, offset, status):
    article = ArticleFactory(published_at=frozen_now + offset)
    assert client.get(article.get_absolute_url()).status_code == status
    assert (article.title in page(client, "/articles/")) is (status == 200)


def test_scheduled_guide_appears_by_itself_when_its_time_comes(client, monkeypatch):
    article = ArticleFactory(published_at=ahead(hours=1))
    assert client.get(article.get_absolute_url()).status_code == 404
    later = timezone.now() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(article.get_absolute_url()).status_code == 200


# The list, category and tag pages


@pytest.fixture
def hidden(db):
    """Guides that must never show: a draft and a scheduled one, in every category, tag and
    drug the tests use."""
    category = CategoryFactory(name="Lifestyle", slug="lifestyle")
    drug = DrugFactory(generic_name="Tizanidine", slug="tizanidine")
    return [
        ArticleFactory(
            title="Draft guide", status=Status.DRAFT, category=category, tags=["walking"],
            related_drugs=[drug],
        ),
        ArticleFactory(
            title="Scheduled guide", published_at=ahead(days=2), category=category,
            tags=["walking"], related_drugs=[drug],
        ),
    ]  # fmt: skip


def test_list_shows_published_guides_newest_first(client, hidden):
    older = ArticleFactory(title="Older guide", published_at=ago(days=3))
    newer = ArticleFactory(title="Newer guide", published_at=ago(days=1))
    html = page(client, "/articles/")
    assert titles_in(html) == [newer.title, older.title]
    assert "<h1>Guides</h1>" in html


def test_list_cards_show_date_category_summary_and_reading_time(client, guide):
    with_hero(guide)
    html = page(client, "/articles/")
    card = html.split('class="card guide-card')[1].split("</article>")[0]
    for text in [
        "22 October 2025",
        "Medications",
        "Explore how Baclofen can relieve chronic abdominal pain.",
        "1 min read",
        'loading="lazy"',
    ]:
        assert text in card


def test_list_paginates_twelve_to_a_page(client):
    for day in range(14):
        ArticleFactory(title=f"Guide {day:02}", published_at=ago(days=day))
    first = page(client, "/articles/")
    second = page(client, "/articles/?page=2")
    assert titles_in(first) == [f"Guide {day:02}" for day in range(12)]
    assert titles_in(second) == ["Guide 12", "Guide 13"]
    assert titles_in(page(client, "/articles/?page=99")) == ["Guide 12", "Guide 13"]
    assert 'href="?page=2" rel="next"' in first
    assert 'href="?page=1" aria-current="page"' in first
    assert 'href="?page=1" rel="prev"' in second
    assert 'href="?page=2" aria-current="page"' in second


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("0", 1),
        ("-1", 1),
        ("abc", 1),
        ("", 1),
        ("1.5", 1),
        ("2", 2),
        ("3", 2),
        ("999", 2),
        ("9" * 50, 2),
        ("9" * 5000, 1),
        ("%00", 1),
    ],
)
def test_any_page_number_answers_with_the_nearest_page(client, value, shown):
    """Chosen behaviour: ?page= never 404s or 500s; out of range clamps to the first or last
    page, and what is not a number shows the first."""
    ArticleFactory.create_batch(13)
    html = page(client, f"/articles/?page={value}")
    assert f"Page {shown} of 2" in html


@pytest.mark.parametrize(
    ("value", "number"),
    [(None, 1), ("", 1), ("0", 1), ("-5", 1), ("3", 3), ("7", 4), ("x", 1), ("9" * 5000, 1)],
)
def test_page_number_is_clamped_to_the_pages_there_are(value, number):
    assert page_number(value, last=4) == number


def test_empty_list_says_so(client, hidden):
    html = page(client, "/articles/?page=5")
    assert "No guides have been published here yet." in html


def test_list_filters_by_category(client, hidden):
    lifestyle = hidden[0].category
    walking = ArticleFactory(title="Walking more", category=lifestyle)
    ArticleFactory(title="Other category")
    html = page(client, "/articles/?category=lifestyle")
    assert titles_in(html) == [walking.title]
    assert "<h1>Guides in Lifestyle</h1>" in html
    assert '<option value="lifestyle" selected>Lifestyle</option>' in html


def test_list_filters_by_tag(client, hidden):
    walking = ArticleFactory(title="Walking more", tags=["walking", "exercise"])
    ArticleFactory(title="Untagged")
    html = page(client, "/articles/?tag=walking")
    assert titles_in(html) == [walking.title]
    assert "<h1>Guides tagged “walking”</h1>" in html


def test_list_filters_by_drug(client, hidden):
    tizanidine = hidden[0].related_drugs.get()
    on_drug = ArticleFactory(title="Tizanidine and sleep", related_drugs=[tizanidine])
    ArticleFactory(title="Not about it", related_drugs=[DrugFactory()])
    html = page(client, "/articles/?drug=tizanidine")
    assert titles_in(html) == [on_drug.title]
    assert "<h1>Guides about Tizanidine</h1>" in html
    assert '<option value="tizanidine" selected>Tizanidine</option>' in html


def test_filters_combine_and_page_links_keep_them(client):
    lifestyle = CategoryFactory(name="Lifestyle", slug="lifestyle")
    drug = DrugFactory(generic_name="Tizanidine", slug="tizanidine")
    for index in range(13):
        ArticleFactory(
            title=f"Match {index}", category=lifestyle, related_drugs=[drug], tags=["walking"]
        )
    ArticleFactory(title="Same drug, other category", related_drugs=[drug], tags=["walking"])
    html = page(client, "/articles/?category=lifestyle&drug=tizanidine&tag=walking")
    assert "<h1>Guides about Tizanidine in Lifestyle tagged “walking”</h1>" in html
    assert "13 guides found." in html
    assert 'href="?category=lifestyle&amp;drug=tizanidine&amp;tag=walking&amp;page=2"' in html
    assert "Same drug, other category" not in html


def test_tag_links_keep_the_other_filters(client):
    ArticleFactory(category=CategoryFactory(slug="lifestyle"), tags=["walking"])
    html = page(client, "/articles/?category=lifestyle")
    assert 'href="/articles/?category=lifestyle&amp;tag=walking"' in html


def test_filter_choices_offer_only_what_has_published_guides(client, hidden):
    ArticleFactory(category=CategoryFactory(name="Conditions"), tags=["sleep"])
    html = page(client, "/articles/")
    assert ">Conditions</option>" in html
    assert ">sleep</a>" in html
    assert "Lifestyle" not in html  # only the hidden guides are in it
    assert "Tizanidine" not in html
    assert "walking" not in html


def test_the_medicine_filter_offers_those_with_most_guides_and_the_chosen_one(client, monkeypatch):
    monkeypatch.setattr("articles.views.FILTER_MEDICINES", 2)
    many, some, one = (DrugFactory(generic_name=name) for name in ("Manyex", "Someex", "Onex"))
    for drug, guides in ((many, 3), (some, 2), (one, 1)):
        ArticleFactory.create_batch(guides, related_drugs=[drug])
    # Neither drafts nor scheduled guides count, nor are hidden medicines offered.
    later = timezone.now() + timedelta(days=1)
    ArticleFactory(status=Status.DRAFT, related_drugs=[one])
    ArticleFactory(published_at=later, related_drugs=[one])
    ArticleFactory(status=Status.ARCHIVED, related_drugs=[one])
    for hidden_drug in (
        DrugFactory(generic_name="Draftex", status=Status.DRAFT),
        DrugFactory(generic_name="Laterex", published_at=later),
    ):
        ArticleFactory.create_batch(4, related_drugs=[hidden_drug])
    options = re.findall(r'<option value="([a-z-]+)"[^>]*>', page(client, "/articles/"))
    assert "manyex" in options
    assert "someex" in options
    assert "onex" not in options
    assert "draftex" not in options
    assert "laterex" not in options
    chosen = page(client, "/articles/?drug=onex")
    assert '<option value="onex" selected>Onex</option>' in chosen
    assert "Guides about Onex" in chosen


def test_a_chosen_medicine_joins_the_kept_filter_without_counting_every_link(
    client, settings, monkeypatch
):
    """Any ?drug= a stranger sends is an address of its own: once the filters are kept, the
    chosen medicine is looked up by its own links, not by aggregating all of them again."""
    settings.FRAGMENT_CACHE_SECONDS = 600
    monkeypatch.setattr("articles.views.FILTER_MEDICINES", 1)
    many, one = DrugFactory(generic_name="Manyex"), DrugFactory(generic_name="Onex")
    ArticleFactory.create_batch(2, related_drugs=[many])
    ArticleFactory(related_drugs=[one])
    page(client, "/articles/")  # the filters, kept
    for slug, offered in (("onex", ["manyex", "onex"]), ("no-such-drug", ["manyex"])):
        with CaptureQueriesContext(connection) as queries:
            html = page(client, f"/articles/?drug={slug}")
        medicines = {"manyex", "onex", "no-such-drug"}
        assert [
            o for o in re.findall(r'<option value="([^"]+)"', html) if o in medicines
        ] == offered
        assert not [q for q in queries.captured_queries if "GROUP BY" in q["sql"].upper()]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("category=no-such-category", "We have no category called “no-such-category”."),
        ("tag=no-such-tag", "We have no tag called “no-such-tag”."),
        ("drug=no-such-drug", "We have no medicine called “no-such-drug”."),
    ],
)
def test_unknown_filter_gives_an_empty_list_that_says_so(client, query, message):
    ArticleFactory()
    html = page(client, f"/articles/?{query}")
    assert titles_in(html) == []
    assert message in html
    assert "No guides match these filters yet." in html


def test_filter_by_a_draft_drug_shows_nothing(client, hidden):
    draft = DrugFactory(slug="draftex", status=Status.DRAFT)
    ArticleFactory(related_drugs=[draft])
    assert titles_in(page(client, "/articles/?drug=draftex")) == []


def test_known_filters_with_no_guides_in_common_say_so(client):
    ArticleFactory(category=CategoryFactory(slug="lifestyle"))
    ArticleFactory(tags=["walking"])
    html = page(client, "/articles/?category=lifestyle&tag=walking")
    assert titles_in(html) == []
    assert "0 guides found." in html
    assert "No guides match these filters yet." in html


@pytest.mark.parametrize(
    "query",
    [
        "category=%00",
        "tag=%00x",
        "drug=a%00",
        "category=" + "x" * 5000,
        "tag=%3Cscript%3E",
        "drug=%F0%9F%92%8A",
        "category=lifestyle&category=other",
        "tag=caf%C3%A9",
        "page=2&page=abc",
    ],
)
def test_odd_filter_values_never_break_the_list(client, query):
    ArticleFactory(tags=["café"])
    assert client.get(f"/articles/?{query}").status_code == 200


def test_category_page_lists_its_published_guides(client, hidden):
    lifestyle = hidden[0].category
    walking = ArticleFactory(title="Walking more", category=lifestyle)
    ArticleFactory(title="Elsewhere")
    html = page(client, "/articles/category/lifestyle/")
    assert titles_in(html) == [walking.title]
    assert "<h1>Guides in Lifestyle</h1>" in html


def test_category_without_published_guides_still_answers(client, hidden):
    html = page(client, "/articles/category/lifestyle/")
    assert titles_in(html) == []
    assert "No guides have been published here yet." in html


def test_unknown_category_is_404(client):
    assert client.get("/articles/category/no-such-category/").status_code == 404


def test_tag_page_lists_its_published_guides(client, hidden):
    walking = ArticleFactory(title="Walking more", tags=["walking"])
    ArticleFactory(title="Elsewhere", tags=["sleep"])
    html = page(client, "/articles/tag/walking/")
    assert titles_in(html) == [walking.title]
    assert "<h1>Guides tagged “walking”</h1>" in html


def test_tag_with_a_unicode_slug_has_its_page(client):
    article = ArticleFactory(tags=["café"])
    html = page(client, article.get_absolute_url())
    assert 'href="/articles/tag/caf%C3%A9/"' in html
    assert titles_in(page(client, "/articles/tag/caf%C3%A9/")) == [article.title]


def test_tag_on_no_published_guide_is_404(client, hidden):
    """Chosen behaviour: a tag only drafts or scheduled guides carry has no public page."""
    assert client.get("/articles/tag/walking/").status_code == 404


@pytest.mark.parametrize("slug", ["no-such-tag", "%00", "a%00b"])
def test_unknown_tag_is_404(client, slug):
    ArticleFactory(tags=["walking"])
    assert client.get(f"/articles/tag/{slug}/").status_code == 404


def test_tag_page_paginates(client):
    ArticleFactory.create_batch(13, tags=["walking"])
    html = page(client, "/articles/tag/walking/?page=2")
    assert len(titles_in(html)) == 1
    assert 'href="?page=1" rel="prev"' in html


def test_tag_page_counts_only_the_guides_it_shows(client, hidden):
    """The tag's pages are counted from its taggings less those of hidden guides: a page of
    public guides and a draft, a scheduled and an archived guide with the tag is one page."""
    ArticleFactory.create_batch(GUIDES_PER_PAGE, tags=["walking"])
    ArticleFactory(status=Status.ARCHIVED, tags=["walking"])
    html = page(client, "/articles/tag/walking/")
    assert len(titles_in(html)) == GUIDES_PER_PAGE
    assert "Page 1 of" not in html
    assert 'rel="next"' not in html
    ArticleFactory(tags=["walking"])
    assert "Page 1 of 2" in page(client, "/articles/tag/walking/")


# The drug page's Guides section


@pytest.fixture
def drug(db):
    drug = DrugFactory(
        generic_name="Baclofen", slug="baclofen", practical_tips="Keep a medication diary."
    )
    ReferenceFactory(drug=drug)
    return drug


def guides_section(html: str) -> str:
    return html.split('<section class="monograph-section" id="guides"')[1].split("</section>")[0]


def test_drug_page_lists_curated_guides_in_the_editors_order(client, drug):
    titles = ["Footwear for muscle stiffness", "Exercise tips", "Smoking and heart failure"]
    for order, title in zip([3, 1, 2], titles, strict=True):
        CuratedGuideFactory(drug=drug, article=ArticleFactory(title=title), order=order)
    ArticleFactory(title="Related but not curated", related_drugs=[drug])
    html = page(client, drug.get_absolute_url())
    assert titles_in(guides_section(html)) == [
        "Exercise tips",
        "Smoking and heart failure",
        "Footwear for muscle stiffness",
    ]
    assert "Guides our editors chose" in html


def test_drug_page_guide_shows_title_date_summary_and_category(client, guide):
    drug = guide.related_drugs.get()
    CuratedGuideFactory(drug=drug, article=guide)
    section = guides_section(page(client, drug.get_absolute_url()))
    for text in [
        guide.title.replace("&", "&amp;"),
        "22 October 2025",
        guide.summary,
        "Medications",
    ]:
        assert text in section


def test_drug_page_leaves_out_unpublished_curated_guides(client, drug):
    CuratedGuideFactory(drug=drug, article=ArticleFactory(title="Live"), order=2)
    CuratedGuideFactory(drug=drug, article=ArticleFactory(title="Draft", status=Status.DRAFT))
    CuratedGuideFactory(drug=drug, article=ArticleFactory(title="Soon", published_at=ahead(days=1)))
    assert titles_in(guides_section(page(client, drug.get_absolute_url()))) == ["Live"]


def test_drug_page_falls_back_to_the_newest_related_guides(client, drug):
    for day in range(6):
        ArticleFactory(title=f"Related {day}", related_drugs=[drug], published_at=ago(days=day))
    ArticleFactory(title="Draft", status=Status.DRAFT, related_drugs=[drug])
    ArticleFactory(title="Unrelated")
    html = page(client, drug.get_absolute_url())
    assert titles_in(guides_section(html)) == [f"Related {day}" for day in range(4)]
    assert "Our newest guides that mention baclofen." in html


def test_drug_page_falls_back_when_every_curated_guide_is_unpublished(client, drug):
    CuratedGuideFactory(drug=drug, article=ArticleFactory(status=Status.DRAFT))
    ArticleFactory(title="Related", related_drugs=[drug])
    assert titles_in(guides_section(page(client, drug.get_absolute_url()))) == ["Related"]


def test_drug_page_lists_guides_after_tips_and_before_sources(client, drug):
    ArticleFactory(related_drugs=[drug])
    html = page(client, drug.get_absolute_url())
    contents = html.split('id="contents"')[1].split("</nav>")[0]
    anchors = re.findall(r'href="#([^"]+)"', contents)
    assert anchors[-3:] == ["tips", "guides", "references"]
    assert html.index('id="tips"') < html.index('id="guides"') < html.index('id="references"')


def test_drug_page_without_guides_has_no_guides_section(client, drug):
    ArticleFactory(title="Draft", status=Status.DRAFT, related_drugs=[drug])
    html = page(client, drug.get_absolute_url())
    assert 'href="#guides"' not in html
    assert 'id="guides"' not in html


# The home page and the navigation


def test_home_shows_the_three_latest_guides(client, hidden):
    for day in range(5):
        ArticleFactory(title=f"Guide {day}", published_at=ago(days=day))
    html = page(client, "/")
    latest = html.split('id="guides-title"')[1].split("</section>")[0]
    assert titles_in(latest) == ["Guide 0", "Guide 1", "Guide 2"]


def test_home_without_guides_has_no_guides_block(client, hidden):
    assert 'id="guides-title"' not in page(client, "/")


def test_site_navigation_links_the_guides(client):
    html = page(client, "/articles/")
    assert '<a href="/articles/" aria-current="page">Guides</a>' in html


# Query counts


def add_guides(count: int, *, drug=None, tags=3):
    category = CategoryFactory()
    for index in range(count):
        article = ArticleFactory(
            category=category, tags=[f"tag {index % 5}", *[f"topic {n}" for n in range(tags)]]
        )
        if drug:
            article.related_drugs.add(drug)


def test_list_queries_do_not_grow_with_guides(client, django_assert_max_num_queries):
    drug = DrugFactory()
    add_guides(3, drug=drug)
    client.get("/articles/")  # warm the content-type cache taggit's lookups use
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get("/articles/")
    few = queries_for(client, "/articles/")
    add_guides(27, drug=DrugFactory())
    assert queries_for(client, "/articles/") == few
    assert queries_for(client, "/articles/?tag=tag-1&page=2") <= few


def test_the_list_filters_are_kept_until_content_changes(client, settings):
    settings.FRAGMENT_CACHE_SECONDS = 600
    drug = DrugFactory(generic_name="Keptex")
    add_guides(3, drug=drug)
    first = queries_for(client, "/articles/")
    kept = queries_for(client, "/articles/?page=2")
    assert kept <= first - 3, "categories, medicines and tags come from the cache"
    assert '<option value="keptex"' in page(client, "/articles/?tag=tag-1")
    ArticleFactory(tags=["brand new topic"])
    assert "brand new topic" in page(client, "/articles/?page=2"), "a publish brings it in"


def guide_with(rows: int) -> Article:
    article = ArticleFactory(
        tags=[f"topic {n}" for n in range(rows)],
        related_drugs=DrugFactory.create_batch(rows),
        reviewed_by="Sam Ortiz, MD",
    )
    for drug in article.related_drugs.all():
        ArticleFactory(related_drugs=[drug], category=article.category)
    return article


def test_guide_page_queries_do_not_grow_with_tags_and_drugs(client, django_assert_max_num_queries):
    few = guide_with(rows=3).get_absolute_url()
    client.get(few)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        client.get(few)
    many = guide_with(rows=30).get_absolute_url()
    assert queries_for(client, many) == queries_for(client, few)


def drug_with_curated(count: int):
    drug = DrugFactory(practical_tips="Take it with food.")
    for order in range(count):
        article = ArticleFactory(tags=["exercise"], related_drugs=[drug])
        CuratedGuideFactory(drug=drug, article=article, order=order)
    return drug


def test_drug_page_queries_do_not_grow_with_curated_guides(client, django_assert_max_num_queries):
    few = drug_with_curated(2).get_absolute_url()
    with django_assert_max_num_queries(
        DRUG_PAGE_QUERIES + KEEPING_QUERIES + KEEPING_INTERACTIONS_QUERIES
    ):
        client.get(few)  # its rows and interactions read, and kept
    many = drug_with_curated(20).get_absolute_url()
    assert kept_queries_for(client, many) == kept_queries_for(client, few)
    assert len(titles_in(guides_section(page(client, many)))) == 20


def test_drug_page_fallback_queries_do_not_grow_with_guides(client):
    drug = DrugFactory()
    ArticleFactory.create_batch(2, related_drugs=[drug])
    few = kept_queries_for(client, drug.get_absolute_url())
    # Their categories are new, which any placed guide's card could name: the page's kept
    # rows are read afresh once, then kept again (drugs.kept_rows).
    ArticleFactory.create_batch(20, related_drugs=[drug])
    assert kept_queries_for(client, drug.get_absolute_url()) == few


def test_home_queries_do_not_grow_with_guides(client, django_assert_max_num_queries):
    add_guides(3)
    with django_assert_max_num_queries(HOME_QUERIES):
        client.get("/")
    few = queries_for(client, "/")
    add_guides(30)
    assert queries_for(client, "/") == few


def test_topics_are_listed_alphabetically_whatever_their_case(client):
    ArticleFactory(tags=["sleep", "SSRIs", "Exercise"])
    html = page(client, "/articles/")
    topics = html.split('id="topics-title"')[1].split("</ul>")[0]
    assert re.findall(r">([^<]+)</a>", topics) == ["Exercise", "sleep", "SSRIs"]
