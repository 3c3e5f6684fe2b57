"""Every write to claims (organisations' reported figures) goes through these functions.

Claims follow the incidents' review: an analyst writes a draft, submits it, a reviewer returns it
with a comment or publishes it, and a published claim can be withdrawn with a public reason.
The rules are the incidents' rules (`incidents.services`): editing follows the status (drafts
by editors, claims in review by reviewers, published and withdrawn claims keep their content,
their internal notes excepted), four eyes (`is_own_work`: never published by the person who
created it or last changed its content), and no lost updates (a form opened at an older version
is refused). Each function is keyword-only and atomic, locks the claim, and refuses with a
sentence (`ClaimRefused`) or a `ValidationError` on the field that is wrong.

The links from a claim to the register's incidents it counts (`claim_incident_link`, `_update`,
`_unlink`) follow the claim's editing rule, and join only published incidents, never a real
record to a fictional one.

Corrections of published claims are not built yet: until they are, a published claim changes
only by being withdrawn, and its links stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.errors import Refused
from incidents.demo_markers import FICTIONAL, FICTIONAL_URL
from incidents.models import Incident, IncidentType, PublicationStatus
from incidents.services import is_own_work
from incidents.services.rules import locked, save_version
from sources.models import Claim, ClaimIncident, ClaimIncidentType, ClaimRelation

ADD_CLAIM_PERMISSION = "sources.add_claim"
EDIT_CLAIM_PERMISSION = "sources.change_claim"
REVIEW_CLAIM_PERMISSION = "sources.review_claim"
PUBLISH_CLAIM_PERMISSION = "sources.publish_claim"

# What the claim form writes. Content is what the public will see of a published claim; the
# internal notes never reach the public, so staff change them in every status.
CLAIM_CONTENT_FIELDS = (
    "source",
    "period_start",
    "period_start_precision",
    "period_end",
    "period_end_precision",
    "region",
    "incident_types",
    "victim_category",
    "counted",
    "qualifier",
    "figure_low",
    "figure_best",
    "figure_high",
    "as_of",
    "method",
    "quotation",
    "quotation_language",
    "is_public",
)
CLAIM_STAFF_FIELDS = ("internal_notes",)
CLAIM_FIELDS = (*CLAIM_CONTENT_FIELDS, *CLAIM_STAFF_FIELDS)


class ClaimRefused(Refused):
    """A claim's workflow step or edit that is not allowed now; the message says why."""


# --- Rules ------------------------------------------------------------------------------------


def _require(actor: AbstractBaseUser, permission: str, doing: str) -> None:
    if not actor.has_perm(permission):
        raise ClaimRefused(f"You do not have permission to {doing}.")


def _require_status(claim: Claim, *allowed: str, doing: str) -> None:
    if claim.publication_status not in allowed:
        names = " or ".join(PublicationStatus(status).label.lower() for status in allowed)
        raise ClaimRefused(
            f"Only a claim that is {names} can be {doing}; {claim.public_id} is "
            f"{claim.get_publication_status_display().lower()}."
        )


def claim_editing_refusal(
    *, claim: Claim, actor: AbstractBaseUser, content: bool = True
) -> str | None:
    """Why `actor` may not change the claim's content (or, with content=False, its internal
    notes) now; None when they may. The admin shows the same sentence."""
    if not actor.has_perm(EDIT_CLAIM_PERMISSION):
        return "You may view this claim but not change it."
    status = claim.publication_status
    if status == PublicationStatus.IN_REVIEW and not actor.has_perm(REVIEW_CLAIM_PERMISSION):
        return (
            "Only reviewers can change a claim in review; if it needs your changes, ask one to "
            "return it to draft."
        )
    if not content or status in (PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW):
        return None
    if status == PublicationStatus.PUBLISHED:
        return (
            f"{claim.public_id} is published, so its content stays as it was published; only "
            "its internal notes can change. If it is wrong, a reviewer can withdraw it."
        )
    return f"{claim.public_id} is withdrawn: its record stays as it was."


def claim_missing_for_submission(claim: Claim) -> list[str]:
    """What a claim still lacks before it can go to review, as phrases for a message."""
    missing = []
    if claim.period_start is None:
        missing.append("the start of the period it covers")
    if claim.as_of is None:
        missing.append("the date it is as of")
    if not claim.method.strip():
        missing.append("the method, in the source's words")
    if not claim.quotation.strip():
        missing.append("a quotation from the source")
    return missing


def _check_version(current: Claim, version: int | None) -> None:
    if version is None:
        raise ClaimRefused(
            "This form does not say which version of the claim you opened: reload the page and "
            "apply your changes again."
        )
    if version != current.version:
        when = timezone.localtime(current.updated_at).strftime("%H:%M")
        raise ClaimRefused(
            f"{current.public_id} was changed at {when} after you opened it. Your changes were "
            "not saved, so the other change is kept: reload the page and apply yours again."
        )


def _check_fields(data: Mapping[str, Any]) -> None:
    unknown = sorted(set(data) - set(CLAIM_FIELDS))
    if unknown:
        # A programming error, not a user's: the caller passed a field no form offers.
        raise ValueError(f"Not editable here: {', '.join(unknown)}.")


def _same(record: Claim, name: str, value: Any) -> bool:
    if name == "incident_types":
        return set(_type_ids(value)) == set(_type_ids(record.incident_types.all()))
    field = Claim._meta.get_field(name)
    if field.is_relation:
        current = getattr(record, field.attname)
        return current == (value.pk if value is not None and hasattr(value, "pk") else value)
    return getattr(record, name) == value


def _type_ids(types: Iterable[IncidentType | int]) -> list[int]:
    return [t.pk if isinstance(t, IncidentType) else int(t) for t in types]


def _apply(claim: Claim, data: Mapping[str, Any]) -> None:
    for name, value in data.items():
        if name == "incident_types":
            continue
        field = Claim._meta.get_field(name)
        if field.is_relation:
            setattr(claim, field.attname, value.pk if hasattr(value, "pk") else value)
        else:
            setattr(claim, name, value)


def _set_types(claim: Claim, types: Iterable[IncidentType | int]) -> None:
    wanted = set(_type_ids(types))
    have = set(claim.type_links.values_list("incident_type_id", flat=True))
    # Row by row, so that each link and unlink is in the history.
    for link in claim.type_links.filter(incident_type_id__in=have - wanted):
        link.delete()
    for type_id in sorted(wanted - have):
        ClaimIncidentType.objects.create(claim=claim, incident_type_id=type_id)


def _clean(claim: Claim) -> None:
    # A text of spaces is no quotation: store it empty, so the language rule reads it so too.
    for name in ("method", "quotation", "internal_notes"):
        setattr(claim, name, getattr(claim, name).strip())
    claim.full_clean()


# --- Writing ----------------------------------------------------------------------------------


@transaction.atomic
def claim_create(*, actor: AbstractBaseUser, data: Mapping[str, Any]) -> Claim:
    """A new draft claim, written by `actor`."""
    _require(actor, ADD_CLAIM_PERMISSION, "add claims")
    _check_fields(data)
    claim = Claim(created_by=actor, last_edited_by=actor)
    _apply(claim, data)
    _clean(claim)
    claim.save()
    if data.get("incident_types"):
        _set_types(claim, data["incident_types"])
    return claim


@transaction.atomic
def claim_update(
    *, claim: Claim, actor: AbstractBaseUser, version: int | None, data: Mapping[str, Any]
) -> Claim:
    """Save changes to a claim, refusing a stale form. A change of content makes `actor` the
    last editor, whom four eyes then keeps from publishing it."""
    _require(actor, EDIT_CLAIM_PERMISSION, "edit claims")
    current = locked(claim)
    _check_version(current, version)
    _check_fields(data)
    changed = {name: value for name, value in data.items() if not _same(current, name, value)}
    content = [name for name in changed if name in CLAIM_CONTENT_FIELDS]
    refusal = claim_editing_refusal(claim=current, actor=actor, content=bool(content))
    if refusal:
        raise ClaimRefused(refusal)
    _apply(current, changed)
    _clean(current)
    fields = [name for name in changed if name != "incident_types"]
    if "incident_types" in changed:
        _set_types(current, changed["incident_types"])
    if content:
        current.last_edited_by = actor
        fields.append("last_edited_by")
    # The stripped texts are saved as cleaned, whether or not the form changed them.
    return save_version(current, [*fields, "method", "quotation", "internal_notes"])


# --- The review workflow ----------------------------------------------------------------------


@transaction.atomic
def claim_submit_for_review(*, claim: Claim, actor: AbstractBaseUser) -> Claim:
    """Send a draft claim to review."""
    claim = locked(claim)
    _require(actor, EDIT_CLAIM_PERMISSION, "submit claims for review")
    _require_status(claim, PublicationStatus.DRAFT, doing="submitted for review")
    missing = claim_missing_for_submission(claim)
    if missing:
        raise ClaimRefused(
            f"{claim.public_id} cannot go to review yet: it needs {', '.join(missing)}."
        )
    claim.publication_status = PublicationStatus.IN_REVIEW
    claim.submitted_at = timezone.now()
    claim.last_edited_by = actor
    return save_version(claim, ["publication_status", "submitted_at", "last_edited_by"])


@transaction.atomic
def claim_return_to_draft(*, claim: Claim, actor: AbstractBaseUser, comment: str) -> Claim:
    """Send a claim in review back to its author, saying what to change."""
    claim = locked(claim)
    _require(actor, REVIEW_CLAIM_PERMISSION, "return claims to draft")
    _require_status(claim, PublicationStatus.IN_REVIEW, doing="returned to draft")
    if not comment.strip():
        raise ValidationError(
            {"comment": "Say what needs to change: a comment is required to return it."}
        )
    claim.publication_status = PublicationStatus.DRAFT
    claim.review_comment = comment.strip()
    claim.returned_at = timezone.now()
    claim.reviewed_by = actor
    return save_version(
        claim, ["publication_status", "review_comment", "returned_at", "reviewed_by"]
    )


@transaction.atomic
def claim_publish(*, claim: Claim, actor: AbstractBaseUser) -> Claim:
    """Publish a claim in review. Four eyes: never by its creator or its last editor."""
    claim = locked(claim)
    _require(actor, PUBLISH_CLAIM_PERMISSION, "publish claims")
    _require_status(claim, PublicationStatus.IN_REVIEW, doing="published")
    if is_own_work(actor=actor, record=claim):
        raise ClaimRefused(
            "Four eyes: you created or last edited this claim, so another reviewer must publish it."
        )
    claim.publication_status = PublicationStatus.PUBLISHED
    claim.published_at = timezone.now()
    claim.reviewed_by = actor
    return save_version(claim, ["publication_status", "published_at", "reviewed_by"])


@transaction.atomic
def claim_withdraw(*, claim: Claim, actor: AbstractBaseUser, reason: str) -> Claim:
    """Take a published claim down with a public reason; the record and its id stay.

    One reviewer may do it alone, as for incidents: it takes words off the public record.
    """
    claim = locked(claim)
    _require(actor, PUBLISH_CLAIM_PERMISSION, "withdraw claims")
    _require_status(claim, PublicationStatus.PUBLISHED, doing="withdrawn")
    if not reason.strip():
        raise ValidationError({"reason": "Give the public reason for withdrawing it."})
    claim.publication_status = PublicationStatus.WITHDRAWN
    claim.withdrawn_at = timezone.now()
    claim.withdrawal_reason = reason.strip()
    return save_version(claim, ["publication_status", "withdrawn_at", "withdrawal_reason"])


# --- Links to the register's incidents --------------------------------------------------------


def claim_linking_refusal(*, claim: Claim, actor: AbstractBaseUser) -> str | None:
    """Why `actor` may not link incidents to the claim, or change or remove its links, now;
    None when they may. Links follow the claim's content: drafts by its editors, claims in
    review by reviewers; the admin shows the same sentence."""
    if claim.publication_status in (PublicationStatus.PUBLISHED, PublicationStatus.WITHDRAWN):
        return (
            f"{claim.public_id} is {claim.get_publication_status_display().lower()}, so its links "
            "to incidents stay as they are: they will change through a correction, which is not "
            "built yet for claims."
        )
    return claim_editing_refusal(claim=claim, actor=actor)


def _is_fictional_claim(claim: Claim) -> bool:
    return claim.source.url.startswith(FICTIONAL_URL)


def _is_fictional_incident(incident: Incident) -> bool:
    return incident.summary.startswith(FICTIONAL)


def _require_linkable(claim: Claim, actor: AbstractBaseUser) -> None:
    refusal = claim_linking_refusal(claim=claim, actor=actor)
    if refusal:
        raise ClaimRefused(refusal)


@transaction.atomic
def claim_incident_link(
    *,
    claim: Claim,
    incident: Incident,
    actor: AbstractBaseUser,
    relation: str = ClaimRelation.COUNTED,
    note: str = "",
) -> ClaimIncident:
    """Link a published incident of the register to a draft claim or one in review."""
    claim = Claim.objects.select_for_update().select_related("source").get(pk=claim.pk)
    _require_linkable(claim, actor)
    incident = Incident.objects.get(pk=incident.pk)
    if incident.publication_status != PublicationStatus.PUBLISHED:
        raise ValidationError(
            {
                "incident": f"{incident.public_id} is not published: a claim is compared only "
                "with the register's published incidents."
            }
        )
    if _is_fictional_claim(claim) != _is_fictional_incident(incident):
        raise ValidationError(
            {
                "incident": f"{incident.public_id} is a fictional demo record and "
                f"{claim.public_id} is not (or the reverse): real and fictional records are "
                "never linked."
            }
        )
    if ClaimIncident.objects.filter(claim=claim, incident=incident).exists():
        raise ValidationError(
            {"incident": f"{incident.public_id} is already linked to {claim.public_id}."}
        )
    link = ClaimIncident(
        claim=claim, incident=incident, relation=relation, note=note.strip(), linked_by=actor
    )
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def claim_incident_update(
    *, link: ClaimIncident, actor: AbstractBaseUser, relation: str, note: str
) -> ClaimIncident:
    """Change how a linked incident relates to its claim, and the note saying why."""
    claim = Claim.objects.select_for_update().get(pk=link.claim_id)
    _require_linkable(claim, actor)
    link = ClaimIncident.objects.select_for_update().get(pk=link.pk)
    if link.relation == relation and link.note == note.strip():
        return link
    link.relation = relation
    link.note = note.strip()
    link.full_clean()
    link.save(update_fields=["relation", "note", "updated_at"])
    return link


@transaction.atomic
def claim_incident_unlink(*, link: ClaimIncident, actor: AbstractBaseUser) -> None:
    """Remove an incident's link to a claim; the history keeps it."""
    claim = Claim.objects.select_for_update().get(pk=link.claim_id)
    _require_linkable(claim, actor)
    ClaimIncident.objects.filter(pk=link.pk).delete()
