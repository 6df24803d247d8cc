"""slug_path() gives the address reverse() gives, at a fraction of its cost."""

import pytest
from django.urls import (
    NoReverseMatch,
    clear_script_prefix,
    include,
    path,
    reverse,
    set_script_prefix,
)

from medguide.editorial.paths import slug_path, slug_paths

# This module is also a URLconf: the site's URLs under /site/.
urlpatterns = [path("site/", include("medguide.urls"))]


@pytest.mark.parametrize(
    "viewname",
    ["drugs:detail", "drugs:class-detail", "drugs:condition-detail", "articles:detail"],
)
@pytest.mark.parametrize("slug", ["baclofen", "co-trimoxazole", "vitamin_b12", "5-fu"])
def test_the_same_address_as_reverse(viewname, slug):
    assert slug_path(viewname, slug) == reverse(viewname, kwargs={"slug": slug})


def test_a_site_mounted_under_a_prefix_keeps_it():
    plain = slug_path("drugs:detail", "baclofen")
    set_script_prefix("/medicines/")
    try:
        assert slug_path("drugs:detail", "baclofen") == "/medicines" + plain
        assert slug_path("drugs:detail", "baclofen") == reverse(
            "drugs:detail", kwargs={"slug": "baclofen"}
        )
    finally:
        clear_script_prefix()
    assert slug_path("drugs:detail", "baclofen") == plain


def test_another_urlconf_is_followed(settings):
    assert slug_path("drugs:detail", "baclofen") == "/drugs/baclofen/"
    settings.ROOT_URLCONF = __name__
    assert slug_path("drugs:detail", "baclofen") == "/site/drugs/baclofen/"


@pytest.mark.parametrize("slug", ["", "café", "a/b", "a b"])
def test_a_slug_the_pattern_refuses_is_refused_as_reverse_does(slug):
    with pytest.raises(NoReverseMatch):
        slug_path("drugs:detail", slug)


def test_many_addresses_of_one_pattern_share_its_reading():
    """slug_paths: the pattern, URLconf and prefix read once, for a list of hundreds."""
    json_path = slug_paths("drugs:detail-json")
    slugs = ["baclofen", "co-trimoxazole", "5-fu"]
    assert [json_path(slug) for slug in slugs] == [
        reverse("drugs:detail-json", kwargs={"slug": slug}) for slug in slugs
    ]
    with pytest.raises(NoReverseMatch):
        json_path("a/b")
