"""The ways around review that an audit found in the admin, each tried again through the admin's
real forms (the page is fetched, its form filled in as a browser would and posted back): each is
now refused, with the reason on the form, or routed into a correction that a second person
reviews. The public record page and the API record stay as they were, `updated_at` included;
removals made for someone's safety take effect at once and say only that something was removed.

Alice is an analyst. Bob and Carol are reviewers.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from incidents.models import (
    Correction,
    CorrectionStatus,
    Incident,
    IncidentSource,
    IncidentTestimony,
)
from sources.models import SourceDocument, Testimony, Witness
from tests.factories import make_published_incident, make_ready_draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("password_only_sign_in")]


# --- A browser's view of the admin's forms -----------------------------------------------------


@dataclass
class Control:
    """One form control as rendered: what a browser would send for it, if anything."""

    name: str
    kind: str  # "input:text", "input:checkbox", "select", "textarea", ...
    value: str = ""
    checked: bool = False
    disabled: bool = False


@dataclass
class Button:
    name: str
    value: str
    label: str


@dataclass
class Form:
    """A `<form>` of a page: its controls and buttons, and where it posts."""

    action: str
    attrs: dict[str, str]
    controls: list[Control] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)

    def names(self) -> set[str]:
        return {control.name for control in self.controls}

    def enabled(self, name: str) -> Control | None:
        return next((c for c in self.controls if c.name == name and not c.disabled), None)

    def button(self, label: str) -> Button:
        found = [button for button in self.buttons if button.label == label]
        assert found, f"no button {label!r} in the form; it has {[b.label for b in self.buttons]}"
        return found[0]

    def data(self, changes: dict[str, str | bool | None], button: str | None) -> dict:
        """What the browser posts after its user typed `changes` and clicked `button`.

        A change must name a control the user can reach: one that is rendered and not disabled.
        """
        data: dict[str, list[str]] = {}
        for control in self.controls:
            if control.disabled:
                continue
            if control.kind in ("input:checkbox", "input:radio"):
                if control.checked:
                    data.setdefault(control.name, []).append(control.value)
            else:
                data.setdefault(control.name, []).append(control.value)
        for name, value in changes.items():
            control = self.enabled(name)
            assert control is not None, f"the form has no enabled field {name!r}"
            if control.kind == "input:checkbox":
                if value:
                    data[name] = [control.value]
                else:
                    data.pop(name, None)
            else:
                data[name] = ["" if value is None else str(value)]
        if button is not None:
            pressed = self.button(button)
            if pressed.name:
                data[pressed.name] = [pressed.value]
        return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


class _FormParser(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._option_count = 0
        self._option: dict | None = None
        self._textarea: Control | None = None
        self._button: Button | None = None

    def handle_starttag(self, tag: str, attr_list: list) -> None:
        attrs = {name: ("" if value is None else value) for name, value in attr_list}
        if tag == "form":
            self._form = Form(
                action=urljoin(self.url, attrs.get("action") or self.url), attrs=attrs
            )
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attrs.get("name", "")
        disabled = "disabled" in attrs
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "image"):
                self._form.buttons.append(
                    Button(name, attrs.get("value", ""), attrs.get("value", ""))
                )
            elif kind not in ("button", "reset", "file") and name:
                default = "on" if kind in ("checkbox", "radio") else ""
                self._form.controls.append(
                    Control(
                        name,
                        f"input:{kind}",
                        value=attrs.get("value", default),
                        checked="checked" in attrs,
                        disabled=disabled,
                    )
                )
        elif tag == "button" and attrs.get("type", "submit").lower() == "submit":
            self._button = Button(name, attrs.get("value", ""), "")
            self._form.buttons.append(self._button)
        elif tag == "select" and name:
            self._select = Control(name, "select", disabled=disabled)
            self._option_count = 0
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "text": "",
                "selected": "selected" in attrs,
            }
        elif tag == "textarea" and name:
            self._textarea = Control(name, "textarea", disabled=disabled)
            self._form.controls.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option["text"] += data
        elif self._textarea is not None:
            self._textarea.value += data
        elif self._button is not None:
            self._button.label += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None:
            option = self._option
            value = option["value"] if option["value"] is not None else option["text"].strip()
            # A single select sends its selected option, or else its first.
            if option["selected"] or self._option_count == 0:
                self._select.value = value
            self._option_count += 1
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the newline that follows <textarea>.
            if self._textarea.value.startswith("\n"):
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None
        elif tag == "button" and self._button is not None:
            self._button.label = " ".join(self._button.label.split())
            self._button = None


class Page:
    """A page as the browser received it."""

    def __init__(self, url: str, response) -> None:
        self.url = url
        self.response = response
        self.status_code = response.status_code
        self.html = response.content.decode()
        self.text = html.unescape(self.html)
        parser = _FormParser(url)
        parser.feed(self.html)
        self.forms = parser.forms

    def form(self, *, id: str | None = None, button: str | None = None) -> Form:
        """The form with this id, or the one that has a button with this label."""
        for form in self.forms:
            if id is not None and form.attrs.get("id") == id:
                return form
            if button is not None and any(b.label == button for b in form.buttons):
                return form
        raise AssertionError(f"no form {id or button!r} on {self.url}")

    def has_button(self, label: str) -> bool:
        return any(b.label == label for form in self.forms for b in form.buttons)

    def messages(self) -> list[str]:
        return [
            html.unescape(message)
            for message in re.findall(
                r'<li class="(?:success|error|warning|info)">(.*?)</li>', self.html, re.S
            )
        ]

    def errors(self) -> list[str]:
        """Every error shown on the form, on a field or on top, as the user reads it."""
        found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', self.html, re.S)
        return [
            html.unescape(re.sub(r"<[^>]+>", "", item)).strip()
            for block in found
            for item in re.findall(r"<li>(.*?)</li>", block, re.S)
        ]

    def field_errors(self, name: str) -> list[str]:
        """The errors shown on the field whose control is named `name` (Django gives a field's
        error list the id `id_<name>_error`)."""
        found = re.search(
            rf'<ul class="errorlist[^"]*" id="id_{re.escape(name)}_error">(.*?)</ul>',
            self.html,
            re.S,
        )
        if found is None:
            return []
        return [
            html.unescape(re.sub(r"<[^>]+>", "", item)).strip()
            for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
        ]


class Browser:
    """One person's browser on the admin: it opens pages and submits their forms."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.client = Client()
        self.client.force_login(user)

    def get(self, url: str) -> Page:
        return Page(url, self.client.get(url))

    def submit(
        self,
        form: Form,
        changes: dict[str, str | bool | None] | None = None,
        *,
        button: str | None = None,
        follow: bool = True,
    ) -> Page:
        response = self.client.post(form.action, form.data(changes or {}, button), follow=follow)
        url = response.redirect_chain[-1][0] if follow and response.redirect_chain else form.action
        return Page(url, response)

    def post(self, url: str, data: dict, *, follow: bool = True) -> Page:
        """A request no rendered form would send (a crafted POST)."""
        response = self.client.post(url, data, follow=follow)
        url = response.redirect_chain[-1][0] if follow and response.redirect_chain else url
        return Page(url, response)


def admin_url(record, view: str = "change") -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[record.pk])


def step_url(incident: Incident, name: str) -> str:
    return reverse("admin:incidents_incident_transition", args=[incident.pk, name])


@dataclass(frozen=True)
class PublicRecord:
    """What anyone sees of an incident: its page (the record itself) and its API document."""

    page: str
    api: dict

    @property
    def updated_at(self) -> str:
        return self.api["updated_at"]


def public_record(incident: Incident) -> PublicRecord:
    anonymous = Client()
    page = anonymous.get(f"/incidents/{incident.public_id}/")
    api = anonymous.get(f"/api/v1/incidents/{incident.public_id}/")
    assert (page.status_code, api.status_code) == (200, 200)
    article = re.search(r"<article.*?</article>", page.content.decode(), re.S)
    return PublicRecord(page=html.unescape(article.group()), api=api.json())


def corrections_on(record: PublicRecord) -> list[str]:
    """The lines under "Corrections" on the record's page, without their dates:
    e.g. "Removal: A testimony summary was removed." """
    log = re.search(r'<ol class="correction-log">(.*?)</ol>', record.page, re.S)
    if log is None:
        return []
    lines = []
    for item in re.findall(r"<li>(.*?)</li>", log.group(1), re.S):
        line = " ".join(re.sub(r"<[^>]+>", "", item).split())
        lines.append(line.split(" · ", 1)[1])
    return lines


def later(after: PublicRecord, before: PublicRecord) -> bool:
    return dt.datetime.fromisoformat(after.updated_at) > dt.datetime.fromisoformat(
        before.updated_at
    )


def queue_links(page: Page, slug: str) -> dict[str, str]:
    """The rows of a work queue on the landing page: title -> the address it opens."""
    table = re.search(rf'id="queue-{slug}".*?</table>', page.html, re.S)
    assert table, f"the page has no work queue {slug!r}"
    return {
        html.unescape(title): html.unescape(url)
        for url, title in re.findall(r'<td><a href="([^"]+)">(.*?)</a></td>', table.group())
    }


# --- People and records ------------------------------------------------------------------------


@pytest.fixture
def published() -> Incident:
    return make_published_incident(title="Execution of three POWs near Bakhmut")


def cited_source(incident: Incident) -> SourceDocument:
    return incident.source_links.get().source


def linked_testimony(incident: Incident, *, consent: bool, summary_is_public: bool) -> Testimony:
    witness = Witness.objects.create(code="W-0042", consent_publish_anonymised=consent)
    testimony = Testimony.objects.create(
        witness=witness,
        taken_on=dt.date(2024, 12, 3),
        directness="direct",
        statement="What he saw, word for word.",
        public_summary="A released prisoner saw three men in uniform shot with their hands up.",
        summary_is_public=summary_is_public,
    )
    IncidentTestimony.objects.create(incident=incident, testimony=testimony)
    return testimony


def cited_refusal(what: str, incident: Incident) -> str:
    return (
        f"{what} is shown with published incident {incident.public_id}: what the public sees of "
        "it changes only through a correction, which a second person reviews. Open the incident "
        "and use “Propose a correction”."
    )


# --- Sources that a published record cites -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "typed"),
    [("title", "Report, as retitled later"), ("url", "https://example.org/another-report")],
)
def test_an_analyst_cannot_rewrite_a_source_that_a_published_incident_cites(
    alice, published, name, typed
):
    source = cited_source(published)
    before = public_record(published)
    browser = Browser(alice)
    page = browser.get(admin_url(source))

    saved = browser.submit(page.form(id="sourcedocument_form"), {name: typed}, button="Save")

    assert saved.status_code == 200
    assert saved.errors() == [cited_refusal(source.public_id, published)]
    source.refresh_from_db()
    assert getattr(source, name) != typed
    assert public_record(published) == before  # the page, the API document and its updated_at


def test_an_analyst_cannot_make_a_hidden_source_of_a_published_incident_public(alice, published):
    hidden = SourceDocument.objects.create(
        kind="video", title="Unverified video from a perpetrator channel"
    )
    IncidentSource.objects.create(incident=published, source=hidden, role="mentions")
    before = public_record(published)
    browser = Browser(alice)
    page = browser.get(admin_url(hidden))

    saved = browser.submit(page.form(id="sourcedocument_form"), {"is_public": True})

    assert saved.status_code == 200
    assert saved.errors() == [cited_refusal(hidden.public_id, published)]
    hidden.refresh_from_db()
    assert not hidden.is_public
    after = public_record(published)
    assert after == before
    assert hidden.title not in after.page


def test_a_source_no_published_record_shows_is_edited_directly(alice, published):
    hidden = SourceDocument.objects.create(kind="video", title="Video, first copy")
    IncidentSource.objects.create(incident=published, source=hidden, role="mentions")
    before = public_record(published)
    browser = Browser(alice)
    page = browser.get(admin_url(hidden))

    saved = browser.submit(page.form(id="sourcedocument_form"), {"title": "Video, original"})

    assert saved.messages()[0].startswith("The source document “")
    hidden.refresh_from_db()
    assert hidden.title == "Video, original"
    assert public_record(published) == before


# --- Testimonies that a published record rests on ----------------------------------------------


def test_an_analyst_cannot_publish_a_testimony_summary_of_a_published_incident(alice, published):
    testimony = linked_testimony(published, consent=False, summary_is_public=False)
    before = public_record(published)
    browser = Browser(alice)

    # Consent alone publishes nothing: no summary is marked publishable yet.
    page = browser.get(admin_url(testimony.witness))
    consented = browser.submit(
        page.form(id="witness_form"), {"consent_publish_anonymised": True}, button="Save"
    )
    assert consented.errors() == []
    page = browser.get(admin_url(testimony))
    refused = browser.submit(
        page.form(id="testimony_form"),
        {"summary_is_public": True, "public_summary": "Rewritten after publication."},
        button="Save",
    )

    assert refused.status_code == 200
    assert refused.field_errors("summary_is_public") == [
        "Only a reviewer may mark a summary publishable, after checking that it cannot identify "
        "the witness."
    ]
    testimony.refresh_from_db()
    assert not testimony.summary_is_public
    assert testimony.public_summary != "Rewritten after publication."
    after = public_record(published)
    assert after == before
    assert after.api["testimonies"] == []


def test_a_reviewer_cannot_put_a_summary_on_a_published_record_without_a_correction(bob, published):
    testimony = linked_testimony(published, consent=True, summary_is_public=False)
    before = public_record(published)
    browser = Browser(bob)
    page = browser.get(admin_url(testimony))

    refused = browser.submit(
        page.form(id="testimony_form"), {"summary_is_public": True}, button="Save"
    )

    assert refused.status_code == 200
    assert refused.errors() == [cited_refusal(f"The summary of {testimony.public_id}", published)]
    testimony.refresh_from_db()
    assert not testimony.summary_is_public
    assert public_record(published) == before


# --- Merging into a published record -----------------------------------------------------------


def test_merging_a_draft_into_a_published_record_adds_its_evidence_only_once_approved(
    alice, bob, carol, published
):
    draft = make_ready_draft(created_by=alice, title="Shooting near Bakhmut, second report")
    video = cited_source(draft)
    SourceDocument.objects.filter(pk=video.pk).update(is_public=True)
    before = public_record(published)
    bobs = Browser(bob)

    page = bobs.get(step_url(draft, "merge"))
    merged = bobs.submit(page.form(button="Merge"), {"survivor": published.public_id})

    assert merged.messages() == [f"{draft.public_id} merged into {published.public_id}."]
    assert public_record(published) == before
    assert video.title not in public_record(published).page
    correction = Correction.objects.get(incident=published)
    assert correction.status == CorrectionStatus.IN_REVIEW
    assert correction.changes["add_sources"] == [
        {"source": video.pk, "role": "primary", "note": ""}
    ]

    carols = Browser(carol)
    queue = queue_links(carols.get(reverse("admin:index")), "corrections-review")
    review = carols.get(queue[published.title])
    assert f"cites {video.public_id} (Primary)" in review.text
    approved = carols.submit(
        review.form(button="Approve and publish the correction"),
        button="Approve and publish the correction",
    )

    assert approved.messages() == [
        f"Correction applied: the public record of {published.public_id} shows it now, with the "
        "public note under “Corrections”."
    ]
    after = public_record(published)
    assert {source["public_id"] for source in after.api["sources"]} == {
        source["public_id"] for source in before.api["sources"]
    } | {video.public_id}
    assert video.title in after.page
    assert corrections_on(after) == [
        "Correction: Evidence from a duplicate record of the same event was added."
    ]
    assert later(after, before)


# --- Safety removals: at once, and said in neutral words ---------------------------------------


SUMMARY_REMOVED = "Removal: A testimony summary was removed."


@pytest.mark.parametrize(
    ("record", "form_id", "unticked"),
    [
        ("testimony", "testimony_form", "summary_is_public"),
        ("witness", "witness_form", "consent_publish_anonymised"),
    ],
)
def test_unpublishing_a_summary_takes_effect_at_once_with_a_neutral_note(
    alice, published, record, form_id, unticked
):
    testimony = linked_testimony(published, consent=True, summary_is_public=True)
    before = public_record(published)
    assert testimony.public_summary in before.page
    browser = Browser(alice)
    page = browser.get(admin_url(testimony if record == "testimony" else testimony.witness))

    saved = browser.submit(page.form(id=form_id), {unticked: False}, button="Save")

    assert saved.errors() == []
    after = public_record(published)
    assert testimony.public_summary not in after.page
    assert testimony.public_summary not in str(after.api)
    assert after.api["testimonies"] == []
    assert corrections_on(after) == [SUMMARY_REMOVED]
    assert [(note["kind"], note["note"]) for note in after.api["corrections"]] == [
        ("removal", "A testimony summary was removed.")
    ]
    assert later(after, before)


def test_hiding_a_cited_source_takes_effect_at_once_with_a_neutral_note(alice, published):
    source = cited_source(published)
    SourceDocument.objects.filter(pk=source.pk).update(title="Channel post naming a witness")
    before = public_record(published)
    browser = Browser(alice)
    page = browser.get(admin_url(source))

    saved = browser.submit(page.form(id="sourcedocument_form"), {"is_public": False})

    assert saved.errors() == []
    after = public_record(published)
    assert "Channel post naming a witness" not in after.page
    assert "Channel post naming a witness" not in str(after.api)
    assert after.api["sources"] == []
    assert corrections_on(after) == ["Removal: A source was removed from the public record."]
    assert later(after, before)


# --- Staff fields of a published record --------------------------------------------------------


def test_staff_fields_of_a_published_incident_stay_editable_and_change_nothing_public(
    alice, bob, published
):
    before = public_record(published)
    browser = Browser(alice)
    page = browser.get(admin_url(published))
    form = page.form(id="incident_form")

    assert "title" not in form.names()
    assert "summary" not in form.names()
    saved = browser.submit(
        form,
        {"internal_notes": "Ask the HRMMU for the original upload.", "assigned_to": bob.pk},
        button="Save and continue editing",
    )

    assert saved.errors() == []
    assert saved.messages()[0].startswith("The incident “")
    published.refresh_from_db()
    assert published.internal_notes == "Ask the HRMMU for the original upload."
    assert published.assigned_to == bob
    after = public_record(published)
    assert after == before
    assert "Ask the HRMMU" not in after.page


# --- Stale forms -------------------------------------------------------------------------------


def test_a_stale_form_on_a_published_incident_is_refused_naming_who_saved(alice, bob, published):
    alices, bobs = Browser(alice), Browser(bob)
    alices_page = alices.get(admin_url(published))
    bobs_page = bobs.get(admin_url(published))

    bobs.submit(bobs_page.form(id="incident_form"), {"internal_notes": "Bob's note."})
    refused = alices.submit(
        alices_page.form(id="incident_form"), {"internal_notes": "Alice's note."}
    )

    assert refused.status_code == 200
    [error] = refused.errors()
    assert error.startswith("Bob Reid (bob) changed this incident at ")
    assert error.endswith(
        "Your changes were not saved, so theirs are kept: reload the page and apply yours again."
    )
    published.refresh_from_db()
    assert published.internal_notes == "Bob's note."


def test_a_stale_correction_form_is_refused_naming_who_saved(alice, bob, published):
    alices, bobs = Browser(alice), Browser(bob)
    started = alices.get(admin_url(published))
    alices_page = alices.submit(started.form(button="Propose a correction"))
    bobs_page = bobs.get(alices_page.url)

    bobs.submit(
        bobs_page.form(button="Save draft"),
        {"incident-title": "Execution of four POWs near Bakhmut"},
        button="Save draft",
    )
    refused = alices.submit(
        alices_page.form(button="Submit for review"),
        {"incident-summary": "Alice's summary.", "note": "The summary was corrected."},
        button="Submit for review",
    )

    assert refused.errors() == [
        "Bob Reid (bob) changed this correction after you opened it. Your changes were not "
        "saved, so theirs are kept: reload the page and apply yours again."
    ]
    assert "Alice&#x27;s summary." in refused.html  # still there to copy before reloading
    correction = Correction.objects.get(incident=published)
    assert correction.status == CorrectionStatus.DRAFT
    assert correction.changes == {
        "incident": {
            "title": {
                "from": "Execution of three POWs near Bakhmut",
                "to": "Execution of four POWs near Bakhmut",
            }
        }
    }


# --- Evidence rows of a draft ------------------------------------------------------------------


def test_picking_another_source_on_an_evidence_row_replaces_the_citation(alice):
    draft = make_ready_draft(created_by=alice)
    first = cited_source(draft)
    other = SourceDocument.objects.create(kind="ngo-report", title="NGO report")
    browser = Browser(alice)
    page = browser.get(admin_url(draft))

    saved = browser.submit(
        page.form(id="incident_form"),
        {"source_links-0-source": other.pk, "source_links-0-role": "corroborating"},
        button="Save",
    )

    assert saved.errors() == []
    cited = list(draft.source_links.values_list("source", "role"))
    assert cited == [(other.pk, "corroborating")]
    assert first.pk not in [source for source, _ in cited]
