"""The editorial workflow in the admin, shared by the monograph and guide admins: workflow
buttons on the change form, bulk actions, preview, revision history with comparison and
restore (django-reversion), edit-conflict protection, and the permission checks behind them.

Nobody edits `status` directly: it moves only through medguide.workflow, whose checks apply to
buttons, bulk actions and hand-made POSTs alike (a forbidden move answers 403 and changes
nothing)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin

from medguide import revisions, workflow
from medguide.models import Status

WORKFLOW_FIELD = "_workflow"
COMMENT_FIELD = "_workflow_comment"
EDIT_TOKEN_FIELD = "_edit_token"  # when the editor opened the page: the item's updated_at


class EditorialAdmin(VersionAdmin):
    """For Publishable models. Subclasses implement `render_preview(request, obj)`."""

    change_form_template = "admin/editorial/change_form.html"
    object_history_template = "admin/editorial/object_history.html"
    actions = ["submit_for_review", "publish", "archive"]
    history_latest_first = True

    # Permissions ---------------------------------------------------------------------------

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(workflow.publish_permission(self.model))

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "status", "review_note"]
        if not self.has_publish_permission(request):
            # Only a medical reviewer says who reviewed it and when (by publishing it).
            fields += [f for f in ("reviewed_by", "reviewed_on") if hasattr(self.model, f)]
        return fields

    # The change form -----------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        transition = self._requested(request, obj)
        comment = request.POST.get(COMMENT_FIELD, "") if request.method == "POST" else ""

        token = request.POST.get(EDIT_TOKEN_FIELD, "") if request.method == "POST" else ""
        # Publishing an item with a public change log (a monograph: record_change) may add a
        # line to it: a one-line summary and the section it concerns, both optional.
        has_change_log = (
            obj is not None
            and hasattr(obj, "record_change")
            and hasattr(self, "change_log_sections")
            and self.has_publish_permission(request)
        )
        summary = " ".join(request.POST.get("_change_summary", "").split())
        section = request.POST.get("_change_section", "")
        model_admin = self

        class WorkflowForm(form):
            public_change_summary, public_change_section = summary, section  # shown again

            @cached_property
            def change_log_sections(self):
                """The sections the publish button may name, or None without a change log."""
                return model_admin.change_log_sections(obj) if has_change_log else None

            def clean(self):
                cleaned = super().clean()
                if obj is not None and token:
                    _refuse_stale_edit(obj, token)
                if transition is not None:
                    item = obj or self.instance
                    if item.status not in transition.sources:
                        raise ValidationError(
                            f"“{transition.label}” is not possible for an item that is "
                            f"{item.get_status_display().lower()}."
                        )
                    if transition.needs_comment and not comment.strip():
                        raise ValidationError(
                            "To send it back, say what needs changing in the comment box: "
                            "the editor sees it."
                        )
                    if transition.name == "publish" and self.change_log_sections is not None:
                        titles = {s.anchor: s.title for s in self.change_log_sections}
                        if len(summary) > 200:
                            raise ValidationError(
                                "Keep the public change summary to one line of at most 200 "
                                f"characters (it has {len(summary)})."
                            )
                        if section and section not in titles:
                            raise ValidationError("Choose a section that is on the page.")
                        self.public_change = {
                            "summary": summary,
                            "section": section if summary else "",
                            "section_title": titles.get(section, "") if summary else "",
                        }
                return cleaned

        return WorkflowForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, object_id) if object_id else None
        self._requested(request, obj)  # 403 before anything is read or saved
        if obj is not None:
            extra_context = {
                **(extra_context or {}),
                "workflow_transitions": workflow.available(request.user, obj),
                "preview_url": reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_preview",
                    args=[obj.pk],
                ),
                "item": obj,
            }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        transition = self._requested(request, obj)
        if transition is not None:
            note = workflow.apply(
                obj, transition, user=request.user, comment=request.POST.get(COMMENT_FIELD, "")
            )
            super().save_model(request, obj, form, change)
            public_change = getattr(form, "public_change", None)
            if transition.name == "publish" and public_change:
                obj.record_change(**public_change, by=request.user, on=timezone.localdate())
            self.log_change(request, obj, note)
            self.message_user(request, f"{obj}: {note}", messages.SUCCESS)
            return
        super().save_model(request, obj, form, change)

    def _requested(self, request, obj) -> workflow.Transition | None:
        """The move a POST asks for, checked: unknown or forbidden moves are refused."""
        if request.method != "POST" or WORKFLOW_FIELD not in request.POST:
            return None
        transition = workflow.TRANSITIONS.get(request.POST[WORKFLOW_FIELD])
        if transition is None:
            raise PermissionDenied("Unknown workflow step.")
        item = obj or self.model()
        if not workflow.can(request.user, transition, item):
            raise PermissionDenied(f"You may not “{transition.label}”.")
        return transition

    # Bulk actions --------------------------------------------------------------------------

    def response_action(self, request, queryset):
        # An action the user may not run is refused outright, not ignored.
        name = request.POST.get("action", "")
        if name in type(self).actions and name not in self.get_actions(request):
            raise PermissionDenied(f"You may not run “{name}”.")
        return super().response_action(request, queryset)

    def _bulk(self, request, queryset, name: str) -> None:
        transition = workflow.TRANSITIONS[name]
        moved, skipped = 0, 0
        for item in queryset:
            if item.status not in transition.sources:
                skipped += 1
                continue
            note = workflow.apply(item, transition, user=request.user)
            item.save()
            self.log_change(request, item, note)
            moved += 1
        self.message_user(request, f"{transition.done}: {moved}.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} left as they were: “{transition.label}” is not possible from "
                "their state.",
                messages.WARNING,
            )

    @admin.action(description="Submit selected for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._bulk(request, queryset, "submit")

    @admin.action(description="Approve and publish selected", permissions=["publish"])
    def publish(self, request, queryset):
        self._bulk(request, queryset, "publish")

    @admin.action(description="Archive selected", permissions=["publish"])
    def archive(self, request, queryset):
        self._bulk(request, queryset, "archive")

    # Lists ---------------------------------------------------------------------------------

    @admin.display(description="state", ordering="status")
    def state(self, item) -> str:
        if item.is_scheduled:
            return f"Scheduled for {item.published_at:%d %b %Y %H:%M}"
        if item.status == Status.DRAFT and item.review_note:
            return format_html("Draft <em>(sent back)</em>")
        return item.get_status_display()

    # Preview -------------------------------------------------------------------------------

    def get_urls(self):
        opts = self.opts
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name=f"{opts.app_label}_{opts.model_name}_preview",
            ),
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name=f"{opts.app_label}_{opts.model_name}_compare",
            ),
            *super().get_urls(),
        ]

    # History -------------------------------------------------------------------------------

    def compare_view(self, request, object_id):
        """What changed between two revisions (?older=<version>&newer=<version>)."""
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = revisions.versions_for(obj)
        try:
            picked = versions.in_bulk([request.GET["older"], request.GET["newer"]])
            older, newer = picked[int(request.GET["older"])], picked[int(request.GET["newer"])]
        except (KeyError, ValueError, TypeError):
            raise Http404("Pick two revisions of this item to compare.") from None
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Changes to {obj}",
            "older": older,
            "newer": newer,
            "differences": revisions.compare(older, newer),
            "restore_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_revision",
                args=[obj.pk, older.pk],
            ),
        }
        return render(request, "admin/editorial/compare.html", context)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "compare_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_compare", args=[object_id]
            ),
            "version_ids": list(revisions.versions_for(obj).values_list("pk", flat=True))
            if obj
            else [],
        }
        return super().history_view(request, object_id, extra_context)

    def preview_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise PermissionDenied
        return self.render_preview(request, obj)

    def render_preview(self, request, obj):
        raise NotImplementedError


def _refuse_stale_edit(obj, token: str) -> None:
    """Refuse a save when someone else saved the item after this editor opened it, saying
    what they changed, instead of silently overwriting it."""
    opened_at = parse_datetime(token)
    if opened_at is None or obj.updated_at is None or obj.updated_at <= opened_at:
        return
    later, differences = revisions.changes_since(obj, opened_at)
    who = sorted({v.revision.user.get_username() for v in later if v.revision.user})
    saves = format_html_join(
        "",
        "<li>{} at {}: {}</li>",
        (
            (
                v.revision.user.get_username() if v.revision.user else "someone",
                f"{v.revision.date_created:%H:%M:%S}",
                v.revision.get_comment() or "saved",
            )
            for v in reversed(later)
        ),
    )
    raise ValidationError(
        format_html(
            "{} saved this {} after you opened it, so your changes were not saved. "
            "Their saves:<ul>{}</ul>{}Copy anything you want to keep, then reload the page "
            "(or save again to overwrite their changes).",
            " and ".join(who) or "Someone",
            obj._meta.verbose_name,
            saves,
            format_html("What they changed:{}", revisions.summary_html(differences))
            if differences
            else "",
        ),
        code="edit_conflict",
    )
