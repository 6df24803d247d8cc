"""What base.html's <head> tells crawlers and link previews: the canonical address, and the
title and description said once by each page and repeated in the Open Graph tags."""

from django import template
from django.core.exceptions import DisallowedHost
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The page's absolute address without its query string, except ?page=N past the first
    page of a paginated list and what the view names in `canonical_query`: other filters,
    views and tracking parameters give the same content.
    The scheme and host are the request's (ALLOWED_HOSTS has vetted the host); "" when there
    is no request, as on the 400 page."""
    request = context.get("request")
    if request is None:
        return ""
    try:
        url = request.build_absolute_uri(request.path)
    except DisallowedHost:  # the 400 page answering a host we do not serve
        return ""
    # A view whose pages differ by a parameter (the A–Z's ?letter=) names it in
    # canonical_query; every other parameter gives the same content.
    params = dict(context.get("canonical_query") or {})
    page = context.get("page_obj")
    if page is not None and page.number > 1:
        params["page"] = page.number
    return url + "?" + urlencode(params) if params else url


class CaptureNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str):
        self.nodelist = nodelist
        self.name = name

    def render(self, context) -> str:
        # Rendered (and so escaped) by the template engine already: safe to show again.
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))
        return ""


@register.tag
def capture(parser, token) -> CaptureNode:
    """{% capture as name %}…{% endcapture %}: render the contents once, whitespace collapsed,
    into a variable, so a block a page overrides (its title, its description) can be shown in
    more than one place of the head."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
