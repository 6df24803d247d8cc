"""POST data for an admin change form, read back from the page's own forms, so a test can
submit a page as an editor would: change a field or two and press a button."""

from django.forms import BaseForm, FileField, MultiWidget, TextInput
from django.urls import reverse


def _value(bound) -> object:
    value = bound.value()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, (list, tuple)):
        if isinstance(bound.field.widget, TextInput):  # one box with several values: tags
            return bound.field.widget.format_value(value)
        return [str(v) for v in value]
    return value


def _form_data(form: BaseForm) -> dict:
    data = {}
    for name, field in form.fields.items():
        if isinstance(field, FileField):
            continue  # a file already stored is not sent again
        if field.show_hidden_initial:  # a field with a default: its shown value, hidden
            _add_hidden_initial(data, form, name)
        if isinstance(field.widget, MultiWidget):  # e.g. the admin's date and time boxes
            value = form[name].value()  # a bound form (a page shown again) has the boxes
            parts = value if isinstance(value, list) else field.widget.decompress(value)
            for suffix, widget, part in zip(
                field.widget.widgets_names, field.widget.widgets, parts, strict=True
            ):
                data[form.add_prefix(name) + suffix] = widget.format_value(part) or ""
            continue
        value = _value(form[name])
        if value in ("", []) and getattr(form.fields[name].widget, "input_type", "") == "checkbox":
            continue  # an unticked box is simply absent from a real POST
        data[form.add_prefix(name)] = value
    return data


def _add_hidden_initial(data: dict, form: BaseForm, name: str) -> None:
    """The hidden copy of the value a page showed, which a browser posts beside a field
    with a default (`initial-…`) and the form compares the posted value with."""
    field, initial = form.fields[name], form[name].initial
    widget = field.hidden_widget()
    if isinstance(widget, MultiWidget):
        parts = widget.decompress(initial)
        for suffix, part_widget, part in zip(
            widget.widgets_names, widget.widgets, parts, strict=True
        ):
            data[form.add_initial_prefix(name) + suffix] = part_widget.format_value(part) or ""
    else:
        data[form.add_initial_prefix(name)] = widget.format_value(initial) or ""


def change_form_data(response, **changes) -> dict:
    """Everything the change page at `response` would post, with `changes` applied."""
    data = _form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(n): _value(management[n]) for n in management.fields})
        for form in formset.initial_forms:
            data.update(_form_data(form))
    if "edit_version" in response.context:  # the version the page was rendered from
        data["_version"] = response.context["edit_version"]
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def change_url(item) -> str:
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])


def press(client, item, button: str | None = None, *, keep_editing: bool = False, **changes):
    """Open the item's admin page and submit it as it stands, with `changes`, pressing the
    workflow `button`, or plain Save ("Save and continue editing" with `keep_editing`)."""
    page = client.get(change_url(item))
    assert page.status_code == 200
    data = change_form_data(page, **changes)
    if button:
        data["_workflow"] = button
    elif keep_editing:
        data["_continue"] = "Save and continue editing"
    else:
        data["_save"] = "Save"
    return client.post(change_url(item), data)
