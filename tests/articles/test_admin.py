"""The guide admin: lists show scheduling, uploads are judged by content, curation lives on
the drug's admin page."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from articles.models import Article, CuratedGuide
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    CuratedGuideFactory,
    DrugFactory,
)

pytestmark = pytest.mark.django_db


def jpeg_upload(name="hero.jpg", size=(960, 540), mode="RGB") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new(mode, size, (30, 110, 160) if mode == "RGB" else 0).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def article_form(**overrides) -> dict:
    author, category = AuthorFactory(), CategoryFactory()
    now = timezone.localtime()
    data = {
        "title": "Living with spasticity",
        "slug": "living-with-spasticity",
        "category": category.pk,
        "summary": "Everyday ways to manage stiff muscles.",
        "hero_alt": "A blue abstract illustration",
        "body": "## Start here\n\nSome text.",
        "tags": "spasticity, exercise",
        "author": author.pk,
        # Status is the workflow's to set (medguide.editorial.workflow): a new guide starts as a
        # draft.
        "published_at_0": now.strftime("%Y-%m-%d"),
        "published_at_1": now.strftime("%H:%M:%S"),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/",
        "/admin/articles/article/add/",
        "/admin/articles/author/",
        "/admin/articles/category/",
        "/admin/articles/article/?status__exact=published&q=guide",
    ],
)
def test_guide_admin_pages_open(admin_client, url):
    ArticleFactory.create_batch(3)
    assert admin_client.get(url).status_code == 200


def test_article_change_page_opens(admin_client):
    article = ArticleFactory()
    response = admin_client.get(f"/admin/articles/article/{article.pk}/change/")
    assert response.status_code == 200
    assert article.title in response.content.decode()


def test_list_says_when_a_guide_is_scheduled(admin_client):
    ArticleFactory(title="Coming soon", published_at=timezone.now() + timedelta(days=2))
    page = admin_client.get("/admin/articles/article/").content.decode()
    assert "Scheduled for" in page


def test_editor_publishes_a_guide_with_a_hero_image(admin_client):
    data = article_form(hero_image=jpeg_upload())
    response = admin_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="living-with-spasticity")
    assert {r["format"] for r in article.hero_renditions} == {"webp", "jpeg"}
    assert sorted(article.tags.names()) == ["exercise", "spasticity"]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("hero.jpg", b"this is not a picture"), "image"),
        (jpeg_upload(mode="CMYK"), "CMYK"),
    ],
)
def test_bad_upload_is_explained_and_nothing_is_stored(admin_client, media_in_tmp, upload, message):
    response = admin_client.post("/admin/articles/article/add/", article_form(hero_image=upload))
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors["hero_image"])
    assert message.lower() in errors.lower()
    assert not Article.objects.exists()
    assert not [path for path in media_in_tmp.rglob("*") if path.is_file()]


def test_image_without_alt_text_is_refused(admin_client):
    data = article_form(hero_image=jpeg_upload(), hero_alt="")
    response = admin_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert "hero_alt" in response.context["adminform"].form.errors
    assert not Article.objects.exists()


def test_curated_guides_are_edited_on_the_drug_page(admin_client):
    drug = DrugFactory()
    CuratedGuideFactory(drug=drug, order=0)
    page = admin_client.get(f"/admin/drugs/drug/{drug.pk}/change/").content.decode()
    assert "curated_guides-TOTAL_FORMS" in page


def change_page_queries(admin_client, drug) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(f"/admin/drugs/drug/{drug.pk}/change/").status_code == 200
    return len(queries)


def test_drug_admin_queries_do_not_grow_with_curated_guides(admin_client):
    few, many = DrugFactory(), DrugFactory()
    CuratedGuideFactory.create_batch(2, drug=few)
    CuratedGuideFactory.create_batch(20, drug=many)
    assert change_page_queries(admin_client, many) == change_page_queries(admin_client, few)


def test_same_guide_twice_on_a_drug_page_is_refused(admin_client):
    curated = CuratedGuideFactory()
    duplicate = CuratedGuide(drug=curated.drug, article=curated.article, order=1)
    with pytest.raises(ValidationError, match="already on the drug"):
        duplicate.validate_constraints()


# Tags, the Markdown editor's preview and link picker (issue 14)


def test_tags_read_back_as_typed_and_save_again_unchanged(admin_client):
    article = ArticleFactory()
    article.tags.set(["Muscle spasm", "Sleep"])
    content = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'value="Muscle spasm, Sleep"' in content
    assert "&quot;Muscle spasm&quot;" not in content


def test_a_single_tag_with_a_space_stays_one_tag(admin_client):
    data = article_form(tags="Muscle spasm")
    admin_client.post("/admin/articles/article/add/", data)
    article = Article.objects.get()
    assert sorted(article.tags.names()) == ["Muscle spasm"]


def test_markdown_preview_renders_with_the_safe_renderer(admin_client):
    response = admin_client.post(
        "/admin/articles/article/markdown-preview/",
        {"body": "## Dosing\n\n**Slowly**<script>alert(1)</script>"},
    )
    html = response.json()["html"]
    assert '<h2 id="dosing">Dosing</h2>' in html
    assert "<strong>Slowly</strong>" in html
    assert "<script" not in html


PREVIEW = "/admin/articles/article/markdown-preview/"


def test_markdown_preview_needs_a_csrf_token_and_a_post(client, admin_user):
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(admin_user)
    assert guarded.post(PREVIEW, {"body": "x"}).status_code == 403
    assert guarded.get(PREVIEW).status_code == 405
    anonymous = client.post(PREVIEW, {"body": "x"})
    assert anonymous.status_code == 302  # to the login page


def test_link_picker_finds_drugs_and_guides_with_their_addresses(admin_client):
    DrugFactory(generic_name="Baclofen", slug="baclofen")
    ArticleFactory(title="Baclofen and sleep", slug="baclofen-and-sleep")
    results = admin_client.get("/admin/articles/article/link-targets/?q=baclo").json()["results"]
    assert {"kind": "drug", "label": "Baclofen", "url": "/drugs/baclofen/"} in results
    assert [r["kind"] for r in results] == ["drug", "guide"]


def test_guide_change_form_has_the_editor_and_no_inline_style(admin_client):
    article = ArticleFactory()
    content = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "data-markdown-editor" in content
    assert "js/admin-markdown.js" in content
    assert 'style="' not in content.split('id="content-main"')[1].split("</form>")[0]
