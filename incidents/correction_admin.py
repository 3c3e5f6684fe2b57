"""The admin pages of corrections: propose a change to a published incident, review it, apply it.

A correction is opened from the incident's Workflow box ("Propose a correction"). Its page shows
one form for everything the public sees of the incident (`incidents.correction_forms`): its own
fields, the public fields of the sources it cites and of the testimony summaries it shows, its
evidence links, and the public note that will say what changed. Nothing public changes while the
proposal is a draft or in review; a second person approves it (`services.correction_approve`), or
returns it with a comment.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from core.admin_history import HistoryAdminMixin
from core.admin_pages import admin_page
from core.admin_queues import WorkItem, WorkQueue
from core.errors import Refused
from incidents import selectors, services
from incidents.correction_forms import CorrectionPage, ReturnForm
from incidents.corrections import describe
from incidents.models import Correction, CorrectionStatus


@admin.register(Correction)
class CorrectionAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ("incident", "status", "proposed_by", "submitted_at", "updated_at")
    list_filter = ("status",)
    search_fields = ("incident__public_id", "incident__title")
    ordering = ("-updated_at", "-id")
    list_select_related = ("incident", "proposed_by")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A correction starts from its incident's Workflow box.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Correction | None = None) -> bool:
        return False

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        # The right to corrections first, so that nobody without it learns which ids exist.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        correction = self.get_object(request, unquote(object_id))
        if correction is None:
            raise Http404("No correction has this id.")
        if not self.has_view_or_change_permission(request, correction):
            raise PermissionDenied
        user = request.user
        editable = (
            correction.status == CorrectionStatus.DRAFT
            and user.has_perm("incidents.change_correction")
            and user.has_perm(services.EDIT_PERMISSION)
        )
        page = CorrectionPage(correction, user=user, admin_site=self.admin_site)
        return_form = ReturnForm()
        if request.method == "POST":
            action = request.POST.get("action", "")
            if action in ("save", "submit") and editable:
                page = CorrectionPage(
                    correction, user=user, admin_site=self.admin_site, data=request.POST
                )
                done = self._save(request, page, submit=action == "submit")
                if done:
                    return done
            elif action in ("approve", "return", "discard"):
                return_form = ReturnForm(request.POST)
                done = self._decide(request, correction, action, return_form, page)
                if done:
                    return done
            else:
                raise PermissionDenied
        return self._render(request, correction, page, return_form, editable)

    def _save(self, request: HttpRequest, page: CorrectionPage, *, submit: bool):
        if not page.is_valid():
            page.errors.append("Nothing was saved: please correct the errors below.")
            return None
        correction = page.correction
        try:
            with transaction.atomic():
                correction = services.correction_save(
                    correction=correction,
                    actor=request.user,
                    version=page.note_form.cleaned_data["version"],
                    proposal=page.proposal(),
                    note=page.note_form.cleaned_data["note"],
                )
                if submit:
                    correction = services.correction_submit(
                        correction=correction, actor=request.user
                    )
        except (ValidationError, Refused) as error:
            page.show(error)
            return None
        if submit:
            done = (
                f"Correction of {correction.incident.public_id} sent to review. The public "
                "record stays as it is until another reviewer approves it."
            )
        else:
            done = "Correction saved as a draft; nothing public has changed."
        self.log_change(request, correction, done)
        messages.success(request, done)
        return HttpResponseRedirect(request.path)

    def _decide(self, request, correction, action, return_form, page):
        incident = correction.incident
        try:
            if action == "approve":
                services.correction_approve(correction=correction, actor=request.user)
                done = (
                    f"Correction applied: the public record of {incident.public_id} shows it now, "
                    "with the public note under “Corrections”."
                )
            elif action == "return":
                if not return_form.is_valid():
                    return None
                services.correction_return(
                    correction=correction,
                    actor=request.user,
                    comment=return_form.cleaned_data["comment"],
                )
                done = "Correction returned to draft with your comment."
            else:
                services.correction_discard(correction=correction, actor=request.user)
                done = "Correction discarded; the public record is unchanged."
        except (ValidationError, Refused) as error:
            page.show(error)
            return None
        self.log_change(request, correction, done)
        messages.success(request, done)
        if action == "approve":
            return HttpResponseRedirect(
                reverse("admin:incidents_incident_change", args=[incident.pk])
            )
        return HttpResponseRedirect(request.path)

    def _render(self, request, correction, page, return_form, editable) -> TemplateResponse:
        user = request.user
        in_review = correction.status == CorrectionStatus.IN_REVIEW
        is_open = correction.status in (CorrectionStatus.DRAFT, CorrectionStatus.IN_REVIEW)
        may_approve = in_review and user.has_perm(services.PUBLISH_PERMISSION)
        context = {
            "title": f"Correction of {correction.incident.public_id}",
            "subtitle": correction.incident.title,
            "correction": correction,
            "incident": correction.incident,
            "incident_url": reverse(
                "admin:incidents_incident_change", args=[correction.incident_id]
            ),
            "page": page,
            "media": self.media + page.media,
            "editable": editable,
            "lines": describe(correction.changes),
            "may_approve": may_approve,
            "own_work": may_approve and services.is_own_work(actor=user, record=correction),
            "may_return": in_review and services.is_reviewer(user),
            "may_discard": is_open
            and (correction.proposed_by_id == user.pk or services.is_reviewer(user)),
            "return_form": return_form,
        }
        return admin_page(self, request, "admin/incidents/correction/change.html", context)

    # -- Work queues on the landing page (see config.admin.StaffAdminSite)

    def work_queues(self, request: HttpRequest) -> list[WorkQueue]:
        if not self.has_view_or_change_permission(request):
            return []
        user = request.user
        changelist = reverse("admin:incidents_correction_changelist")
        queues = []
        if services.is_reviewer(user):
            queues.append(
                self._queue(
                    "Corrections awaiting review",
                    "No correction is waiting for review.",
                    selectors.corrections_awaiting_review(),
                    f"{changelist}?status__exact={CorrectionStatus.IN_REVIEW}",
                    "corrections-review",
                )
            )
        queues.append(
            self._queue(
                "My draft corrections",
                "You have no correction in draft.",
                selectors.corrections_drafted_by(user=user),
                f"{changelist}?status__exact={CorrectionStatus.DRAFT}",
                "corrections-draft",
            )
        )
        return queues

    def _queue(
        self, title: str, empty: str, corrections: QuerySet, more_url: str, slug: str
    ) -> WorkQueue:
        items = [
            WorkItem(
                url=reverse("admin:incidents_correction_change", args=[correction.pk]),
                public_id=correction.incident.public_id,
                title=correction.incident.title,
                status=f"Correction {correction.get_status_display().lower()}",
                updated_at=correction.updated_at,
            )
            for correction in corrections.select_related("incident")[:20]
        ]
        return WorkQueue(title=title, items=items, more_url=more_url, empty_text=empty, slug=slug)
