"""The incident's workflow in the admin: the Workflow box and step pages, and the work queues.

On the incident's change page a "Workflow" box shows the status, what is missing and the steps
the user may take (submit, assess, publish, return, withdraw, republish, merge, propose a
correction). Each step is a small view under `<pk>/transition/<name>/` whose form
(`incidents.forms`) calls the matching function in `incidents.services`.

The staff landing page (`config.admin.StaffAdminSite`) shows each person's work queues, read
through `incidents.selectors`; `WorkQueueFilter` is the full changelist behind each of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.urls import path, reverse

from core.admin_pages import admin_page
from core.admin_queues import WorkItem, WorkQueue
from incidents import selectors, services
from incidents.forms import TRANSITIONS
from incidents.models import Incident, PublicationStatus
from incidents.services import TransitionError, editing_refusal, missing_for_submission

# --- Who may edit what ------------------------------------------------------------------------


def status_allows_editing(user: AbstractBaseUser, incident: Incident) -> bool:
    """Whether the services would let `user` change the incident's content and evidence links
    now (drafts: editors; in review: reviewers; published and withdrawn: nobody directly)."""
    return editing_refusal(incident=incident, actor=user) is None


def why_read_only(incident: Incident, user: AbstractBaseUser) -> str:
    return editing_refusal(incident=incident, actor=user) or (
        "You may view this incident but not change it."
    )


# --- Work queues: the landing page's tables and the matching changelist filter ---------------


@dataclass(frozen=True)
class _Queue:
    title: str
    empty_text: str
    # The queue's incidents among those given (the admin's own queryset), in the order they wait.
    select: Callable[[QuerySet, AbstractBaseUser], QuerySet]
    for_reviewers: bool = False

    def visible_to(self, user: AbstractBaseUser) -> bool:
        return not self.for_reviewers or user.has_perm(services.REVIEW_PERMISSION)


WORK_QUEUES: dict[str, _Queue] = {
    "assigned": _Queue(
        "Assigned to me",
        "Nothing is assigned to you.",
        lambda incidents, user: selectors.incidents_assigned_to(incidents, user=user),
    ),
    "review": _Queue(
        "Awaiting review",
        "Nothing is waiting for review.",
        lambda incidents, user: selectors.incidents_awaiting_review(incidents),
        for_reviewers=True,
    ),
    "returned": _Queue(
        "Returned to me",
        "Nothing has been returned to you.",
        lambda incidents, user: selectors.incidents_returned_to(incidents, user=user),
    ),
}

WORK_QUEUE_LENGTH = 20


class WorkQueueFilter(admin.SimpleListFilter):
    """The full list behind each table of the landing page, e.g. ?queue=returned."""

    title = "work queue"
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [
            (slug, queue.title)
            for slug, queue in WORK_QUEUES.items()
            if queue.visible_to(request.user)
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet | None:
        if not self.value():
            return None
        queue = WORK_QUEUES.get(self.value())
        if queue is None or not queue.visible_to(request.user):
            return queryset.none()
        return queue.select(queryset, request.user)


class IncidentWorkflowMixin:
    """For the incident's ModelAdmin: the Workflow box, the step pages and the work queues."""

    # -- The workflow box on the change page

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict,
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Incident | None = None,
    ) -> HttpResponse:
        if obj is not None:
            context["workflow"] = self._workflow(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _transition_url(self, incident: Incident, name: str) -> str:
        return reverse(
            "admin:incidents_incident_transition",
            args=[quote(incident.pk), name],
            current_app=self.admin_site.name,
        )

    def _change_url(self, incident: Incident) -> str:
        return reverse(
            "admin:incidents_incident_change",
            args=[quote(incident.pk)],
            current_app=self.admin_site.name,
        )

    def _workflow(self, request: HttpRequest, incident: Incident) -> dict:
        user = request.user
        status = incident.publication_status
        is_draft = status == PublicationStatus.DRAFT
        actions = [
            {
                "name": name,
                "label": transition.label,
                "url": self._transition_url(incident, name),
                "button_only": transition.button_only,
            }
            for name, transition in TRANSITIONS.items()
            if status in transition.offered_in
            and incident.duplicate_of_id is None
            and user.has_perm(transition.permission)
        ]
        correction = (
            services.open_correction(incident) if status == PublicationStatus.PUBLISHED else None
        )
        if correction is not None:
            for action in actions:
                if action["name"] == "correct":
                    action["label"] = "Continue the correction"
        notes = []
        if not status_allows_editing(user, incident):
            notes.append(why_read_only(incident, user))
            if self.has_change_permission(request, incident):
                notes.append("Internal notes and the assignment can still be changed here.")
        elif status == PublicationStatus.IN_REVIEW:
            notes.append(
                "Saving changes here makes you its last editor; another reviewer then has to "
                "publish it (four eyes)."
            )
        elif any(action["name"] == "submit" for action in actions):
            notes.append("Submitting sends what is saved: save your changes first.")
        if any(
            action["name"] in ("publish", "republish") for action in actions
        ) and services.is_own_work(actor=user, record=incident):
            notes.append(
                "You created or last edited this incident, so another reviewer has to publish it "
                "(four eyes)."
            )
        return {
            "status": incident.get_publication_status_display(),
            "verification": incident.get_verification_status_display(),
            "returned_comment": (
                incident.review_comment if is_draft and incident.returned_at else ""
            ),
            "returned_at": incident.returned_at,
            "is_draft": is_draft,
            "missing": missing_for_submission(incident) if is_draft else [],
            "duplicate_of": incident.duplicate_of,
            "duplicate_of_url": (
                self._change_url(incident.duplicate_of) if incident.duplicate_of_id else ""
            ),
            "correction": correction,
            "correction_url": (
                reverse("admin:incidents_correction_change", args=[correction.pk])
                if correction is not None
                else ""
            ),
            "actions": actions,
            "notes": notes,
        }

    # -- Workflow steps

    def get_urls(self) -> list:
        transition = path(
            "<path:object_id>/transition/<str:name>/",
            self.admin_site.admin_view(self.transition_view),
            name="incidents_incident_transition",
        )
        # Before the defaults: their "<path:object_id>/" catch-all would swallow it.
        return [transition, *super().get_urls()]

    def transition_view(self, request: HttpRequest, object_id: str, name: str) -> HttpResponse:
        transition = TRANSITIONS.get(name)
        if transition is None:
            raise Http404(f"There is no workflow step called “{name}”.")
        if not request.user.has_perm(transition.permission):
            raise PermissionDenied
        incident = self.get_object(request, unquote(object_id))
        if incident is None:
            raise Http404("No incident has this id.")
        change_url = self._change_url(incident)

        if request.method != "POST":
            if transition.button_only:
                return HttpResponseNotAllowed(["POST"])
            form = transition.form_class(incident=incident)
        else:
            form = transition.form_class(request.POST, incident=incident)
            if form.is_valid():
                try:
                    done = form.perform(actor=request.user)
                except TransitionError as error:
                    if transition.button_only:
                        messages.error(request, str(error))
                        return HttpResponseRedirect(change_url)
                    form.add_error(None, str(error))
                else:
                    self.log_change(request, incident, done)
                    messages.success(request, done)
                    return HttpResponseRedirect(form.next_url or change_url)

        context = {
            "title": f"{transition.label}: {incident.public_id}",
            "subtitle": incident.title,
            "incident": incident,
            "transition": transition,
            "form": form,
            "change_url": change_url,
        }
        return admin_page(self, request, "admin/incidents/incident/transition.html", context)

    # -- Work queues on the landing page (see config.admin.StaffAdminSite)

    def work_queues(self, request: HttpRequest) -> list[WorkQueue]:
        if not self.has_view_or_change_permission(request):
            return []
        changelist = reverse(
            "admin:incidents_incident_changelist", current_app=self.admin_site.name
        )
        queues = []
        for slug, queue in WORK_QUEUES.items():
            if not queue.visible_to(request.user):
                continue
            incidents = queue.select(self.get_queryset(request), request.user).only(
                "pk", "public_id", "title", "publication_status", "updated_at"
            )[:WORK_QUEUE_LENGTH]
            items = [
                WorkItem(
                    url=self._change_url(incident),
                    public_id=incident.public_id,
                    title=incident.title,
                    status=incident.get_publication_status_display(),
                    updated_at=incident.updated_at,
                )
                for incident in incidents
            ]
            queues.append(
                WorkQueue(
                    title=queue.title,
                    items=items,
                    more_url=f"{changelist}?{WorkQueueFilter.parameter_name}={slug}",
                    empty_text=queue.empty_text,
                    slug=slug,
                )
            )
        return queues
