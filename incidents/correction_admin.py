"""The admin pages of corrections: propose a change to a published incident, review it, apply it.

A correction is opened from the incident's Workflow box ("Propose a correction"). Its page shows
one form for everything the public sees of the incident: its own fields, the public fields of the
sources it cites and of the testimony summaries it shows, its evidence links, and the public note
that will say what changed. Nothing public changes while the proposal is a draft or in review;
a second person approves it (`services.correction_approve`), or returns it with a comment.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import formset_factory
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from config.admin import WorkItem, WorkQueue
from core.admin_history import HistoryAdminMixin
from core.admin_services import AutocompleteSelect
from core.errors import Refused
from incidents import selectors, services
from incidents.corrections import (
    CORRECTABLE_FIELDS,
    REVIEWER_FIELDS,
    SOURCE_PUBLIC_FIELDS,
    TESTIMONY_PUBLIC_FIELDS,
    Proposal,
    attname,
    describe,
    plain,
)
from incidents.models import (
    Correction,
    CorrectionStatus,
    Incident,
    IncidentSource,
    IncidentTestimony,
    SourceRole,
)
from sources.models import SourceDocument, Testimony

ADD_ROWS = 2
_TEXT = {"class": "vLargeTextField"}


def _proposed(record: models.Model, values: dict[str, Any]) -> models.Model:
    """A copy of `record` showing the proposed values; never saved."""
    shown = copy.copy(record)
    for name, value in values.items():
        setattr(shown, attname(type(record), name), plain(value))
    return shown


class ShowsWhatWasSeen:
    """Every field posts back, beside its value, the value the page showed (Django's hidden
    initial), so that `changed_data` holds what the user changed on this page. Comparing with the
    record as it is when the form comes back would take a change someone else made in the
    meantime (a source hidden for someone's safety) for a wish to undo it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.show_hidden_initial = True


class IncidentCorrectionForm(ShowsWhatWasSeen, forms.ModelForm):
    class Meta:
        model = Incident
        fields = CORRECTABLE_FIELDS
        widgets = {
            "title": forms.TextInput(attrs=_TEXT),
            "location_name": forms.TextInput(attrs=_TEXT),
            "summary": forms.Textarea(attrs={"rows": 6, **_TEXT}),
            "verification_rationale": forms.Textarea(attrs={"rows": 4, **_TEXT}),
        }

    def __init__(self, *args, reviewer: bool, admin_site: admin.AdminSite, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        region.widget = AutocompleteSelect(Incident._meta.get_field("region"), admin_site)
        region.queryset = region.queryset.order_by("path")  # gives the widget its choices too
        if not reviewer:
            for name in REVIEWER_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = "A reviewer's decision: only reviewers change it."


def _https_urls(model_field: models.Field, **kwargs: Any) -> forms.Field | None:
    # Sources are cited by URL; a pasted "example.org/x" should become a secure link.
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class SourcePublicForm(ShowsWhatWasSeen, forms.ModelForm):
    class Meta:
        model = SourceDocument
        fields = SOURCE_PUBLIC_FIELDS
        formfield_callback = _https_urls
        widgets = {
            "title": forms.TextInput(attrs=_TEXT),
            "url": forms.URLInput(attrs=_TEXT),
            "archive_url": forms.URLInput(attrs=_TEXT),
            "description": forms.Textarea(attrs={"rows": 3, **_TEXT}),
        }


class TestimonyPublicForm(ShowsWhatWasSeen, forms.ModelForm):
    class Meta:
        model = Testimony
        fields = TESTIMONY_PUBLIC_FIELDS
        widgets = {"public_summary": forms.Textarea(attrs={"rows": 4, **_TEXT})}

    def __init__(self, *args, reviewer: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not reviewer:
            field = self.fields["summary_is_public"]
            # Unpublishing a summary is a safety removal anyone may make at once on the
            # testimony itself; publishing one is a reviewer's check.
            field.disabled = True
            field.help_text = "Set by a reviewer; to unpublish it at once, edit the testimony."


class SourceLinkForm(forms.Form):
    role = forms.ChoiceField(choices=SourceRole.choices)
    remove = forms.BooleanField(required=False, label="No longer cite it")


class TestimonyLinkForm(forms.Form):
    remove = forms.BooleanField(required=False, label="No longer rest on it")


class AddSourceForm(forms.Form):
    source = forms.ModelChoiceField(queryset=SourceDocument.objects.all(), required=False)
    role = forms.ChoiceField(choices=SourceRole.choices, initial=SourceRole.CORROBORATING)
    note = forms.CharField(required=False, label="Staff note")

    def __init__(self, *args, admin_site: admin.AdminSite, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        field.widget = AutocompleteSelect(IncidentSource._meta.get_field("source"), admin_site)
        # A widget set after the field was built has to be given the field's choices itself.
        field.widget.choices = field.choices


class AddTestimonyForm(forms.Form):
    testimony = forms.ModelChoiceField(
        queryset=Testimony.objects.select_related("witness"), required=False
    )
    note = forms.CharField(required=False, label="Staff note")

    def __init__(self, *args, admin_site: admin.AdminSite, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["testimony"]
        field.widget = AutocompleteSelect(
            IncidentTestimony._meta.get_field("testimony"), admin_site
        )
        field.widget.choices = field.choices


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Public note",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, **_TEXT}),
        help_text="Public once approved, under “Corrections” on the record and in the API: one "
        "sentence a reader understands, e.g. “The number killed was corrected from three to "
        "four after a second video was geolocated.” Never name or hint at a witness.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="Comment for the proposer",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, **_TEXT}),
        help_text="Staff only. Say what to change before it comes back to review.",
    )


@dataclass
class _CitedSource:
    link: IncidentSource
    link_form: SourceLinkForm
    form: SourcePublicForm


@dataclass
class _LinkedTestimony:
    link: IncidentTestimony
    link_form: TestimonyLinkForm
    form: TestimonyPublicForm


class CorrectionPage:
    """The forms of one correction's page, bound to a POST or showing the proposal."""

    def __init__(
        self,
        correction: Correction,
        *,
        user: AbstractBaseUser,
        admin_site: admin.AdminSite,
        data: Any = None,
    ) -> None:
        self.correction = correction
        incident = correction.incident
        proposal = Proposal.from_changes(correction.changes)
        reviewer = services.is_reviewer(user)
        self.errors: list[str] = []
        self.evidence_errors: list[str] = []
        self.incident_form = IncidentCorrectionForm(
            data,
            prefix="incident",
            instance=_proposed(incident, proposal.incident),
            reviewer=reviewer,
            admin_site=admin_site,
        )
        self.sources = [
            _CitedSource(
                link=link,
                link_form=SourceLinkForm(
                    data,
                    prefix=f"link-source-{link.source_id}",
                    initial={
                        "role": proposal.source_roles.get(link.source_id, link.role),
                        "remove": link.source_id in proposal.remove_sources,
                    },
                ),
                form=SourcePublicForm(
                    data,
                    prefix=f"source-{link.source_id}",
                    instance=_proposed(link.source, proposal.sources.get(link.source_id, {})),
                ),
            )
            for link in incident.source_links.select_related("source").order_by("id")
        ]
        self.testimonies = [
            _LinkedTestimony(
                link=link,
                link_form=TestimonyLinkForm(
                    data,
                    prefix=f"link-testimony-{link.testimony_id}",
                    initial={"remove": link.testimony_id in proposal.remove_testimonies},
                ),
                form=TestimonyPublicForm(
                    data,
                    prefix=f"testimony-{link.testimony_id}",
                    instance=_proposed(
                        link.testimony, proposal.testimonies.get(link.testimony_id, {})
                    ),
                    reviewer=reviewer,
                ),
            )
            for link in incident.testimony_links.select_related("testimony__witness").order_by("id")
        ]
        add_sources = formset_factory(AddSourceForm, extra=ADD_ROWS)
        self.add_sources = add_sources(
            data,
            prefix="add-source",
            initial=[
                {"source": source, "role": role, "note": note}
                for source, role, note in proposal.add_sources
            ],
            form_kwargs={"admin_site": admin_site},
        )
        add_testimonies = formset_factory(AddTestimonyForm, extra=ADD_ROWS)
        self.add_testimonies = add_testimonies(
            data,
            prefix="add-testimony",
            initial=[
                {"testimony": testimony, "note": note}
                for testimony, note in proposal.add_testimonies
            ],
            form_kwargs={"admin_site": admin_site},
        )
        self.note_form = NoteForm(
            data, initial={"note": correction.note, "version": correction.version}
        )

    def forms(self) -> list[forms.BaseForm]:
        return [
            self.incident_form,
            *(item.link_form for item in self.sources),
            *(item.form for item in self.sources),
            *(item.link_form for item in self.testimonies),
            *(item.form for item in self.testimonies),
            self.note_form,
        ]

    def is_valid(self) -> bool:
        valid = [form.is_valid() for form in self.forms()]
        valid += [self.add_sources.is_valid(), self.add_testimonies.is_valid()]
        return all(valid)

    @property
    def media(self) -> forms.Media:
        media = self.incident_form.media
        for formset in (self.add_sources, self.add_testimonies):
            media += formset.media
        return media

    def proposal(self) -> Proposal:
        """The proposal as saved before, with what the user changed on this page on top."""
        saved = Proposal.from_changes(self.correction.changes)
        sources = {
            item.link.source_id: {
                **saved.sources.get(item.link.source_id, {}),
                **_edited(item.form),
            }
            for item in self.sources
        }
        testimonies = {
            item.link.testimony_id: {
                **saved.testimonies.get(item.link.testimony_id, {}),
                **_edited(item.form),
            }
            for item in self.testimonies
        }
        return Proposal(
            incident={**saved.incident, **_edited(self.incident_form)},
            sources={pk: values for pk, values in sources.items() if values},
            testimonies={pk: values for pk, values in testimonies.items() if values},
            source_roles={
                item.link.source_id: item.link_form.cleaned_data["role"] for item in self.sources
            },
            remove_sources=[
                item.link.source_id
                for item in self.sources
                if item.link_form.cleaned_data["remove"]
            ],
            remove_testimonies=[
                item.link.testimony_id
                for item in self.testimonies
                if item.link_form.cleaned_data["remove"]
            ],
            add_sources=[
                (
                    form.cleaned_data["source"].pk,
                    form.cleaned_data["role"],
                    form.cleaned_data["note"],
                )
                for form in self.add_sources
                if form.cleaned_data.get("source")
            ],
            add_testimonies=[
                (form.cleaned_data["testimony"].pk, form.cleaned_data["note"])
                for form in self.add_testimonies
                if form.cleaned_data.get("testimony")
            ],
        )

    def show(self, error: ValidationError | Refused) -> None:
        """Put a service's refusal where it belongs on the page."""
        if isinstance(error, Refused) or not hasattr(error, "error_dict"):
            self.errors.extend([str(error)] if isinstance(error, Refused) else error.messages)
            return
        sources = {str(item.link.source_id): item.form for item in self.sources}
        testimonies = {str(item.link.testimony_id): item.form for item in self.testimonies}
        for key, errors in error.error_dict.items():
            messages_ = ValidationError(errors).messages
            parts = key.split(".")
            if parts[0] == "sources" and parts[1] in sources:
                _add(sources[parts[1]], parts[2], messages_)
            elif parts[0] == "testimonies" and parts[1] in testimonies:
                _add(testimonies[parts[1]], parts[2], messages_)
            elif key == "evidence":
                self.evidence_errors.extend(messages_)
            elif key == "note":
                _add(self.note_form, "note", messages_)
            elif key in self.incident_form.fields:
                _add(self.incident_form, key, messages_)
            else:
                self.errors.extend(messages_)


def _edited(form: forms.ModelForm) -> dict[str, Any]:
    """What the user changed on this page (see `ShowsWhatWasSeen`); disabled fields never are."""
    return {name: form.cleaned_data[name] for name in form.changed_data}


def _add(form: forms.BaseForm, name: str, errors: list[str]) -> None:
    field = form.fields.get(name)
    if field is not None and not field.disabled:
        form.add_error(name, errors)
    else:
        label = field.label if field is not None else ""
        form.add_error(None, [f"{label}: {m}" if label else m for m in errors])


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
            **self.admin_site.each_context(request),
            "title": f"Correction of {correction.incident.public_id}",
            "subtitle": correction.incident.title,
            "opts": self.opts,
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
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/incidents/correction/change.html", context)

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
