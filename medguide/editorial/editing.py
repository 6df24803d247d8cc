"""What makes the long editorial change forms workable (issue 14): a summary of the form's
errors that links to each field, the unsaved-changes warning, and the "my work" lists the
dashboard and the change lists share, so a count on the dashboard is the length of the list
its link opens."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.forms.forms import NON_FIELD_ERRORS

from medguide.editorial import workflow
from medguide.editorial.models import Status

SUBMITTED = "Submitted for review"  # how workflow.DONE["submit"] starts the history line


@dataclass(frozen=True)
class FormError:
    where: str  # the field's label, or the inline row it is in
    message: str
    anchor: str  # the id of the element to jump to


def error_summary(*, form, inline_formsets) -> list[FormError]:
    """Every error of a re-rendered change form and its inlines, each with the element id it
    concerns: the field's input, or the inline group or row for errors that name no field."""
    found = [*_form_errors(form, where="", row_anchor="content-main")]
    for inline in inline_formsets:
        formset = inline.formset
        group = f"{formset.prefix}-group"
        title = str(inline.opts.verbose_name_plural).capitalize()
        found += [FormError(title, str(message), group) for message in formset.non_form_errors()]
        for index, row in enumerate(formset.forms):
            if row.errors:
                found += _form_errors(
                    row, where=f"{title}, row {index + 1}", row_anchor=f"{formset.prefix}-{index}"
                )
    return found


def _form_errors(form, *, where: str, row_anchor: str) -> list[FormError]:
    found = []
    for name, messages in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            found += [FormError(where, str(message), row_anchor) for message in messages]
            continue
        field = form[name]
        anchor = field.id_for_label or field.auto_id or row_anchor
        label = f"{where}, {field.label}" if where else str(field.label)
        found += [FormError(label, str(message), anchor) for message in messages]
    return found


class EditingMixin:
    """For the editorial ModelAdmins: the error summary and the unsaved-changes warning."""

    class Media:
        # A file, not an inline script: the Content-Security-Policy allows only static files.
        js = ["js/admin-unsaved.js"]

    def render_change_form(self, request, context, *args, **kwargs):
        if "adminform" in context:
            context["error_summary"] = error_summary(
                form=context["adminform"].form,
                inline_formsets=context.get("inline_admin_formsets", []),
            )
        return super().render_change_form(request, context, *args, **kwargs)


# My work -------------------------------------------------------------------------------------


def sent_back_to(queryset: QuerySet, user) -> QuerySet:
    """Drafts a medical reviewer sent back (with a comment) that this user had submitted.
    Who submitted is read from the admin history, where the workflow records each move."""
    content_type = ContentType.objects.get_for_model(queryset.model)
    submitted = LogEntry.objects.filter(
        user=user,
        content_type=content_type,
        action_flag=CHANGE,
        change_message__startswith=SUBMITTED,
    ).values("object_id")
    return (
        queryset.filter(status=Status.DRAFT)
        .exclude(review_note="")
        .filter(
            pk__in=[int(pk) for pk in submitted.values_list("object_id", flat=True) if pk.isdigit()]
        )
    )


def waiting_for_review_by(queryset: QuerySet, user) -> QuerySet:
    """What waits for this user's review: everything in review, if they may publish it."""
    if not user.has_perm(workflow.publish_permission(queryset.model)):
        return queryset.none()
    return queryset.in_review()


def pending_drafts_for(queryset: QuerySet, user) -> QuerySet:
    """Live items with a saved draft waiting: a reviewer sees them all, an editor their own."""
    drafts = queryset.filter(draft__isnull=False)
    if user.has_perm(workflow.publish_permission(queryset.model)):
        return drafts
    return drafts.filter(draft_by=user)


MY_WORK = {
    "sent_back": ("Sent back to me", sent_back_to),
    "to_review": ("Waiting for my review", waiting_for_review_by),
    "drafts": ("Drafts of live items", pending_drafts_for),
}


class MyWorkFilter(admin.SimpleListFilter):
    """The change list behind each "my work" list of the dashboard (?mine=sent_back...)."""

    title = "my work"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in MY_WORK.items()]

    def queryset(self, request, queryset):
        if self.value() in MY_WORK:
            _, select = MY_WORK[self.value()]
            return select(queryset, request.user)
        return queryset
