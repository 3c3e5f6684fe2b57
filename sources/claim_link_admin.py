"""The claim's incidents page in the admin: the register's published incidents in the claim's
scope, each with a tick box, a relation and a note, and the incidents already linked.

Ticking links an incident (as counted, unless another relation is chosen), unticking removes
its link; every change is a call to `sources.services.claim_incident_*`, which hold the rules.
A refusal goes on the incident's row in words, and nothing of that save is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from core.admin_pages import admin_page
from core.errors import Refused
from incidents.demo_markers import FICTIONAL
from incidents.models import Incident, PublicationStatus
from sources import services
from sources.models import Claim, ClaimIncident, ClaimRelation
from sources.selectors import incidents_in_claim_scope

EDIT_PERMISSION = "sources.change_claim"
# A claim on the whole country over years may take in thousands of incidents: the page lists
# this many, and says to narrow the claim's scope for the rest.
MOST_SHOWN = 300


class ClaimIncidentRowForm(forms.Form):
    """One incident's row: linked or not, how it relates to the claim, and why."""

    linked = forms.BooleanField(required=False, label="Linked")
    # Not required: the row of an incident that came into scope after the page was opened is
    # not in the form, and stays unlinked.
    relation = forms.ChoiceField(
        choices=ClaimRelation.choices,
        initial=ClaimRelation.COUNTED,
        required=False,
        label="Relation",
    )

    def clean_relation(self) -> str:
        return self.cleaned_data["relation"] or ClaimRelation.COUNTED

    note = forms.CharField(required=False, label="Note", widget=forms.TextInput(attrs={"size": 40}))


@dataclass
class Row:
    incident: Incident
    link: ClaimIncident | None
    in_scope: bool
    form: ClaimIncidentRowForm
    errors: list[str] = field(default_factory=list)

    @property
    def marks(self) -> list[str]:
        marks = []
        if not self.in_scope:
            marks.append("out of the claim's scope")
        if self.incident.publication_status != PublicationStatus.PUBLISHED:
            marks.append(self.incident.get_publication_status_display().lower())
        if self.incident.summary.startswith(FICTIONAL):
            marks.append("fictional demo record")
        return marks


def _rows(claim: Claim, data=None) -> tuple[list[Row], bool]:
    links = {
        link.incident_id: link
        for link in claim.incident_links.select_related(
            "incident__region", "incident__incident_type"
        )
    }
    in_scope = list(incidents_in_claim_scope(claim)[: MOST_SHOWN + 1])
    more = len(in_scope) > MOST_SHOWN
    in_scope = in_scope[:MOST_SHOWN]
    scope_ids = {incident.pk for incident in in_scope}
    linked_elsewhere = [link.incident for pk, link in links.items() if pk not in scope_ids]
    rows = []
    for incident in [*sorted(linked_elsewhere, key=lambda i: (i.date_start, i.pk)), *in_scope]:
        link = links.get(incident.pk)
        initial = (
            {"linked": True, "relation": link.relation, "note": link.note}
            if link
            else {"linked": False, "relation": ClaimRelation.COUNTED, "note": ""}
        )
        form = ClaimIncidentRowForm(data, prefix=f"incident-{incident.pk}", initial=initial)
        rows.append(Row(incident, link, incident.pk in scope_ids, form))
    return rows, more


class _Refusals(Exception):
    """Raised out of the save's transaction so that none of its changes is kept."""


def _save(rows: list[Row], claim: Claim, actor) -> int:
    """Apply the ticked rows through the services; the number of links changed, or -1 when a
    row was refused (each refusal on its row) and nothing was kept."""
    changed = 0
    try:
        with transaction.atomic():
            for row in rows:
                try:
                    changed += _apply(row, claim, actor)
                except Refused as error:
                    row.errors.append(str(error))
                except ValidationError as error:
                    row.errors.extend(error.messages)
            if any(row.errors for row in rows):
                raise _Refusals
    except _Refusals:
        return -1
    return changed


def _apply(row: Row, claim: Claim, actor) -> int:
    data = row.form.cleaned_data
    if data["linked"] and row.link is None:
        services.claim_incident_link(
            claim=claim,
            incident=row.incident,
            actor=actor,
            relation=data["relation"],
            note=data["note"],
        )
    elif data["linked"] and (
        row.link.relation != data["relation"] or row.link.note != data["note"].strip()
    ):
        services.claim_incident_update(
            link=row.link, actor=actor, relation=data["relation"], note=data["note"]
        )
    elif not data["linked"] and row.link is not None:
        services.claim_incident_unlink(link=row.link, actor=actor)
    else:
        return 0
    return 1


def claim_incidents_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    # The right before the record: whoever may not edit claims learns nothing from the address.
    if not request.user.has_perm(EDIT_PERMISSION):
        raise PermissionDenied
    claim = model_admin.get_object(request, unquote(object_id))
    if claim is None:
        raise Http404("No claim has this id.")
    change_url = reverse(
        "admin:sources_claim_change",
        args=[quote(claim.pk)],
        current_app=model_admin.admin_site.name,
    )
    refusal = services.claim_linking_refusal(claim=claim, actor=request.user)
    if request.method == "POST" and refusal is None:
        rows, more = _rows(claim, request.POST)
        if all(row.form.is_valid() for row in rows):
            changed = _save(rows, claim, request.user)
            if changed >= 0:
                if changed:
                    model_admin.log_change(request, claim, "Changed its links to incidents.")
                messages.success(
                    request,
                    f"{claim.public_id}: {changed} link{'s' if changed != 1 else ''} to "
                    "incidents changed."
                    if changed
                    else f"{claim.public_id}: nothing changed.",
                )
                return HttpResponseRedirect(request.path)
    else:
        if request.method == "POST":
            messages.error(request, refusal)
        rows, more = _rows(claim)
    context = {
        "title": f"Incidents of {claim.public_id}",
        "claim": claim,
        "rows": rows,
        "more": more,
        "most_shown": MOST_SHOWN,
        "refusal": refusal,
        "change_url": change_url,
        "has_errors": any(row.errors or row.form.errors for row in rows),
    }
    return admin_page(model_admin, request, "admin/sources/claim/incidents.html", context)
