"""Admin form fields for guides: the Markdown editor with its live preview and link picker,
and tags that read back as they were typed."""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget
from taggit.forms import TagField, TagWidget


class MarkdownEditor(AdminTextareaWidget):
    """The body's textarea beside a preview the server renders with articles/markdown.py (the
    same sanitiser as the public page), and a picker that inserts links to drugs and guides.
    Without JavaScript it is the plain textarea."""

    # An app template: the form renderer reads those, not the project's templates/.
    template_name = "articles/widgets/markdown_editor.html"

    class Media:
        js = ["js/admin-markdown.js"]

    def __init__(self, *, preview_url: str, links_url: str, attrs=None):
        super().__init__(attrs={"rows": 24, **(attrs or {})})
        self.preview_url, self.links_url = preview_url, links_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(preview_url=self.preview_url, links_url=self.links_url)
        return context


def split_tags(text: str) -> list[str]:
    """Tags typed as "Muscle spasm, Sleep": split on commas only, so a tag may hold spaces.
    Sorted and without repeats, as taggit's own parser returns them."""
    return sorted({" ".join(part.split()) for part in (text or "").split(",")} - {""})


class CommaTagWidget(TagWidget):
    """Shows the tags as the editor typed them, joined by commas, without taggit's quotes."""

    def format_value(self, value):
        if value is not None and not isinstance(value, str):
            names = [getattr(tag, "tag", tag) for tag in value]  # tags or tagged items
            value = ", ".join(sorted(str(getattr(name, "name", name)) for name in names))
        return super(TagWidget, self).format_value(value)


class CommaTagField(TagField):
    widget = CommaTagWidget

    def clean(self, value):
        value = forms.CharField.clean(self, value)
        return split_tags(value)
