"""Admin autocomplete widgets that render their selected option without a query per row.

Django's AutocompleteSelect looks up the selected object for every widget it renders, so an
inline with 60 rows costs 60 queries. Inline querysets here already `select_related` those
objects; this widget renders from them and falls back to Django's lookup for anything else.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect


class PreloadedAutocompleteSelect(AutocompleteSelect):
    preloaded: dict

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.preloaded = {}

    def optgroups(self, name, value, attr=None):
        empty = self.choices.field.empty_values
        selected = {str(v) for v in value if str(v) not in empty}
        if not selected or not selected <= self.preloaded.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for key in sorted(selected):
            obj = self.preloaded[key]
            label = self.choices.field.label_from_instance(obj)
            options.append(self.create_option(name, obj.pk, label, selected, len(options)))
        return [(None, options, 0)]


class PreloadedAutocompleteForm(forms.ModelForm):
    """Hands each autocomplete widget the related object its instance already holds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # admin wraps widgets
            if not isinstance(widget, PreloadedAutocompleteSelect):
                continue
            model_field = self.instance._meta.get_field(name)
            if model_field.is_cached(self.instance):
                related = getattr(self.instance, name)
                if related is not None:
                    widget.preloaded = {str(related.pk): related}


class PreloadedAutocompleteMixin:
    """For inlines: autocomplete fields use the preloading widget and form."""

    form = PreloadedAutocompleteForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
