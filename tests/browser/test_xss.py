"""Cross-site scripting: script-bearing text in every field an editor writes stays text on every
public page that shows it, in a real browser.

Editors are trusted, but their text comes from labels, pastes and imports; a payload that ran
here would run for every reader. The fields come from the models' _meta, so a new text field
gets a payload without anyone remembering to add it here.
"""

import itertools
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from taggit.models import Tag

from articles.models import Article
from drugs.labels.parsing import SECTIONS
from drugs.models import ChangeLogEntry, Drug, LabelSource, SectionFeedback
from medguide.editorial.fields import WebURLField
from medguide.search import index as search_index

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# After OWASP's XSS filter evasion cheat sheet: each one alerts or sets window.__xss if it runs.
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "</script><script>alert(1)</script>",
    "{{7*7}}{% debug %}",
    "[x](javascript:alert(1))",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "<details open ontoggle=alert(1)>",
    '<div style="background:url(javascript:alert(1))">',
    '<p style="width:expression(alert(1))">',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "javascript:alert(1)",
    '<img src=x onerror="window.__xss=1">',
    "<body onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "\u2028\u2029</script><!--<script>",
    '<object data="javascript:alert(1)"></object>',
    "<input autofocus onfocus=alert(1)>",
    "<<script>alert(1)//<</script>",
    "<svg><script>alert&#40;1&#41;</script>",
    "![x](x onerror=alert(1))",
    '<a href="javascript:window.__xss=1">x</a>',
    "`<script>window.__xss=1</script>`",
]
SHORT = "<b onclick=alert(1)>"  # for fields too short for the rest

# Readers' reports are shown to editors only; the rest of the two apps is content.
CONTENT_APPS = ("drugs", "articles")
NOT_CONTENT = {SectionFeedback}
TEXT_FIELDS = (models.CharField, models.TextField)


def editor_text_fields(model) -> list[models.Field]:
    """The free-text fields an editor fills in: not slugs (made from the name), not choices,
    not the derived ones (rendered HTML)."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, TEXT_FIELDS)
        and not isinstance(field, (models.SlugField, models.EmailField))
        and field.editable
        and not field.choices
    ]


def content_models() -> list:
    models_ = [
        model
        for label in CONTENT_APPS
        for model in apps.get_app_config(label).get_models()
        if model not in NOT_CONTENT
    ]
    return [*models_, Tag]


def fill_with_payloads() -> int:
    """Put a payload in every editor text field of every row, with the row's id after it
    (still valid JavaScript) so unique names stay unique, and save each row as the admin does
    (so Markdown is rendered and the search index rewritten). Returns the fields filled."""
    payloads = itertools.cycle(PAYLOADS)
    filled = 0
    for model in content_models():
        fields = editor_text_fields(model)
        for row in model._default_manager.all():
            for field in fields:
                payload = next(payloads)
                value = f"{payload}//{row.pk}"
                if isinstance(field, WebURLField):
                    # The model stores web links only (a javascript: one is refused on
                    # save, tests/drugs/test_models.py): the payload rides in the address.
                    value = f"https://example.org/{quote(payload)}?id={row.pk}"
                if field.max_length and len(value) > field.max_length:
                    value = f"{SHORT}//{row.pk}"[: field.max_length]
                setattr(row, field.attname, value)
                filled += 1
            row.save()
    search_index.flush()
    return filled


def label_source(drug) -> LabelSource:
    """An FDA label on the drug whose every section, tables included, carries payloads: the
    import cleans label HTML, and the page cleans the tables again on the way out."""
    html = "".join(
        f"<table><caption>{payload}</caption><tr><td onclick=alert(1)>{payload}</td></tr></table>"
        for payload in PAYLOADS
    )
    return LabelSource.objects.create(
        drug=drug,
        spl_id="xss-spl",
        set_id="xss-set",
        generic_name_raw="x",
        brand_names_raw=PAYLOADS[:3],
        sections={key: html for key, _title in SECTIONS},
        content_hash="x",
    )


@pytest.fixture
def poisoned(transactional_db):
    call_command("load_demo", verbosity=0)
    drug = Drug.objects.published().get(slug="baclofen")
    ChangeLogEntry.objects.create(drug=drug, summary="x", section="dosage")
    article = Article.objects.published().filter(related_drugs=drug).first()
    article.tags.add("xss")
    label_source(drug)
    filled = fill_with_payloads()
    assert filled > 100  # every model's text, not a sample
    return drug, article


# Any of these in the page means a payload became markup, whether or not it got to run: an
# event handler, a script-bearing URL where a browser follows or loads one, a style
# expression, an inline script carrying a payload, or JSON-LD a payload broke out of.
ACTIVE_MARKUP = """() => {
    const URLS = ["href", "src", "action", "formaction", "data", "xlink:href", "poster"];
    const found = [];
    for (const element of document.querySelectorAll("*")) {
        for (const attribute of element.attributes) {
            const name = attribute.name.toLowerCase();
            const value = attribute.value.replace(/[\\s\\u0000-\\u001f]/g, "").toLowerCase();
            const isUrl = URLS.includes(name)
                || (name === "content" && /refresh/i.test(element.getAttribute("http-equiv")));
            if (name.startsWith("on")
                || (isUrl && /(^|url=)(javascript|vbscript|data:text\\/html)/.test(value))
                || (name === "style" && /expression|javascript/.test(value))) {
                found.push(`${element.tagName} ${name}=${attribute.value}`);
            }
        }
    }
    for (const script of document.querySelectorAll("script:not([src])")) {
        if (script.type === "application/ld+json") {
            try { JSON.parse(script.text); } catch (error) { found.push("broken JSON-LD"); }
        } else if (/alert|__xss/.test(script.text)) {
            found.push(`inline script: ${script.text}`);
        }
    }
    if (typeof window.__xss !== "undefined") found.push("window.__xss was set");
    return found;
}"""
# Chromium's own XML viewer styles the sitemap inline, which the site's CSP refuses: the
# browser's doing, not a payload's.
XML_VIEWER_STYLE = "Applying inline style violates"


def watch_dialogs(page) -> list[str]:
    """The messages of the dialogs (alert, confirm, prompt) the page opens from now on."""
    messages = []

    def on_dialog(dialog):
        messages.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return messages


def public_pages(drug, article) -> list[str]:
    drug_class = drug.classes.first()
    condition = drug.indications.first().condition
    name = Drug.objects.published().exclude(pk=drug.pk).first().generic_name
    checker = quote(f"{drug.generic_name},{name},<script>alert(1)</script>", safe="")
    return [
        "/",
        f"/drugs/{drug.slug}/",
        f"/drugs/{drug.slug}/?view=pro",
        f"/drugs/{drug.slug}/changes/",
        f"/drugs/{drug.slug}/interactions/",
        f"/drugs/{drug.slug}/diary/",
        f"/drugs/{drug.slug}/feedback/?section=dosage",
        f"/drugs/{drug.slug}.json",
        "/drugs.json",
        "/drugs/",
        drug_class.get_absolute_url(),
        "/conditions/",
        condition.get_absolute_url(),
        "/articles/",
        article.get_absolute_url(),
        article.category.get_absolute_url(),
        f"/articles/?drug={drug.slug}",
        "/articles/feed/",
        f"/search/?q={quote(drug.generic_name)}",
        f"/search/?q={quote(PAYLOADS[0])}",
        "/search/?q=alert",
        f"/search/suggest/?q={quote(PAYLOADS[0][:10])}",
        f"/interactions/?drugs={checker}",
        "/sitemap.xml",
        "/sitemap-drugs.xml",
        "/sitemap-guides.xml",
        "/articles/tag/xss/",  # the tag's name is a payload now, its slug stays
    ]


def test_no_payload_runs_or_becomes_markup_anywhere_readers_look(poisoned, visit, live_server):
    drug, article = poisoned
    reader = visit("/")  # one tab for every page, listening for dialogs from the start
    page = reader.page
    dialogs = watch_dialogs(page)
    failures = []
    for path in public_pages(drug, article):
        seen = len(reader.problems), len(dialogs)
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.status == 200, path
        page.wait_for_timeout(50)  # for handlers that fire just after load (ontoggle, onfocus)
        is_xml = "xml" in page.evaluate("document.contentType")
        if not is_xml:  # the payloads are there, as text (the sitemap lists only addresses)
            text = page.inner_text("body")
            assert any(payload in text for payload in [*PAYLOADS, SHORT]), path
        problems = [
            *[
                problem
                for problem in reader.problems[seen[0] :]
                if not (is_xml and XML_VIEWER_STYLE in problem)
            ],
            *[f"dialog: {message}" for message in dialogs[seen[1] :]],
            *page.evaluate(ACTIVE_MARKUP),
        ]
        failures += [f"{path}: {problem}" for problem in problems]
    page.goto(live_server.url + drug.get_absolute_url())
    assert page.locator(".label-section__tables td").count() > 0  # the label's tables, as text

    # The search box's suggestions, which script builds from the names as the reader types.
    page.goto(live_server.url + "/")
    seen = len(reader.problems), len(dialogs)
    box = page.get_by_role("combobox", name="Search for a medicine, brand name or condition")
    box.press_sequentially("<script", delay=20)
    page.get_by_role("option").first.wait_for()
    assert "alert(1)" in page.get_by_role("listbox").inner_text()
    problems = [*reader.problems[seen[0] :], *dialogs[seen[1] :], *page.evaluate(ACTIVE_MARKUP)]
    failures += [f"search suggestions: {problem}" for problem in problems]

    assert not failures, "\n".join(failures)
