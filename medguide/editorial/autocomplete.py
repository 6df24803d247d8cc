"""Admin autocomplete widgets that refuse forged values quietly and render their selected
option without a query per row.

Django's AutocompleteSelect looks up the selected values as they were posted when it
re-renders an invalid form: a value its field cannot take (`related_drugs=[1]`) raises there,
a 500 where the form should say the choice is not valid. The widgets here leave such values
out (ValidValuesMixin); every admin with autocomplete fields uses them (SafeAutocompleteMixin).

Django's AutocompleteSelect also looks up the selected object for every widget it renders, so
an inline with 60 rows costs 60 queries. Inline querysets here already `select_related` those
objects; PreloadedAutocompleteSelect renders from them and falls back to the lookup.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


def is_usable_key(field: forms.ModelChoiceField, value) -> bool:
    """Whether `value` could be a key of the field's choices: of the key's type and within
    what the database stores (a 22-digit id overflows SQLite's and PostgreSQL's integers)."""
    model = field.queryset.model
    key = model._meta.get_field(field.to_field_name or model._meta.pk.name)
    try:
        key.clean(value, None)
    except ValidationError:
        return False
    return True


class ValidValuesMixin:
    """Renders only the posted values the field could take; the form's own validation says
    what was wrong with the others."""

    def optgroups(self, name, value, attr=None):
        field = self.choices.field
        usable = [item for item in value if is_usable_key(field, item)]
        return super().optgroups(name, usable, attr)


class SafeModelChoiceField(forms.ModelChoiceField):
    """Refuses a value no choice could have before looking it up, which would raise."""

    def to_python(self, value):
        if value not in self.empty_values and not is_usable_key(self, value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """As SafeModelChoiceField, for each of several values."""

    def _check_values(self, value):
        for item in value:
            if not is_usable_key(self, item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)


class SafeAutocompleteSelect(ValidValuesMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(ValidValuesMixin, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin:
    """For ModelAdmins and inlines: their autocomplete fields use the widgets above."""

    autocomplete_widgets = (SafeAutocompleteSelect, SafeAutocompleteSelectMultiple)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = self.autocomplete_widgets[0](
                db_field, self.admin_site, using=kwargs.get("using")
            )
            kwargs.setdefault("form_class", SafeModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = self.autocomplete_widgets[1](
                db_field, self.admin_site, using=kwargs.get("using")
            )
            kwargs.setdefault("form_class", SafeModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PreloadedAutocompleteSelect(SafeAutocompleteSelect):
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


class PreloadedAutocompleteMixin(SafeAutocompleteMixin):
    """For inlines: autocomplete fields use the preloading widget and form."""

    form = PreloadedAutocompleteForm
    autocomplete_widgets = (PreloadedAutocompleteSelect, SafeAutocompleteSelectMultiple)
