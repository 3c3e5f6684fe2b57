"""The claim's admin: its form, its Workflow box and step pages, and its list on the source.

Every save and step is a call to `sources.claim_services` (through `sources.services`): the
form's trial run puts a refusal on the field it concerns (`core.admin_services`), and each step
page calls its service and shows its refusal in words. This module only greys out what the
services would refuse anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from core.admin_history import HistoryAdminMixin
from core.admin_pages import admin_page
from core.admin_services import ServiceAdminMixin, add_refusal
from core.errors import Refused
from incidents.forms import text_box
from incidents.models import IncidentType, PublicationStatus
from incidents.services import is_own_work
from sources import services
from sources.claim_link_admin import claim_incidents_view
from sources.models import Claim

EDIT_PERMISSION = "sources.change_claim"

# --- The claim's form -------------------------------------------------------------------------


class ClaimAdminForm(forms.ModelForm):
    # The version the user loaded; `claim_update` refuses a save from an older one.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The incident types are links of their own (kept in the history one by one), so the admin
    # cannot offer the many-to-many field itself; this field is written by the service.
    types = forms.ModelMultipleChoiceField(
        label="Incident types",
        queryset=IncidentType.objects.order_by("name_en"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="The kinds of incident the claim counts.",
    )

    class Meta:
        widgets = {
            "method": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
            "quotation": forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"}),
            "internal_notes": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["version"] = self.instance.version
            if "types" in self.fields:
                self.initial["types"] = list(self.instance.incident_types.all())


# --- Workflow steps ---------------------------------------------------------------------------


class ClaimStepForm(forms.Form):
    """The form of one step; `perform` calls the service and returns what to tell the user."""

    intro = ""
    button = ""

    def __init__(self, *args, claim: Claim, **kwargs) -> None:
        self.claim = claim
        super().__init__(*args, **kwargs)

    def perform(self, *, actor: AbstractBaseUser) -> str:
        raise NotImplementedError


class SubmitClaimForm(ClaimStepForm):
    def perform(self, *, actor: AbstractBaseUser) -> str:
        claim = services.claim_submit_for_review(claim=self.claim, actor=actor)
        return f"{claim.public_id} submitted for review."


class PublishClaimForm(ClaimStepForm):
    def perform(self, *, actor: AbstractBaseUser) -> str:
        claim = services.claim_publish(claim=self.claim, actor=actor)
        return f"{claim.public_id} published."


class ReturnClaimForm(ClaimStepForm):
    intro = "The claim goes back to draft, with your comment for its author."
    button = "Return to draft"
    comment = text_box(
        "Comment for the author",
        "Staff only. Say what to change or check before it comes back to review.",
    )

    def perform(self, *, actor: AbstractBaseUser) -> str:
        claim = services.claim_return_to_draft(
            claim=self.claim, actor=actor, comment=self.cleaned_data["comment"]
        )
        return f"{claim.public_id} returned to draft with your comment."


class WithdrawClaimForm(ClaimStepForm):
    intro = "The claim is withdrawn; its public id stays, with the reason."
    button = "Withdraw"
    reason = text_box("Public reason", "Public: shown with the withdrawn claim.")

    def perform(self, *, actor: AbstractBaseUser) -> str:
        claim = services.claim_withdraw(
            claim=self.claim, actor=actor, reason=self.cleaned_data["reason"]
        )
        return f"{claim.public_id} withdrawn."


@dataclass(frozen=True)
class ClaimStep:
    label: str
    permission: str
    # Where the button is offered; the service has the final word on every rule.
    offered_in: tuple[str, ...]
    form_class: type[ClaimStepForm]
    # A plain POST button on the change page rather than a page with a form.
    button_only: bool = False


CLAIM_STEPS: dict[str, ClaimStep] = {
    "submit": ClaimStep(
        "Submit for review",
        EDIT_PERMISSION,
        (PublicationStatus.DRAFT,),
        SubmitClaimForm,
        button_only=True,
    ),
    "publish": ClaimStep(
        "Publish",
        services.PUBLISH_CLAIM_PERMISSION,
        (PublicationStatus.IN_REVIEW,),
        PublishClaimForm,
        button_only=True,
    ),
    "return": ClaimStep(
        "Return to draft",
        services.REVIEW_CLAIM_PERMISSION,
        (PublicationStatus.IN_REVIEW,),
        ReturnClaimForm,
    ),
    "withdraw": ClaimStep(
        "Withdraw",
        services.PUBLISH_CLAIM_PERMISSION,
        (PublicationStatus.PUBLISHED,),
        WithdrawClaimForm,
    ),
}


def figure_text(claim: Claim) -> str:
    """'at least / more than 150', 'about 70–80', 'no figure'."""
    if not claim.has_figure:
        return "no figure"
    numbers = [claim.figure_low, claim.figure_best, claim.figure_high]
    shown = "–".join(str(n) for n in numbers if n is not None)
    return f"{claim.get_qualifier_display().lower()} {shown}"


# --- The admin --------------------------------------------------------------------------------


@admin.register(Claim)
class ClaimAdmin(HistoryAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    form = ClaimAdminForm
    list_display = (
        "public_id",
        "source",
        "counted",
        "figure",
        "as_of",
        "region",
        "publication_status",
        "updated_at",
    )
    list_display_links = ("public_id",)
    list_filter = ("publication_status", "counted", "qualifier", "victim_category", "is_public")
    search_fields = ("public_id", "source__public_id", "source__title", "quotation")
    ordering = ("-updated_at", "-id")
    list_select_related = ("source", "region")
    show_full_result_count = False
    autocomplete_fields = ("source", "region")
    readonly_fields = (
        "public_id",
        "publication_status",
        "published_at",
        "withdrawn_at",
        "withdrawal_reason",
        "reviewed_by",
        "created_by",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("source",)}),
        (
            "What it covers",
            {
                "fields": (
                    ("period_start", "period_start_precision"),
                    ("period_end", "period_end_precision"),
                    "region",
                    "types",
                    "victim_category",
                )
            },
        ),
        (
            "What it says",
            {
                "description": "A figure with how the source qualifies it, or neither for a "
                "finding without a figure (“a growing number of such killings”).",
                "fields": (
                    "counted",
                    "qualifier",
                    ("figure_low", "figure_best", "figure_high"),
                    "as_of",
                    "method",
                    ("quotation", "quotation_language"),
                ),
            },
        ),
        ("Staff", {"fields": ("is_public", "internal_notes")}),
        (
            "Publication",
            {
                "description": "Changed only by the review workflow.",
                "fields": (
                    "publication_status",
                    ("published_at", "withdrawn_at"),
                    "withdrawal_reason",
                    "reviewed_by",
                ),
            },
        ),
        ("Record", {"fields": ("public_id", "created_by", ("created_at", "updated_at"))}),
    )

    @admin.display(description="figure")
    def figure(self, claim: Claim) -> str:
        return figure_text(claim)

    @admin.display(description="Incident types")
    def types(self, claim: Claim) -> str:
        names = [t.name_en for t in claim.incident_types.order_by("name_en")]
        return ", ".join(names) or "—"

    # -- Editing rules (the services decide; these only grey out what they would refuse)

    def has_change_permission(self, request: HttpRequest, obj: Claim | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return (
            obj is None
            or services.claim_editing_refusal(claim=obj, actor=request.user, content=False) is None
        )

    def has_delete_permission(self, request: HttpRequest, obj: Claim | None = None) -> bool:
        # Not built yet: a claim that is wrong goes back to draft or is withdrawn.
        return False

    def _content_editable(self, request: HttpRequest, obj: Claim | None) -> bool:
        return obj is None or services.claim_editing_refusal(claim=obj, actor=request.user) is None

    def get_readonly_fields(self, request: HttpRequest, obj: Claim | None = None) -> tuple:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if self._content_editable(request, obj):
            return readonly
        content = [name for name in services.CLAIM_CONTENT_FIELDS if name != "incident_types"]
        return (*readonly, *content, "types")

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if not self._content_editable(request, obj):
            # Shown by the `types` display instead; a declared field would still be posted.
            form.base_fields.pop("types", None)
        return form

    # -- Writes: every one a service call

    def lock(self, request: HttpRequest, obj: Claim) -> None:
        Claim.objects.select_for_update().filter(pk=obj.pk).exists()

    def write(self, request: HttpRequest, form, change: bool) -> Claim:
        names = form.changed_data if change else list(form.cleaned_data)
        data = {
            ("incident_types" if name == "types" else name): form.cleaned_data[name]
            for name in names
            if name in form.cleaned_data and name != "version"
        }
        data = {name: value for name, value in data.items() if name in services.CLAIM_FIELDS}
        if not change:
            return services.claim_create(actor=request.user, data=data)
        return services.claim_update(
            claim=form.instance,
            actor=request.user,
            version=form.cleaned_data.get("version"),
            data=data,
        )

    # -- The Workflow box

    def render_change_form(
        self, request: HttpRequest, context: dict, add=False, change=False, form_url="", obj=None
    ) -> HttpResponse:
        if obj is not None:
            context["workflow"] = self._workflow(request, obj)
            if request.user.has_perm(EDIT_PERMISSION):
                context["incidents_url"] = reverse(
                    "admin:sources_claim_incidents",
                    args=[quote(obj.pk)],
                    current_app=self.admin_site.name,
                )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _step_url(self, claim: Claim, name: str) -> str:
        return reverse(
            "admin:sources_claim_transition",
            args=[quote(claim.pk), name],
            current_app=self.admin_site.name,
        )

    def _workflow(self, request: HttpRequest, claim: Claim) -> dict:
        user = request.user
        status = claim.publication_status
        is_draft = status == PublicationStatus.DRAFT
        actions = [
            {
                "label": step.label,
                "url": self._step_url(claim, name),
                "button_only": step.button_only,
            }
            for name, step in CLAIM_STEPS.items()
            if status in step.offered_in and user.has_perm(step.permission)
        ]
        notes = []
        refusal = services.claim_editing_refusal(claim=claim, actor=user)
        if refusal:
            notes.append(refusal)
        elif status == PublicationStatus.IN_REVIEW:
            notes.append(
                "Saving changes here makes you its last editor; another reviewer then has to "
                "publish it (four eyes)."
            )
        elif is_draft and actions:
            notes.append("Submitting sends what is saved: save your changes first.")
        if (
            status == PublicationStatus.IN_REVIEW
            and user.has_perm(services.PUBLISH_CLAIM_PERMISSION)
            and is_own_work(actor=user, record=claim)
        ):
            notes.append(
                "You created or last edited this claim, so another reviewer has to publish it "
                "(four eyes)."
            )
        return {
            "status": claim.get_publication_status_display(),
            "returned_comment": claim.review_comment if is_draft and claim.returned_at else "",
            "returned_at": claim.returned_at,
            "is_draft": is_draft,
            "missing": services.claim_missing_for_submission(claim) if is_draft else [],
            "actions": actions,
            "notes": notes,
        }

    # -- Step pages

    def get_urls(self) -> list:
        step = path(
            "<path:object_id>/transition/<str:name>/",
            self.admin_site.admin_view(self.step_view),
            name="sources_claim_transition",
        )
        incidents = path(
            "<path:object_id>/incidents/",
            self.admin_site.admin_view(self.incidents_view),
            name="sources_claim_incidents",
        )
        # Before the defaults: their "<path:object_id>/" catch-all would swallow them.
        return [step, incidents, *super().get_urls()]

    def incidents_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return claim_incidents_view(self, request, object_id)

    def step_view(self, request: HttpRequest, object_id: str, name: str) -> HttpResponse:
        # The right before the record, and before the step: whoever may not see claims learns
        # nothing from the address.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        step = CLAIM_STEPS.get(name)
        if step is None:
            raise Http404(f"There is no workflow step called “{name}”.")
        if not request.user.has_perm(step.permission):
            raise PermissionDenied
        claim = self.get_object(request, unquote(object_id))
        if claim is None:
            raise Http404("No claim has this id.")
        change_url = reverse(
            "admin:sources_claim_change", args=[quote(claim.pk)], current_app=self.admin_site.name
        )
        if request.method != "POST":
            if step.button_only:
                return HttpResponseNotAllowed(["POST"])
            form = step.form_class(claim=claim)
        else:
            form = step.form_class(request.POST, claim=claim)
            if form.is_valid():
                try:
                    done = form.perform(actor=request.user)
                except (Refused, ValidationError) as error:
                    if step.button_only:
                        messages.error(request, " ".join(_sentences(error)))
                        return HttpResponseRedirect(change_url)
                    add_refusal(form, error)
                else:
                    self.log_change(request, claim, done)
                    messages.success(request, done)
                    return HttpResponseRedirect(change_url)
        context = {
            "title": f"{step.label}: {claim.public_id}",
            "claim": claim,
            "step": step,
            "form": form,
            "change_url": change_url,
        }
        return admin_page(self, request, "admin/sources/claim/transition.html", context)


def _sentences(error: Refused | ValidationError) -> list[str]:
    return [str(error)] if isinstance(error, Refused) else error.messages


# --- On the source's page ---------------------------------------------------------------------


class SourceClaimsMixin:
    """For the source's ModelAdmin: its claims, each with a link, and a link that adds one to
    it, in a section shown to whoever may see claims."""

    claim_list_limit = 50

    @admin.display(description="Claims")
    def claims(self, source) -> str:
        if source is None or source.pk is None:
            return "Save first; claims are recorded in a saved source."
        rows = source.claims.order_by("-as_of", "-id")[: self.claim_list_limit]
        listed = format_html_join(
            "",
            '<li><a href="{}">{}</a>: {}, {} ({})</li>',
            (
                (
                    reverse("admin:sources_claim_change", args=[quote(claim.pk)]),
                    claim.public_id,
                    claim.get_counted_display().lower(),
                    figure_text(claim),
                    claim.get_publication_status_display().lower(),
                )
                for claim in rows
            ),
        )
        url = reverse("admin:sources_claim_add") + f"?source={source.pk}"
        add = format_html('<a class="button" href="{}">Add a claim from this source</a>', url)
        if not listed:
            return format_html("<p>No claim recorded yet.</p>{}", add)
        return format_html("<ul>{}</ul>{}", listed, add)

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and request.user.has_perm("sources.view_claim"):
            fieldsets.append(("Reported figures", {"fields": ("claims",)}))
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple:
        return (*super().get_readonly_fields(request, obj), "claims")
