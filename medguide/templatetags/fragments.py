"""{% remember "name" part… %}…{% endremember %}: the enclosed markup, kept in the cache
until content changes (medguide.page_cache.remember). Unlike Django's {% cache %}, nothing
needs to name the things the fragment shows: any content change empties it. The parts name
what else it depends on (the audience, the host); a part that is None keeps it out.

Values the fragment reads may be callables (see drugs.views.LazyMonograph): on a hit they are
never called, so the queries behind them never run."""

from django import template

from medguide.page_cache import remember

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
        return remember(name, parts, lambda: self.nodelist.render(context))


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
