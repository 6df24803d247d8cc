"""{% remember "name" part… %}…{% endremember %}: the enclosed markup, kept in the cache
until content changes (medguide.editorial.caching.remember). Unlike Django's {% cache %},
nothing needs to name the things the fragment shows: any content change empties it. The parts
name what else it depends on (the audience, the host); a part that is None keeps it out.

Values the fragment reads may be callables (see drugs.monograph.LazyMonograph): on a hit they
are never called, so the queries behind them never run."""

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

from medguide.editorial.caching import remember

register = template.Library()


class RememberNode(template.Node):
    def __init__(self, nodelist, name, parts):
        self.nodelist = nodelist
        self.name = name
        self.parts = parts

    def render(self, context):
        name = self.name.resolve(context)
        parts = [part.resolve(context) for part in self.parts]
        if any(part is None for part in parts):  # a preview, say: never kept
            return self.nodelist.render(context)
        return remember(name, parts, lambda: _without_indentation(self.nodelist.render(context)))


@register.tag(name="remember")
def remember_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a name: {{% {bits[0]} 'name' %}}")
    nodelist = parser.parse((f"end{bits[0]}",))
    parser.delete_first_token()
    return RememberNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )


INDENTATION = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")
TEXT_IN_A_TEXTAREA = re.compile(r"<textarea[^>]*>(?!</textarea>)")


def _without_indentation(html: SafeString) -> SafeString:
    """The markup without the templates' indentation and blank lines: a sixth of a monograph,
    which every reader would download and every response compress. Whitespace inside <pre>
    or <textarea> is content, so markup with either is kept as it is."""
    if "<pre" in html or TEXT_IN_A_TEXTAREA.search(html):
        return html
    return mark_safe(INDENTATION.sub("\n", html))
