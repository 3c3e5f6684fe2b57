"""The forms of a correction's page, and `CorrectionPage`, which holds them together.

One page shows everything the public sees of a published incident: its own fields, the public
fields of the sources it cites and of the testimony summaries it shows, its evidence links, and
the public note that will say what changed. `CorrectionPage.proposal()` turns what the user
changed on the page into a `Proposal` for `services.correction_save`; `show()` puts a service's
refusal back on the field it concerns.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import formset_factory

from core.admin_services import AutocompleteSelect
from core.errors import Refused
from incidents import services
from incidents.corrections import (
    CORRECTABLE_FIELDS,
    REVIEWER_FIELDS,
    SOURCE_PUBLIC_FIELDS,
    TESTIMONY_PUBLIC_FIELDS,
    Proposal,
    attname,
    plain,
)
from incidents.forms import text_box
from incidents.models import Correction, Incident, IncidentSource, IncidentTestimony, SourceRole
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
    note = text_box(
        "Public note",
        "Public once approved, under “Corrections” on the record and in the API: one sentence a "
        "reader understands, e.g. “The number killed was corrected from three to four after a "
        "second video was geolocated.” Never name or hint at a witness.",
        rows=3,
        max_length=500,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReturnForm(forms.Form):
    comment = text_box(
        "Comment for the proposer",
        "Staff only. Say what to change before it comes back to review.",
        rows=3,
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
