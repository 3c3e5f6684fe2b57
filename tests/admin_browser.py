"""A browser's view of the admin, for tests that go through its real pages: a page is fetched
with the test client, its form filled in as a browser would fill it in and posted back. Also what
anyone sees of an incident, to check that an admin action left the public record as it was, or
changed it as it should.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from contextlib import ExitStack
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from incidents.models import Incident

# --- Pages and their forms --------------------------------------------------------------------


@dataclass
class Control:
    """One form control as rendered: what a browser would send for it, if anything."""

    name: str
    kind: str  # "input:text", "input:checkbox", "input:file", "select", "select:multiple", ...
    value: str = ""
    checked: bool = False
    disabled: bool = False
    # The options a multiple select offers and those selected in it, by value.
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)


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

    def data(self, changes: dict[str, str | bool | list[str] | None], button: str | None) -> dict:
        """What the browser posts after its user typed `changes` and clicked `button`.

        A change must name a control the user can reach: one that is rendered and not disabled.
        A multiple select is changed to the list of values chosen, each one it offers.
        """
        data: dict[str, list[str]] = {}
        for control in self.controls:
            if control.disabled or control.kind == "input:file":
                continue
            if control.kind in ("input:checkbox", "input:radio"):
                if control.checked:
                    data.setdefault(control.name, []).append(control.value)
            elif control.kind == "select:multiple":
                data.setdefault(control.name, []).extend(control.selected)
            else:
                data.setdefault(control.name, []).append(control.value)
        for name, value in changes.items():
            control = self.enabled(name)
            assert control is not None, f"the form has no enabled field {name!r}"
            if control.kind == "select:multiple":
                offered = [str(item) for item in value]
                missing = set(offered) - set(control.options)
                assert not missing, f"{name!r} offers no option {sorted(missing)}"
                data[name] = offered
            elif control.kind == "input:checkbox":
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
            elif kind not in ("button", "reset") and name:
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
            kind = "select:multiple" if "multiple" in attrs else "select"
            self._select = Control(name, kind, disabled=disabled)
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
            if self._select.kind == "select:multiple":
                # A multiple select sends its selected options, or nothing.
                self._select.options.append(value)
                if option["selected"]:
                    self._select.selected.append(value)
            # A single select sends its selected option, or else its first.
            elif option["selected"] or self._option_count == 0:
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
        changes: dict[str, str | bool | list[str] | None] | None = None,
        *,
        button: str | None = None,
        follow: bool = True,
        files: dict[str, Path] | None = None,
    ) -> Page:
        """`files`: the file chosen in each file input, sent from disk with its own name."""
        data = form.data(changes or {}, button)
        with ExitStack() as opened:
            for name, path in (files or {}).items():
                kind = getattr(form.enabled(name), "kind", None)
                assert kind == "input:file", f"the form has no enabled file input {name!r}"
                data[name] = opened.enter_context(open(path, "rb"))
            response = self.client.post(form.action, data, follow=follow)
        url = response.redirect_chain[-1][0] if follow and response.redirect_chain else form.action
        return Page(url, response)

    def post(self, url: str, data: dict, *, follow: bool = True) -> Page:
        """A request no rendered form would send (a crafted POST)."""
        response = self.client.post(url, data, follow=follow)
        url = response.redirect_chain[-1][0] if follow and response.redirect_chain else url
        return Page(url, response)


# --- Addresses, the landing page and the change form -------------------------------------------


def as_user(user: User) -> Client:
    """A test client signed in as `user`, for requests that need no form read from the page."""
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    """The page as its reader sees the characters: HTML entities decoded."""
    return html.unescape(response.content.decode())


def admin_url(record, view: str = "change") -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[record.pk])


def step_url(incident: Incident, name: str) -> str:
    return reverse("admin:incidents_incident_transition", args=[incident.pk, name])


def queue_links(page: Page, slug: str) -> dict[str, str]:
    """The rows of a work queue on the landing page: title -> the address it opens."""
    table = re.search(rf'id="queue-{slug}".*?</table>', page.html, re.S)
    assert table, f"the page has no work queue {slug!r}"
    return {
        html.unescape(title): html.unescape(url)
        for url, title in re.findall(r'<td><a href="([^"]+)">(.*?)</a></td>', table.group())
    }


def change_form_data(response) -> dict:
    """What the browser sends back when its user saves the change page as it was rendered:
    every field of the incident form and of its inline formsets."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for bound_field in form:
            value = bound_field.value()
            if value is False:
                continue
            data[bound_field.html_name] = (
                "on" if value is True else ("" if value is None else value)
            )
    return data


def open_change_page(client: Client, incident: Incident) -> dict:
    """GETs the change page and returns its form data, with the version read from the HTML."""
    response = client.get(admin_url(incident))
    assert response.status_code == 200
    found = re.search(
        r'<input type="hidden" name="version" value="(\d+)"', response.content.decode()
    )
    assert found, "the change form carries no version"
    return {**change_form_data(response), "version": found.group(1)}


# --- What the public sees ------------------------------------------------------------------------


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
