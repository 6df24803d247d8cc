"""{% remember "name" part… %}…{% endremember %}: the enclosed markup, kept in the cache
until content changes (medguide.editorial.caching.remember). Unlike Django's {% cache %},
nothing needs to name the things the fragment shows: any content change empties it. The parts
name what else it depends on (the audience, the host); a part that is None keeps it out.

Values the fragment reads may be callables (see drugs.monograph.LazyMonograph): on a hit they
are never called, so the queries behind them never run.

{% fresh "name" if condition %}…{% endfresh %} inside a fragment, when the condition holds, is
rendered for every request and put in its place in the kept markup: the part of a page that
answers the reader's own question (the liquid converter's answer), so that each question does
not render, and keep, a page of its own. It is then rendered with the context the enclosing
{% remember %} sees, not the loops and {% with %} blocks around it. When the condition does
not hold it is kept with the rest, and the fragment's parts must tell the two apart."""

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

from medguide.editorial.caching import remember

register = template.Library()


# Set in the context while a fragment renders for the cache: {% fresh %} leaves its mark.
KEEPING = "_fragments_keeping"


class RememberNode(template.Node):
    def __init__(self, nodelist, name, parts):
        self.nodelist = nodelist
        self.name = name
        self.parts = parts
        self.fresh = nodelist.get_nodes_by_type(FreshNode)

    def render(self, context):
        name = self.name.resolve(context)
        parts = [part.resolve(context) for part in self.parts]
        if any(part is None for part in parts):  # a preview, say: never kept
            return self.nodelist.render(context)

        def compute():
            with context.push({KEEPING: True}):
                return _without_indentation(self.nodelist.render(context))

        html = remember(name, parts, compute)
        for node in self.fresh:
            if node.mark in html:  # only where the kept markup shows it, so it is used
                html = html.replace(node.mark, node.render_fresh(context))
        return mark_safe(html)


class FreshNode(template.Node):
    def __init__(self, nodelist, name: str, condition):
        self.nodelist = nodelist
        self.condition = condition
        # No content can hold it: what pages show is escaped, or cleaned by nh3, which strips
        # comments. (Signed with the secret key, it would stop matching across servers while
        # the key is rotated, and the part would go missing from kept markup.)
        self.mark = f"<!--fresh {name}-->"

    def render(self, context):
        if context.get(KEEPING) and self.condition.resolve(context):
            return self.mark
        return self.nodelist.render(context)

    def render_fresh(self, context) -> str:
        # The whitespace around it is the kept markup's, already made one line break.
        return _without_indentation(self.nodelist.render(context)).strip()


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


@register.tag(name="fresh")
def fresh_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 4 or bits[1][0] not in "'\"" or bits[1][0] != bits[1][-1] or bits[2] != "if":
        raise template.TemplateSyntaxError(
            f"{bits[0]} needs a quoted name and a condition: {{% fresh 'name' if condition %}}"
        )
    nodelist = parser.parse(("endfresh",))
    parser.delete_first_token()
    return FreshNode(nodelist, bits[1][1:-1], parser.compile_filter(bits[3]))


INDENTATION = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")
TEXT_IN_A_TEXTAREA = re.compile(r"<textarea[^>]*>(?!</textarea>)")


def _without_indentation(html: SafeString) -> SafeString:
    """The markup without the templates' indentation and blank lines: a sixth of a monograph,
    which every reader would download and every response compress. Whitespace inside <pre>
    or <textarea> is content, so markup with either is kept as it is."""
    if "<pre" in html or TEXT_IN_A_TEXTAREA.search(html):
        return html
    return mark_safe(INDENTATION.sub("\n", html))
