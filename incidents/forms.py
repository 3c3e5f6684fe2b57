"""Forms of the incident admin: the incident's own form, and one form per workflow step.

Each step's form calls its service in `perform`; the service holds the rule and raises a sentence
the user can act on. `TRANSITIONS` says where the admin offers each step and to whom; the service
still has the final word.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.urls import reverse

from incidents import services
from incidents.models import Incident, PublicationStatus, VerificationStatus

# --- The incident form: help for analysts, and the version it was opened at -------------------


class IncidentAdminForm(forms.ModelForm):
    # The version the user loaded; `services.incident_update` refuses a save from an older one,
    # so two people editing at once cannot silently overwrite each other.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        # No `model` here: the admin builds the real form class with its own field list.
        # Wide single-line fields and shorter text boxes keep the form usable at 1366x768.
        widgets = {
            "title": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "location_name": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "summary": forms.Textarea(attrs={"rows": 6, "class": "vLargeTextField"}),
            "internal_notes": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        }
        help_texts = {
            "incident_type": "The violation, from the controlled list.",
            "location_name": "Village, road or landmark as the sources name it.",
            "latitude": "Decimal degrees, e.g. 48.123456. Fill in both or neither.",
            "longitude": "Decimal degrees, e.g. 37.654321.",
            "geo_precision": "How precisely the place is known; the public never sees it finer.",
            "killed_low": "Lowest figure a credible source gives. Leave blank when unknown.",
            "killed_best": "Your best estimate; between low and high.",
            "killed_high": "Highest figure a credible source gives.",
            "victim_category": "Who the victims were when it happened.",
            "perpetrator_force": "The force responsible, as the sources attribute it.",
            "perpetrator_unit": "The unit, if sources name one.",
            "attribution_confidence": "How sure the attribution is, given the sources.",
            "assigned_to": "Who works on this record next; it appears in their work queue.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["version"] = self.instance.version


# --- Workflow steps: each a form whose `perform` calls a service ------------------------------


def text_box(label: str, help_text: str, *, rows: int = 5, **kwargs) -> forms.CharField:
    """An optional text of a few lines: a comment, a reason, a public note."""
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows, "class": "vLargeTextField"}),
        help_text=help_text,
        **kwargs,
    )


class TransitionForm(forms.Form):
    """The form of one workflow step; `perform` calls the service and returns what happened.

    After it, the user goes back to the incident, or to `next_url` when the step set one.
    """

    intro = ""
    button = ""

    def __init__(self, *args, incident: Incident, **kwargs) -> None:
        self.incident = incident
        self.next_url = ""
        super().__init__(*args, **kwargs)

    def perform(self, *, actor: AbstractBaseUser) -> str:
        raise NotImplementedError


class TextStepForm(TransitionForm):
    """A step that takes one optional text (its only field) and passes it to `service` under the
    field's name, e.g. `comment` to `incident_return_to_draft`."""

    service: Callable[..., Incident]
    done = ""  # what the user is told, with the incident's {public_id}

    def perform(self, *, actor: AbstractBaseUser) -> str:
        incident = self.service(incident=self.incident, actor=actor, **self.cleaned_data)
        return self.done.format(public_id=incident.public_id)


class SubmitForm(TransitionForm):
    def perform(self, *, actor: AbstractBaseUser) -> str:
        incident = services.incident_submit(incident=self.incident, actor=actor)
        return f"{incident.public_id} submitted for review."


class PublishForm(TransitionForm):
    def perform(self, *, actor: AbstractBaseUser) -> str:
        incident = services.incident_publish(incident=self.incident, actor=actor)
        return f"{incident.public_id} published: it is now on the public site and in the API."


class ReturnForm(TextStepForm):
    intro = (
        "The incident goes back to draft. Its author sees your comment on the incident and in "
        "their “Returned to me” queue."
    )
    button = "Return to draft"
    comment = text_box(
        "Comment for the author",
        "Staff only. Say what to change or check before it comes back to review.",
    )
    service = staticmethod(services.incident_return_to_draft)
    done = "{public_id} returned to draft with your comment."


class AssessForm(TransitionForm):
    intro = "Record how well the incident is established. Both fields are public once published."
    button = "Save assessment"
    verification_status = forms.ChoiceField(
        label="Verification status",
        choices=VerificationStatus.choices,
        help_text="Single source: one source. Credible: two or more independent credible "
        "sources. Verified: independently checked (content geolocated or chronolocated, and a "
        "direct witness). Acknowledged: the responsible party or an official investigation "
        "accepts it.",
    )
    rationale = text_box(
        "Public rationale",
        "Public. Which sources support this status and what was checked. Never name "
        "or hint at a witness.",
    )

    def __init__(self, *args, incident: Incident, **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {
                "verification_status": incident.verification_status,
                "rationale": incident.verification_rationale,
            },
        )
        super().__init__(*args, incident=incident, **kwargs)

    def perform(self, *, actor: AbstractBaseUser) -> str:
        incident = services.incident_assess(
            incident=self.incident,
            actor=actor,
            verification_status=self.cleaned_data["verification_status"],
            rationale=self.cleaned_data["rationale"],
        )
        return (
            f"{incident.public_id} assessed as "
            f"{incident.get_verification_status_display().lower()}."
        )


class WithdrawForm(TextStepForm):
    intro = (
        "The incident leaves the public site and the API lists; its public id stays, with the "
        "reason, so that partners who copied it learn why."
    )
    button = "Withdraw"
    reason = text_box(
        "Public reason", "Public: shown with the withdrawn record and sent to partners."
    )
    service = staticmethod(services.incident_withdraw)
    done = "{public_id} withdrawn."


class RepublishForm(TextStepForm):
    intro = (
        "The incident returns to the public site and the API as it was published; its "
        "correction log shows when it was withdrawn and why, and your note on why it is back. "
        "If it needs changes, propose a correction once it is republished."
    )
    button = "Republish"
    note = text_box("Public note", "Public: one sentence on why the record is back.")
    service = staticmethod(services.incident_republish)
    done = "{public_id} republished: it is on the public site and in the API again."


class CorrectForm(TransitionForm):
    """Opens the incident's correction: the one in progress, or a new draft."""

    def perform(self, *, actor: AbstractBaseUser) -> str:
        correction = services.open_correction(self.incident)
        done = "Continue the correction in progress."
        if correction is None:
            correction = services.correction_start(incident=self.incident, actor=actor)
            done = (
                "Correction started. Change what is wrong and write the public note; the public "
                "record stays as it is until a second person approves it."
            )
        self.next_url = reverse("admin:incidents_correction_change", args=[correction.pk])
        return done


class MergeForm(TransitionForm):
    intro = (
        "Use this when another record describes the same event. The record that stays gains "
        "this incident's evidence (through a reviewed correction if it is published), and this "
        "one is withdrawn. The public learns where it went only once the record that stays is "
        "published."
    )
    button = "Merge"
    survivor = forms.CharField(
        label="Public id of the incident that stays",
        max_length=20,
        help_text="e.g. INC-7K3Q9X2M, as shown on that record.",
        error_messages={
            "required": "Enter the public id of the incident that stays, e.g. INC-7K3Q9X2M."
        },
    )

    def clean_survivor(self) -> str:
        public_id = self.cleaned_data["survivor"].strip().upper()
        self.survivor = Incident.objects.filter(public_id=public_id).first()
        if self.survivor is None:
            raise ValidationError(
                f"No incident has the public id {public_id}. Copy it from the record that stays."
            )
        return public_id

    def perform(self, *, actor: AbstractBaseUser) -> str:
        survivor = services.incident_merge(
            duplicate=self.incident, survivor=self.survivor, actor=actor
        )
        return f"{self.incident.public_id} merged into {survivor.public_id}."


@dataclass(frozen=True)
class Transition:
    label: str
    permission: str
    # Where the button is offered; the service has the final word on every rule.
    offered_in: tuple[str, ...]
    form_class: type[TransitionForm]
    # A plain POST button on the change page rather than a page with a form.
    button_only: bool = False


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(
        "Submit for review",
        services.EDIT_PERMISSION,
        (PublicationStatus.DRAFT,),
        SubmitForm,
        button_only=True,
    ),
    "assess": Transition(
        "Assess", services.REVIEW_PERMISSION, (PublicationStatus.IN_REVIEW,), AssessForm
    ),
    "publish": Transition(
        "Publish",
        services.PUBLISH_PERMISSION,
        (PublicationStatus.IN_REVIEW,),
        PublishForm,
        button_only=True,
    ),
    "return": Transition(
        "Return to draft", services.REVIEW_PERMISSION, (PublicationStatus.IN_REVIEW,), ReturnForm
    ),
    "withdraw": Transition(
        "Withdraw", services.PUBLISH_PERMISSION, (PublicationStatus.PUBLISHED,), WithdrawForm
    ),
    "republish": Transition(
        "Republish", services.PUBLISH_PERMISSION, (PublicationStatus.WITHDRAWN,), RepublishForm
    ),
    "correct": Transition(
        "Propose a correction",
        services.EDIT_PERMISSION,
        (PublicationStatus.PUBLISHED,),
        CorrectForm,
        button_only=True,
    ),
    "merge": Transition(
        "Merge",
        services.PUBLISH_PERMISSION,
        (PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW, PublicationStatus.PUBLISHED),
        MergeForm,
    ),
}
