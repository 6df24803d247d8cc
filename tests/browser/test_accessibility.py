"""Accessibility in a real browser, to WCAG 2.2 AA: axe-core finds nothing on any page type or in
the admin's customised pages, keyboard users always see where they are, and pages reflow at
320 px without sideways scrolling."""

from pathlib import Path

import pytest
import reversion
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Installed from package-lock.json by `make setup` (npm ci).
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# https://github.com/dequelabs/axe-core/blob/develop/doc/API.md#axe-core-tags
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

# Runs axe on the page, then leaves out the nodes `known` excuses: rule id -> a selector for
# markup that is not ours. Each violation comes back with its impact and target selectors.
RUN_AXE = """async ([tags, known]) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  const excused = (rule, node) => {
    const element = known[rule] && document.querySelector(node.target[0]);
    return Boolean(element && element.closest(known[rule]));
  };
  return results.violations
    .map((v) => ({...v, nodes: v.nodes.filter((node) => !excused(v.id, node))}))
    .filter((v) => v.nodes.length)
    .map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map((node) => node.target.join(" ")),
    }));
}"""

NOT_FOUND = "/drugs/no-such-medicine/"

# One page of each type, found in the demo content (load_demo).
PUBLIC_PAGES = {
    "home": "/",
    "Drugs A–Z": "/drugs/",
    "drug, patient view": "/drugs/baclofen/",
    "drug, professional view": "/drugs/baclofen/?view=pro",
    "drug class": "/drug-classes/skeletal-muscle-relaxants/",
    "conditions": "/conditions/",
    "condition": "/conditions/spasticity/",
    "guide list": "/articles/",
    "guide": "/articles/baclofen-for-chronic-abdominal-pain/",
    "search with results": "/search/?q=baclofen",
    "search without results": "/search/?q=zzqx",
    "interaction checker": "/interactions/",
    "interaction checker with results": "/interactions/?drugs=baclofen,diazepam,alcohol",
    "interaction checker with an unknown name": "/interactions/?drugs=baclofen,diazapam",
    "diary": "/drugs/baclofen/diary/",
    "diary with dates": "/drugs/baclofen/diary/?start=2026-01-05",
    "change log": "/drugs/baclofen/changes/",
    "every interaction": "/drugs/baclofen/interactions/",
    "feedback form": "/drugs/baclofen/feedback/",
    "not found": NOT_FOUND,
}

# Django's own admin markup that axe faults, rule by rule. Only nodes inside these elements are
# excused; everything our templates add around them is checked in full.
DJANGO_ADMIN_MARKUP = {
    # Tabular inlines (admin/edit_inline/tabular.html) name each field by its column header,
    # not a <label>; the delete and "original" columns have empty headers; each row's "View on
    # site" link is coloured, not underlined. The date/time pair (AdminSplitDateTime) has no
    # <label> per box, and Select2 (autocomplete_fields) adds an unlabelled search box.
    "label": ".tabular, p.datetime, .select2-container",
    "select-name": ".tabular",
    "label-title-only": ".tabular",
    "empty-table-header": ".tabular",
    # Select2's combobox has no name, and its <ul> of choices holds a <span>.
    "aria-input-field-name": ".select2-container",
    "list": ".select2-container",
    # The change list's breadcrumbs are told from their text by colour alone.
    "link-in-text-block": ".tabular, .breadcrumbs",
    # The change list's filter sidebar: 20 px high links stacked without spacing.
    "target-size": "#changelist-filter",
}


@pytest.fixture
def tab(browser, live_server):
    """A browser tab on the live server. The Content Security Policy is bypassed only so axe
    can be injected; reduced motion keeps styles still while they are measured."""
    context = browser.new_context(
        bypass_csp=True, reduced_motion="reduce", viewport={"width": 1280, "height": 900}
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def go(live_server):
    def open_path(page, path: str) -> None:
        response = page.goto(live_server.url + path)
        assert response is not None
        expected = 404 if path == NOT_FOUND else 200
        assert response.status == expected, f"{path} answered {response.status}"

    return open_path


def axe_violations(page, *, known: dict[str, str] | None = None) -> list[str]:
    """What axe finds on the page as it stands, one readable line per rule."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make setup` installs it (npm ci)")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(RUN_AXE, [AXE_TAGS, known or {}])
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'])}" for v in violations
    ]


def report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}:\n  " + "\n  ".join(lines) for page, lines in found.items())


def open_every_disclosure(page) -> None:
    """Open every <details>, so axe also checks what they hide (the feedback forms, say)."""
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")


# axe -------------------------------------------------------------------------------------------


def test_every_public_page_type_passes_axe_and_reflows_at_320_px(demo, tab, go):
    """axe at a desktop width; then the same page at 320 CSS px (a 1280 px window at 400% zoom,
    or 640 px at 200%) must not scroll sideways (WCAG 1.4.10)."""
    found = {}
    for name, path in PUBLIC_PAGES.items():
        tab.set_viewport_size({"width": 1280, "height": 900})
        go(tab, path)
        open_every_disclosure(tab)
        problems = axe_violations(tab)
        tab.set_viewport_size({"width": 320, "height": 640})
        width = tab.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            problems.append(f"scrolls sideways at 320 px: the page is {width} px wide")
        if problems:
            found[name] = problems
    assert found == {}, report(found)


def test_a_refused_report_passes_axe_and_takes_focus_to_its_errors(baclofen, tab, go):
    go(tab, "/drugs/baclofen/feedback/")
    tab.get_by_label("Your email (optional)").fill("not an address")

    tab.get_by_role("button", name="Send report").click()

    summary = tab.get_by_role("alert").filter(has_text="Your report was not sent")
    expect(summary).to_be_focused()
    assert axe_violations(tab) == []


def test_admin_customisations_pass_axe(baclofen, tab, go, live_server, django_user_model, settings):
    # A fast hash: logging in is not what this test is about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    chief = django_user_model.objects.create_superuser(
        "chief", "chief@example.org", "a-long-passphrase"
    )
    for summary in ("Baclofen eases spasticity.", "Baclofen eases muscle stiffness."):
        with reversion.create_revision():  # two revisions to compare, as two saves would make
            reversion.set_user(chief)
            baclofen.summary = summary
            baclofen.save()
    for query in ("baclofen", "zzqx"):  # rows for both tables of the search report
        go(tab, f"/search/?q={query}")
    go(tab, "/admin/login/")
    tab.get_by_label("Username").fill("chief")
    tab.get_by_label("Password").fill("a-long-passphrase")
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(f"{live_server.url}/admin/")

    found = {}

    def check(name: str) -> None:
        if violations := axe_violations(tab, known=DJANGO_ADMIN_MARKUP):
            found[name] = violations

    check("dashboard")
    go(tab, "/admin/drugs/drug/")
    tab.get_by_role("link", name="Baclofen", exact=True).click()
    expect(tab.get_by_role("heading", name="Baclofen", level=2)).to_be_visible()
    check("drug change form")
    tab.get_by_role("link", name="History").click()
    expect(tab.get_by_role("button", name="Compare the two revisions")).to_be_visible()
    check("revision history")
    tab.get_by_role("button", name="Compare the two revisions").click()
    expect(tab.get_by_role("heading", name="Changes to Baclofen")).to_be_visible()
    check("revision comparison")
    go(tab, "/admin/search/searchlog/")
    expect(tab.get_by_role("link", name="zzqx").first).to_be_visible()
    check("search log report")
    assert found == {}, report(found)


# Keyboard --------------------------------------------------------------------------------------

# Installed once per page. Each call reports the element Tab has just focused (its looks, and
# whether it shows in the viewport, unobscured), with the looks of the element focused before
# it, now that focus has left. Looks are what can show focus: a visible outline, a shadow, or a
# change of colour, border or underline.
FOCUS_STEP = """() => {
  const looks = (element) => {
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
      && style.outlineColor !== "transparent" && !style.outlineColor.endsWith(", 0)");
    return {
      outline: outline ? `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}` : "",
      boxShadow: style.boxShadow,
      background: style.backgroundColor,
      color: style.color,
      border: `${style.borderColor} ${style.borderWidth}`,
      underline: style.textDecorationLine,
    };
  };
  const seen = new Set();
  let last = null;
  window.focusStep = () => {
    const element = document.activeElement;
    if (element === last) return {same: true};  // from one part of a date field to the next
    const before = last && looks(last);
    if (!element || element === document.body || seen.has(element)) return {before, done: true};
    seen.add(element);
    last = element;
    const box = element.getBoundingClientRect();
    const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
    const onTop = document.elementFromPoint(x, y);
    return {before, step: {
      label: element.outerHTML.slice(0, 120),
      looks: looks(element),
      inView: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
      onTop: Boolean(onTop && (element.contains(onTop) || onTop.contains(element))),
    }};
  };
}"""


def focus_walk(page, *, limit: int = 400) -> list[dict]:
    """Tab through the whole page from its top, noting each element's looks with focus and
    after focus has moved on."""
    page.evaluate(FOCUS_STEP)
    steps = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        result = page.evaluate("focusStep()")
        if result.get("same"):
            continue
        if steps:
            steps[-1]["unfocused"] = result["before"]
        if result.get("done"):  # back at the top, or out of the page
            return steps
        steps.append(result["step"])
    raise AssertionError(f"Tab never left the page after {limit} presses")


def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_main(tab, go):
    go(tab, "/interactions/")
    skip = tab.get_by_role("link", name="Skip to main content")
    expect(skip).not_to_be_in_viewport()

    tab.keyboard.press("Tab")

    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    tab.keyboard.press("Enter")
    expect(tab.get_by_role("main")).to_be_focused()
    tab.keyboard.press("Tab")  # the next stop is inside main, past the header
    assert tab.evaluate("document.querySelector('main').contains(document.activeElement)")


# Pages with every kind of control, at a desktop width; the two whose controls move most on a
# small screen at 320 px too.
FOCUS_WALKS = [
    (1280, "/"),
    (1280, "/articles/baclofen-for-chronic-abdominal-pain/"),
    (1280, "/drugs/baclofen/diary/"),
    (1280, "/drugs/baclofen/"),
    (320, "/drugs/baclofen/"),
    (1280, "/interactions/?drugs=baclofen,diazepam"),
    (320, "/interactions/?drugs=baclofen,diazepam"),
]


def test_every_focused_element_shows_focus_unobscured(demo, tab, go):
    problems = {}
    for width, path in FOCUS_WALKS:
        tab.set_viewport_size({"width": width, "height": 800})
        go(tab, path)
        open_every_disclosure(tab)
        steps = focus_walk(tab)
        assert len(steps) > 10, f"{path}: only {len(steps)} stops"
        where = f"{path} at {width} px"
        for step in steps:
            if step["looks"] == step["unfocused"]:
                problems.setdefault(where, []).append(f"no focus indicator: {step['label']}")
            if not (step["inView"] and step["onTop"]):
                problems.setdefault(where, []).append(f"hidden when focused: {step['label']}")
    assert problems == {}, report(problems)


def test_suggestion_lists_highlight_visibly_pass_axe_and_close_on_tab(demo, tab, go):
    """What tests/browser/test_search_suggestions.py and test_checker.py leave out: the option
    the arrow keys highlight looks different, the open list passes axe, and Tab closes it."""
    found = {}
    for path, name, typed, next_stop in [
        ("/drugs/baclofen/", "Search for a medicine or condition", "lio", "Search"),
        ("/interactions/", "Medicine 1", "dia", "Remove medicine 1"),
    ]:
        go(tab, path)
        box = tab.get_by_role("combobox", name=name)
        box.press_sequentially(typed)
        options = tab.get_by_role("option")
        expect(options.first).to_be_visible()
        plain = options.first.evaluate("(o) => getComputedStyle(o).backgroundColor")

        box.press("ArrowDown")

        expect(options.first).to_have_attribute("aria-selected", "true")
        assert options.first.evaluate("(o) => getComputedStyle(o).backgroundColor") != plain
        if violations := axe_violations(tab):
            found[f"{path} with its list open"] = violations
        box.press("Tab")
        expect(tab.get_by_role("listbox")).to_be_hidden()
        expect(box).to_have_attribute("aria-expanded", "false")
        expect(tab.get_by_role("button", name=next_stop, exact=True)).to_be_focused()
    assert found == {}, report(found)


# Small screens ---------------------------------------------------------------------------------


def test_main_navigation_shows_every_link_at_any_width(tab, go):
    """No link of the main navigation is cut off or scrolled out of sight, down to 320 px:
    where one row does not hold them they wrap, and the page never scrolls sideways."""
    go(tab, "/interactions/")
    links = tab.get_by_role("navigation", name="Main").get_by_role("link")
    expect(links).to_have_count(5)
    for width in (1280, 390, 320):
        tab.set_viewport_size({"width": width, "height": 800})
        for link in links.all():
            box = link.bounding_box()
            assert box["x"] >= 0, (width, link.inner_text())
            assert box["x"] + box["width"] <= width, (width, link.inner_text())
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
    tops = {round(link.bounding_box()["y"]) for link in links.all()}
    assert len(tops) <= 2, f"at 320 px the links take {len(tops)} rows"
