"""The editorial workflow in the admin, shared by the monograph and guide admins: workflow
buttons on the change form, bulk actions, preview, revision history with comparison and
restore (django-reversion), edit-conflict protection, and the permission checks behind them.

Nobody edits `status` directly: it moves only through medguide.editorial.workflow, whose
checks apply to buttons, bulk actions and hand-made POSTs alike (a forbidden move answers 403
and changes nothing). The other publication fields (PUBLICATION_FIELDS) are likewise read-only
to whoever may not publish, and a POST that changes one anyway is refused with 403."""

from __future__ import annotations

import copy
from datetime import datetime

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import Q
from django.forms.formsets import all_valid
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from reversion.admin import VersionAdmin
from reversion.models import Version

from medguide.editorial import drafts, revisions, workflow
from medguide.editorial.autocomplete import SafeAutocompleteMixin
from medguide.editorial.concurrency import EditConflict, claim
from medguide.editorial.editing import EditingMixin
from medguide.editorial.models import ReviewerProfile, Status

WORKFLOW_FIELD = "_workflow"
COMMENT_FIELD = "_workflow_comment"
VERSION_FIELD = "_version"  # the item's version when the editor's page was rendered
SHOWN_DRAFT = "_medguide_shown_draft"  # request attribute: the pending draft the form shows
RESTORING = "_medguide_restoring"  # request attribute: inside the revision (restore) view

# Changed only by moves that need the publish permission (medguide.editorial.workflow), never
# typed in by whoever lacks it; approved_by and review_note by nobody at all.
PUBLICATION_FIELDS = ("status", "published_at", "reviewed_by", "reviewed_on", "approved_by")
ALWAYS_LOCKED = ("status", "review_note", "approved_by")
# What restoring an earlier revision leaves as it is now: the content comes back, not the
# publication state, and the version only moves forward.
KEPT_ON_RESTORE = (
    "status",
    "published_at",
    "reviewed_by",
    "reviewed_on",
    "approved_by_id",
    "review_note",
    "version",
)


class EditorialAdmin(SafeAutocompleteMixin, EditingMixin, VersionAdmin):
    """For Publishable models. Subclasses implement `render_preview(request, obj)`."""

    change_form_template = "admin/editorial/change_form.html"
    draft_noun = ""  # what the pending-draft notice calls an item ("monograph"); else its name
    object_history_template = "admin/editorial/object_history.html"
    actions = ["submit_for_review", "publish", "archive"]
    history_latest_first = True

    # Permissions ---------------------------------------------------------------------------

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(workflow.publish_permission(self.model))

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "status", "review_note"]
        if not self.has_publish_permission(request):
            # Only a medical reviewer says who reviewed it and when (by publishing it), and
            # when it goes live: moving the time of an existing item would publish a
            # scheduled one, or take a live one down, without a review.
            fields += [f for f in ("reviewed_by", "reviewed_on") if hasattr(self.model, f)]
            if obj is not None:
                fields.append("published_at")
        return fields

    def _locked_fields(self, request, obj) -> list[str]:
        """The publication fields this user's form leaves out, which a POST must not change."""
        readonly = set(self.get_readonly_fields(request, obj))
        return [
            name
            for name in (*PUBLICATION_FIELDS, "review_note")
            if hasattr(self.model, name) and (name in readonly or name in ALWAYS_LOCKED)
        ]

    def _refuse_locked_changes(self, request, obj) -> None:
        """403 for a POST that carries a new value for a field this user may not change
        (a hand-made POST: the page never sends them). The same value again is harmless."""
        item = obj or self.model()
        for name in self._locked_fields(request, obj):
            db_field = self.model._meta.get_field(name)
            carried, value = _posted(request, db_field)
            if carried and not _same_value(db_field, item, value):
                raise PermissionDenied(
                    f"Only a medical reviewer changes “{db_field.verbose_name}”, by publishing."
                )

    # The change form -----------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        transition = self._requested(request, obj)
        comment = request.POST.get(COMMENT_FIELD, "") if request.method == "POST" else ""
        conflict = getattr(request, "_edit_conflict", None)
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

        shown_draft = getattr(request, SHOWN_DRAFT, None)

        class WorkflowForm(form):
            public_change_summary, public_change_section = summary, section  # shown again

            def __init__(self, data=None, files=None, *args, **kwargs):
                if data is None and shown_draft is not None:
                    # A live item's pending draft: the page shows it as its editor saved it.
                    data = _draft_form_data(form, obj, shown_draft)
                super().__init__(data, files, *args, **kwargs)

            @cached_property
            def change_log_sections(self):
                """The sections the publish button may name, or None without a change log."""
                return model_admin.change_log_sections(obj) if has_change_log else None

            def clean(self):
                cleaned = super().clean()
                for name, value in cleaned.items():
                    # The admin's boxes show times to the second: one posted back as shown
                    # (unchanged) keeps the fraction a page an import created has, else its
                    # save would move the catalogue's count of publications.
                    if isinstance(value, datetime) and name not in self.changed_data:
                        stored = getattr(self.instance, name, None)
                        if isinstance(stored, datetime):
                            cleaned[name] = stored
                if conflict is not None:
                    raise ValidationError(_conflict_message(conflict), code="edit_conflict")
                if transition is not None:
                    item = obj or self.instance
                    if not transition.is_possible_for(item):
                        raise ValidationError(
                            f"“{transition.label}” is not possible for an item that is "
                            f"{item.get_status_display().lower()}."
                        )
                    moved = cleaned.get("published_at")
                    if (
                        transition.name == "publish"
                        and item.is_live
                        and moved is not None
                        and moved > timezone.now()
                    ):
                        # Publishing a live item's draft puts it live now; a time to come
                        # would take the live page away from readers until then.
                        self.add_error(
                            "published_at",
                            "This page is live: publishing its changes puts them live now. A "
                            "publication time in the future would hide the page from readers "
                            "until then; keep the time it has.",
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
        if request.method == "POST":
            self._refuse_locked_changes(request, obj)
        if obj is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        seen = _seen_version(request) if request.method == "POST" else obj.version
        if obj.has_pending_draft and not getattr(request, RESTORING, False):
            if request.method == "POST":
                # The page started from the draft: its pictures, which a form cannot show
                # again, come with it unless another was chosen.
                for key, upload in drafts.uploads(obj.draft).items():
                    request.FILES.setdefault(key, upload)
            else:
                setattr(request, SHOWN_DRAFT, obj.draft)
        try:
            context = self._item_context(request, obj, seen, extra_context)
            if self._saves_draft(request, obj):
                return self._save_draft(request, obj, object_id, form_url, context)
            return super().changeform_view(request, object_id, form_url, context)
        except EditConflict as conflict:
            # Nothing was written (the saving transaction rolled back). The page again, with
            # what they typed, what changed meanwhile at the top, and the version they have
            # now seen: only saving again after this overwrites the other save.
            request._edit_conflict = conflict
            obj = self.get_object(request, object_id)
            if obj is None:
                raise Http404("Someone deleted it meanwhile.") from None
            context = self._item_context(request, obj, obj.version, extra_context)
            return super().changeform_view(request, object_id, form_url, context)

    def _item_context(self, request, obj, seen: int | None, extra_context) -> dict:
        return {
            **(extra_context or {}),
            "workflow_transitions": workflow.available(request.user, obj),
            "preview_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_preview", args=[obj.pk]
            ),
            "item": obj,
            "edit_version": "" if seen is None else seen,
            "draft_notice": self._draft_notice(obj),
            "audit_trail": workflow.audit_trail(obj),
        }

    def save_model(self, request, obj, form, change):
        if change:
            # Inside the transaction that writes it: of two saves of one version, the
            # second waits for the first, then finds the version gone.
            seen = _seen_version(request)
            if seen is None:
                raise EditConflict(obj, seen_version=None)
            claim(obj, seen_version=seen)
        transition = self._requested(request, obj)
        if transition is not None:
            note = workflow.apply(
                obj, transition, user=request.user, comment=request.POST.get(COMMENT_FIELD, "")
            )
            drafts.forget_draft(obj)  # the form started from it: what it said is saved now
            super().save_model(request, obj, form, change)
            public_change = getattr(form, "public_change", None)
            if transition.name == "publish":
                if public_change:
                    obj.record_change(**public_change, by=request.user, on=timezone.localdate())
                self.published(request, obj)
            self.log_change(request, obj, note)
            self.message_user(request, f"{obj}: {note}", messages.SUCCESS)
            if transition.name == "publish" and not workflow.has_reviewer_profile(request.user):
                self.message_user(
                    request,
                    f"Readers see “Medically reviewed by {obj.reviewed_by}”: a medical reviewer "
                    "should have a reviewer profile with their name and qualification. Ask a "
                    "site administrator to add yours.",
                    messages.WARNING,
                )
            return
        drafts.forget_draft(obj)
        super().save_model(request, obj, form, change)

    def published(self, request, item) -> None:
        """Called inside the transaction that publishes `item` (or its pending draft), by
        either way of publishing: the change form's button and the bulk action. Its related
        rows may not all be written yet, so work on what was published belongs in
        transaction.on_commit()."""

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
        moved, skipped, changed, invalid = 0, 0, 0, 0
        using = router.db_for_write(self.model)
        for item in queryset:
            if not transition.is_possible_for(item):
                skipped += 1
                continue
            try:
                with transaction.atomic(using=using):
                    # As loaded above: an edit saved since then is not overwritten.
                    claim(item, seen_version=item.version)
                    note = workflow.apply(item, transition, user=request.user)
                    if transition.name == "publish" and item.has_pending_draft:
                        self._publish_draft(request, item, note)
                    item.save()
                    if transition.name == "publish":
                        self.published(request, item)
            except EditConflict:
                changed += 1
                continue
            except _InvalidDraft:
                invalid += 1
                continue
            self.log_change(request, item, note)
            moved += 1
        self.message_user(request, f"{transition.done}: {moved}.", messages.SUCCESS)
        if changed:
            self.message_user(
                request,
                f"{changed} left as they were: someone saved them meanwhile. Try again.",
                messages.WARNING,
            )
        if invalid:
            self.message_user(
                request,
                f"{invalid} left as they were: their pending draft no longer saves (open it "
                "to see why).",
                messages.WARNING,
            )
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
        if item.is_live and item.has_pending_draft:
            return mark_safe("Published <em>(draft pending)</em>")
        if item.is_scheduled:
            return f"Scheduled for {item.published_at:%d %b %Y %H:%M}"
        if item.status == Status.DRAFT and item.review_note:
            return mark_safe("Draft <em>(sent back)</em>")
        return item.get_status_display()

    # Restoring a revision ------------------------------------------------------------------

    revision_form_template = "admin/editorial/revision_form.html"
    recover_form_template = "admin/editorial/recover_form.html"

    def revision_view(self, request, object_id, version_id, extra_context=None):
        request._kept_on_restore = (
            self.model._default_manager.filter(pk=unquote(object_id))
            .values(*KEPT_ON_RESTORE)
            .first()
        )
        setattr(request, RESTORING, True)
        try:
            return super().revision_view(request, object_id, version_id, extra_context)
        except _RestoreAsDraft:
            # django-reversion's transaction, with the old revision written, is rolled back:
            # the live rows are as they were. The restored revision becomes the draft.
            del request._kept_on_restore
            obj = self.get_object(request, unquote(object_id))
            return self._keep_draft(request, obj, restored=True)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        kept = getattr(request, "_kept_on_restore", None)
        if obj is not None and kept:
            # django-reversion has just written the old revision, these fields included,
            # inside the view's transaction: put them back as they are now.
            type(obj)._default_manager.filter(pk=obj.pk).update(**kept)
            for name, value in kept.items():
                setattr(obj, name, value)
        return obj

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
            path(
                "<path:object_id>/draft/compare/",
                self.admin_site.admin_view(self.draft_compare_view),
                name=f"{opts.app_label}_{opts.model_name}_draft_compare",
            ),
            path(
                "<path:object_id>/draft/discard/",
                self.admin_site.admin_view(self.discard_draft_view),
                name=f"{opts.app_label}_{opts.model_name}_draft_discard",
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
            "audit_trail": workflow.audit_trail(obj) if obj else [],
        }
        return super().history_view(request, object_id, extra_context)

    def preview_view(self, request, object_id):
        """The public page as it would be; with a pending draft, as the draft would make it
        (?live shows the live version)."""
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise PermissionDenied
        if not obj.has_pending_draft or "live" in request.GET:
            return self.render_preview(request, obj)
        with drafts.rehearsal():
            if self.apply_draft(request, obj):
                obj = self.get_object(request, object_id)
            response = self.render_preview(request, obj)
            if hasattr(response, "render"):
                response.render()  # now, while the draft is applied
        return response

    def render_preview(self, request, obj):
        raise NotImplementedError

    # Drafts of live content (medguide.editorial.drafts) ------------------------------------

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        shown_draft = getattr(request, SHOWN_DRAFT, None)
        if shown_draft is not None and "data" not in kwargs:
            kwargs["data"] = drafts.as_query_dict(shown_draft["data"])
        return kwargs

    def _saves_draft(self, request, obj) -> bool:
        """A plain save of a live item keeps the changes as its pending draft; moves (publish,
        archive, back to draft) save directly, and so does any save of an item not live."""
        return (
            request.method == "POST"
            and obj.is_live
            and WORKFLOW_FIELD not in request.POST
            and "_saveasnew" not in request.POST
        )

    def _save_draft(self, request, obj, object_id, form_url, context):
        # Saved for real and rolled back: the form and every inline are validated, and saved,
        # exactly as a direct save would be, so a refused draft shows the same errors.
        with drafts.rehearsal():
            response = super().changeform_view(request, object_id, form_url, context)
            if response.status_code != 302:
                return response  # the page with its errors; nothing was kept
            if getattr(request, RESTORING, False):
                raise _RestoreAsDraft
        return self._keep_draft(request, obj, redirect_to=response.url)

    def _keep_draft(self, request, obj, *, redirect_to=None, restored=False):
        form = self.get_form(request, obj, change=True)
        data = drafts.form_data(request.POST)
        if restored:
            data = self._match_live_rows(request, obj, data)
        with transaction.atomic(using=router.db_for_write(self.model)):
            drafts.save_draft(
                obj,
                data=data,
                fields=list(form.base_fields),
                files=drafts.keep_uploads(request.FILES),
                by=request.user,
                seen_version=_seen_version(request),
            )
            self.log_change(
                request,
                obj,
                "Restored an earlier revision as a draft." if restored else "Saved a draft.",
            )
        self.message_user(
            request,
            f"Draft of {obj} saved. Readers still see the published version until a medical "
            "reviewer publishes the draft.",
            messages.SUCCESS,
        )
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
        )
        return HttpResponseRedirect(redirect_to or change_url)

    def _match_live_rows(self, request, obj, data: dict) -> dict:
        """A restored revision's form names its rows as they were: rows deleted since come
        back as new rows, and rows added since are marked for deletion, so that the draft
        applies to the live rows."""
        data = dict(data)
        replay = copy.copy(request)
        replay.method = "GET"
        for formset, _ in zip(*self._create_formsets(replay, obj, change=True), strict=True):
            prefix, pk_name = formset.prefix, formset.model._meta.pk.name
            fk_name = formset.fk.name
            live = {str(pk) for pk in formset.get_queryset().values_list("pk", flat=True)}
            total = int(data.get(f"{prefix}-TOTAL_FORMS", ["0"])[0] or 0)
            initial = int(data.get(f"{prefix}-INITIAL_FORMS", ["0"])[0] or 0)
            rows = [
                {
                    key[len(f"{prefix}-{i}-") :]: value
                    for key, value in data.items()
                    if key.startswith(f"{prefix}-{i}-")
                }
                for i in range(total)
            ]
            kept = [r for r in rows[:initial] if (r.get(pk_name) or [""])[0] in live]
            named = {(r.get(pk_name) or [""])[0] for r in kept}
            revived = [{**r, pk_name: [""]} for r in rows[:initial] if r not in kept]
            gone = [
                {pk_name: [pk], fk_name: [str(obj.pk)], "DELETE": ["on"]}
                for pk in sorted(live - named)
            ]
            for key in [k for k in data if k.startswith(f"{prefix}-")]:
                if key[len(prefix) + 1 :].split("-", 1)[0].isdigit():
                    del data[key]
            ordered = [*kept, *gone, *revived, *rows[initial:]]
            for i, row in enumerate(ordered):
                data.update({f"{prefix}-{i}-{name}": value for name, value in row.items()})
            data[f"{prefix}-TOTAL_FORMS"] = [str(len(ordered))]
            data[f"{prefix}-INITIAL_FORMS"] = [str(len(kept) + len(gone))]
        return data

    def message_user(self, request, *args, **kwargs):
        if drafts.is_rehearsing():
            return  # "changed successfully" would not be true: it is all rolled back
        super().message_user(request, *args, **kwargs)

    def apply_draft(self, request, obj) -> bool:
        """Save the item's pending draft over its live rows, inside the caller's transaction,
        through the change form's own processing (form, inlines, save_model, save_related).
        False, with nothing saved, when the draft no longer validates (a condition it names
        was deleted, say). `obj` is changed in place either way."""
        replay = copy.copy(request)
        for attribute in (SHOWN_DRAFT, RESTORING, "_edit_conflict", "_kept_on_restore"):
            replay.__dict__.pop(attribute, None)
        replay.method = "POST"
        data = drafts.as_query_dict(obj.draft["data"]).copy()
        data[VERSION_FIELD] = str(obj.version)
        replay._post, replay._files = data, drafts.uploads(obj.draft)
        form_class = self.get_form(replay, obj, change=True, fields=obj.draft["fields"])
        form = form_class(replay.POST, replay.FILES, instance=obj)
        formsets, _ = self._create_formsets(replay, form.instance, change=True)
        if not (all_valid(formsets) and form.is_valid()):
            return False
        obj = self.save_form(replay, form, change=True)
        self.save_model(replay, obj, form, True)
        self.save_related(replay, form, formsets, True)
        return True

    def _publish_draft(self, request, item, note: str) -> None:
        """The bulk action's publish of a live item with a pending draft: the draft becomes
        the live version, with a revision like any save."""
        with reversion.create_revision():
            if not self.apply_draft(request, item):
                raise _InvalidDraft
            reversion.set_user(request.user)
            reversion.set_comment(note)

    def _draft_notice(self, obj) -> dict | None:
        if not (obj.is_live or obj.has_pending_draft):
            return None
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}"
        by = obj.draft_by
        return {
            "noun": self.draft_noun or self.opts.verbose_name,
            "is_live": obj.is_live,
            "is_pending": obj.has_pending_draft,
            "by": (by.get_full_name() or by.get_username()) if by else "someone",
            "at": obj.draft_at,
            "files": bool(obj.has_pending_draft and obj.draft.get("files")),
            "preview_url": reverse(f"{name}_preview", args=[obj.pk]),
            "compare_url": reverse(f"{name}_draft_compare", args=[obj.pk]),
            "discard_url": reverse(f"{name}_draft_discard", args=[obj.pk]),
        }

    def draft_compare_view(self, request, object_id):
        """What publishing the pending draft would change, field by field and row by row."""
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        if not obj.has_pending_draft:
            raise Http404("It has no pending draft.")
        with drafts.rehearsal():
            live = _snapshot(obj)
            is_valid = self.apply_draft(request, obj)
            differences = (
                revisions.compare(live, _snapshot(self.get_object(request, object_id)))
                if is_valid
                else None
            )
        obj = self.get_object(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"The pending draft of {obj}",
            "notice": self._draft_notice(obj),
            "is_valid": is_valid,
            "differences": differences,
        }
        return render(request, "admin/editorial/draft_compare.html", context)

    def discard_draft_view(self, request, object_id):
        """Asks first (GET); forgets the pending draft (POST). The live version stays."""
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
        )
        if not obj.has_pending_draft:
            return HttpResponseRedirect(change_url)
        if request.method == "POST":
            seen = _seen_version(request)
            try:
                with transaction.atomic(using=router.db_for_write(self.model)):
                    drafts.discard_draft(obj, seen_version=seen)
                    self.log_change(request, obj, "Discarded the pending draft.")
            except EditConflict:
                self.message_user(
                    request,
                    "The draft changed after you opened this page: look at it again first.",
                    messages.WARNING,
                )
                return HttpResponseRedirect(request.path)
            self.message_user(request, f"Draft of {obj} discarded.", messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Discard the pending draft of {obj}?",
            "notice": self._draft_notice(obj),
            "edit_version": obj.version,
        }
        return render(request, "admin/editorial/discard_draft.html", context)


class _InvalidDraft(Exception):
    """A pending draft that no longer validates; the publish that met it is rolled back."""


class _RestoreAsDraft(Exception):
    """Raised through django-reversion's restore transaction to roll it back: a restored
    revision of a live item becomes its draft instead (EditorialAdmin.revision_view)."""


def _snapshot(item) -> Version:
    """The item and its rows as a revision, to compare with revisions.compare. Only inside a
    rehearsal: it is not history."""
    with reversion.create_revision():
        reversion.add_to_revision(item)
    return Version.objects.get_for_object(item).first()


def _draft_form_data(form_class, obj, draft: dict):
    """The draft as the change form's data; fields its editor's form did not have (a medical
    reviewer's, when an editor saved it) keep their current values."""
    data = drafts.as_query_dict(draft["data"]).copy()
    current = form_class(instance=obj)
    for name, field in current.fields.items():
        value = current[name].value()
        if name in draft["fields"] or value in (None, False):
            continue
        if hasattr(field.widget, "widgets_names"):  # several boxes: a date and a time
            parts = field.widget.decompress(value)
            for suffix, widget, part in zip(
                field.widget.widgets_names, field.widget.widgets, parts, strict=True
            ):
                data[name + suffix] = widget.format_value(part) or ""
        elif value is True:
            data[name] = "on"
        elif isinstance(value, list | tuple):
            data.setlist(name, [str(v) for v in value])
        else:
            data[name] = str(value)
    return data


def _seen_version(request) -> int | None:
    try:
        return int(request.POST.get(VERSION_FIELD, ""))
    except ValueError:
        return None


def _posted(request, db_field) -> tuple[bool, object]:
    """Whether the POST carries a value for the model field, and that value as its form
    field reads it (a value the field cannot read counts as a change)."""
    if isinstance(db_field, models.DateTimeField):
        form_field = forms.SplitDateTimeField(widget=AdminSplitDateTime, required=False)
        if form_field.widget.value_omitted_from_data(request.POST, request.FILES, db_field.name):
            form_field = forms.DateTimeField(required=False)
    else:
        form_field = db_field.formfield()
        form_field.required = False
    widget = form_field.widget
    if widget.value_omitted_from_data(request.POST, request.FILES, db_field.name):
        return False, None
    try:
        return True, form_field.clean(
            widget.value_from_datadict(request.POST, request.FILES, db_field.name)
        )
    except ValidationError:
        return True, _UNREADABLE


_UNREADABLE = object()


def _same_value(db_field, item, value) -> bool:
    if value is _UNREADABLE:
        return False
    stored = getattr(item, db_field.attname)
    if isinstance(value, models.Model):
        value = value.pk
    if isinstance(stored, datetime) and isinstance(value, datetime):
        # The admin's boxes show whole seconds.
        return stored.replace(microsecond=0) == value.replace(microsecond=0)
    return (stored or None) == (value or None)


def _conflict_message(conflict: EditConflict):
    """Who saved the item after this editor's version, and what they changed."""
    obj = conflict.item
    later, differences = revisions.changes_since_version(obj, conflict.seen_version)
    who = sorted({v.revision.user.get_username() for v in later if v.revision.user})
    saves = format_html_join(
        "",
        "<li>{} at {}: {}</li>",
        (
            (
                v.revision.user.get_username() if v.revision.user else "someone",
                f"{timezone.localtime(v.revision.date_created):%H:%M:%S}",
                v.revision.get_comment() or "saved",
            )
            for v in reversed(later)
        ),
    )
    return format_html(
        "{} saved this {} after you opened it, so your changes were not saved. "
        "{}{}Your changes are still in the form below. Compare them with theirs; saving "
        "again now keeps your version of every field on this page.",
        " and ".join(who) or "Someone",
        obj._meta.verbose_name,
        format_html("Their saves:<ul>{}</ul>", saves) if later else "",
        format_html("What they changed:{}", revisions.summary_html(differences))
        if differences
        else "",
    )


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    """Who readers see under each page a medical reviewer approves. Kept by site
    administrators (the model's change permission). A reviewer without a profile is credited
    by their account's full name, and told so when they publish."""

    list_display = ["display_name", "qualification", "registration", "user"]
    list_select_related = ["user"]
    search_fields = ["display_name", "qualification", "registration", "user__username"]
    fields = ["user", "display_name", "qualification", "registration", "bio"]

    def has_module_permission(self, request) -> bool:
        return self.has_change_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = reviewers()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def reviewers():
    """Accounts that may publish: medical reviewers and site administrators. A select of
    these few, rather than an autocomplete over every account."""
    roles = [workflow.MEDICAL_REVIEWER, workflow.SITE_ADMINISTRATOR]
    may_publish = get_user_model().objects.filter(
        Q(groups__name__in=roles) | Q(is_superuser=True), is_active=True
    )
    return get_user_model().objects.filter(pk__in=may_publish.values("pk")).order_by("username")
