"""Who may open which address: every route of the URLconf, requested as every role.

The routes are read from the resolver itself (the admin, the API and the site under each
language prefix), and each must appear in ROUTES, which says whom it is for. A route missing
there fails the test with a note saying how to classify it, so a new page cannot ship without
somebody deciding who may open it.

Each route is requested (GET only, so nothing changes) with the ids of records that exist and
with ids that do not, by an anonymous visitor, a partner sending its API token, and one staff
member of each role (tests/conftest.py): Dave has no role, Alice is an analyst, Bob a reviewer,
Olga a witness officer, Ada an administrator and Sofia a superuser. Nothing may answer a server
error; no staff route lets in a visitor who has not signed in; and a staff member without the
permission a route asks for is refused alike (403) whether or not the id exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.enrolment import enrolment_code_issue
from core.tokens import partner_token_issue
from incidents.models import Incident
from incidents.services import correction_start
from sources.models import CustodyEvent, SourceDocument
from tests.factories import (
    linked_testimony,
    make_claim,
    make_evidence_file,
    make_published_incident,
    make_ready_draft,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("password_only_sign_in", "private_storage", "fresh_cache"),
]


@dataclass(frozen=True)
class Access:
    """Whom a route is for."""

    kind: str
    # For "permission": the permissions ("app_label.codename") of which one lets a user in.
    permissions: tuple[str, ...] = ()


PUBLIC = Access("public")  # anyone, signed in or not
SIGN_IN = Access("sign-in")  # anyone: the way into the admin
STAFF = Access("staff")  # any active staff member who has signed in


def permission(*names: str) -> Access:
    """Staff members holding at least one of these permissions."""
    return Access("permission", names)


def model_admin(app_label: str, model: str) -> dict[str, Access]:
    """The six routes that Django's admin gives a registered model, each with the permission
    it asks for. (A ModelAdmin may refuse more, e.g. nobody adds an authenticator by hand.)"""
    base = f"admin/{app_label}/{model}/"
    see = permission(f"{app_label}.view_{model}", f"{app_label}.change_{model}")
    return {
        base: see,
        f"{base}add/": permission(f"{app_label}.add_{model}"),
        f"{base}<path:object_id>/history/": see,
        f"{base}<path:object_id>/delete/": permission(f"{app_label}.delete_{model}"),
        f"{base}<path:object_id>/change/": see,
        # Only a redirect to the change page, which decides.
        f"{base}<path:object_id>/": STAFF,
    }


# Every route, by its pattern as the resolver spells it ("{lang}" stands for the language prefix
# of the public site: none for English, "uk/" for Ukrainian).
ROUTES: dict[str, Access] = {
    # The public site.
    "{lang}": PUBLIC,
    "{lang}incidents/": PUBLIC,
    "{lang}incidents/<str:public_id>/": PUBLIC,
    "{lang}methodology/": PUBLIC,
    # The public API.
    "api/v1/": PUBLIC,
    "api/v1/incidents/": PUBLIC,
    "api/v1/incidents/<str:public_id>/": PUBLIC,
    "api/v1/regions/": PUBLIC,
    "api/v1/regions/<str:code>/": PUBLIC,
    "api/v1/incident-types/": PUBLIC,
    "api/v1/stats/": PUBLIC,
    "api/v1/withdrawn/": PUBLIC,
    "api/v1/sources/": PUBLIC,
    "api/v1/sources/<str:public_id>/": PUBLIC,
    "api/v1/schema/": PUBLIC,
    "api/v1/docs/": PUBLIC,
    # The admin site.
    "admin/login/": SIGN_IN,
    "admin/two-factor/": STAFF,
    "admin/": STAFF,
    "admin/logout/": STAFF,
    "admin/password_change/": STAFF,
    "admin/password_change/done/": STAFF,
    # Asks the model admin of the field it serves (config.admin.StaffPickerView).
    "admin/autocomplete/": STAFF,
    "admin/jsi18n/": STAFF,
    # Asks the model admin of the content type; requested here with incidents.
    "admin/r/<path:content_type_id>/<path:object_id>/": permission(
        "incidents.view_incident", "incidents.change_incident"
    ),
    "admin/^(?P<app_label>axes|core|auth|otp_totp|incidents|sources)/$": STAFF,
    "admin/(?P<url>.*)$": STAFF,
    # Models.
    **model_admin("axes", "accessattempt"),
    **model_admin("axes", "accesslog"),
    **model_admin("axes", "accessfailurelog"),
    **model_admin("core", "issuedpublicid"),
    **model_admin("core", "partnertoken"),
    **model_admin("core", "enrolmentcode"),
    **model_admin("auth", "user"),
    "admin/auth/user/<id>/password/": permission("auth.change_user"),
    **model_admin("auth", "group"),
    **model_admin("otp_totp", "totpdevice"),
    "admin/otp_totp/totpdevice/<int:pk>/config/": permission(
        "otp_totp.view_totpdevice", "otp_totp.change_totpdevice"
    ),
    "admin/otp_totp/totpdevice/<int:pk>/qrcode/": permission(
        "otp_totp.view_totpdevice", "otp_totp.change_totpdevice"
    ),
    **model_admin("incidents", "incident"),
    # Requested here with the "assess" step; each step names its own permission.
    "admin/incidents/incident/<path:object_id>/transition/<str:name>/": permission(
        "incidents.review_incident"
    ),
    **model_admin("incidents", "incidentsource"),
    **model_admin("incidents", "incidenttestimony"),
    **model_admin("incidents", "region"),
    **model_admin("incidents", "incidenttype"),
    **model_admin("incidents", "correction"),
    **model_admin("sources", "sourcedocument"),
    **model_admin("sources", "witness"),
    **model_admin("sources", "testimony"),
    **model_admin("sources", "evidencefile"),
    # Requested here for a source; a testimony's file also needs sources.change_testimony.
    "admin/sources/evidencefile/upload/": permission("sources.add_evidencefile"),
    "admin/sources/evidencefile/<path:object_id>/download/": permission(
        "sources.view_evidencefile"
    ),
    **model_admin("sources", "custodyevent"),
    **model_admin("sources", "claim"),
    # Requested here with the "return" step; each step names its own permission.
    "admin/sources/claim/<path:object_id>/transition/<str:name>/": permission(
        "sources.review_claim"
    ),
    # The incidents a claim counts: linking them is editing the claim.
    "admin/sources/claim/<path:object_id>/incidents/": permission("sources.change_claim"),
}

HOW_TO_CLASSIFY = (
    "Add each to ROUTES in tests/test_route_matrix.py as PUBLIC (anyone), SIGN_IN (the way "
    "into the admin), STAFF (any signed-in staff member) or permission('app_label.codename', "
    "...) (staff holding one of them); for a model newly registered in the admin, add "
    "**model_admin('app_label', 'model')."
)


def _walk(patterns, prefix: str = "") -> list[str]:
    routes = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            language_prefix = isinstance(pattern.pattern, LocalePrefixPattern)
            inner = "{lang}" if language_prefix else str(pattern.pattern)
            routes += _walk(pattern.url_patterns, prefix + inner)
        else:
            assert isinstance(pattern, URLPattern)
            routes.append(prefix + str(pattern.pattern))
    return routes


def test_every_route_is_classified():
    routes = _walk(get_resolver().url_patterns)
    unclassified = sorted(set(routes) - set(ROUTES))
    assert not unclassified, f"Routes nobody classified: {unclassified}. {HOW_TO_CLASSIFY}"
    gone = sorted(set(ROUTES) - set(routes))
    assert not gone, f"Classified routes that no longer exist: {gone}. Remove them from ROUTES."


# Requesting every route --------------------------------------------------------------------------

MISSING_ID = "999999999"


@pytest.fixture
def records(alice, bob, olga, ada, sofia):
    """One record of every model the admin shows, and the public ids and keys the routes need."""
    published = make_published_incident(title="Execution near Alpha")
    make_ready_draft(created_by=alice)
    linked_testimony(published, consent=True, summary_is_public=True)
    correction_start(incident=published, actor=alice)
    source = SourceDocument.objects.filter(is_public=True).get()
    evidence = make_evidence_file(source=source, uploaded_by=alice)
    CustodyEvent.objects.create(evidence_file=evidence, action="uploaded", actor=alice)
    TOTPDevice.objects.create(user=bob, name="Bob's phone", confirmed=True)
    enrolment_code_issue(user=olga, actor=ada)
    _, key = partner_token_issue(name="Example NGO")
    attempt = {"user_agent": "test", "ip_address": "192.0.2.1", "username": "mallory"}
    attempt |= {"http_accept": "*/*", "path_info": "/admin/login/"}
    AccessAttempt.objects.create(get_data="", post_data="", failures_since_start=1, **attempt)
    AccessLog.objects.create(**attempt)
    AccessFailureLog.objects.create(**attempt)
    make_claim(source=source, created_by=alice, last_edited_by=alice)
    return {"incident": published, "source": source, "partner_key": key}


def _first_pk(app_label: str, model: str) -> str:
    pk = apps.get_model(app_label, model).objects.order_by("pk").values_list("pk", flat=True)[0]
    return quote(str(pk))


def _addresses(route: str, records: dict) -> dict[str, str]:
    """The addresses at which `route` is requested, by what their ids name."""
    if route.startswith("{lang}"):
        return {
            f"{language} {name}": f"/{prefix}{address.removeprefix('/')}"
            for language, prefix in (("en", ""), ("uk", "uk/"))
            for name, address in _addresses(route.removeprefix("{lang}"), records).items()
        }
    path = "/" + route
    if path == "/admin/(?P<url>.*)$":
        return {"no such page": "/admin/no-such-page/"}
    if path.startswith("/admin/^(?P<app_label>"):
        return {"an app": "/admin/incidents/", "another app": "/admin/auth/"}
    if path == "/admin/sources/evidencefile/upload/":
        return {
            "existing": f"{path}?source={records['source'].pk}",
            "missing": f"{path}?source={MISSING_ID}",
        }
    if "<" not in path:
        return {"": path}
    incident = records["incident"]
    if path.startswith("/admin/r/"):
        kind = ContentType.objects.get_for_model(Incident).pk
        return {
            "existing": f"/admin/r/{kind}/{incident.pk}/",
            "missing": f"/admin/r/{kind}/{MISSING_ID}/",
            "missing kind": f"/admin/r/{MISSING_ID}/{incident.pk}/",
        }
    if path.startswith("/admin/"):
        app_label, model = path.split("/")[2:4]
        existing = _first_pk(app_label, model)
        step = "return" if model == "claim" else "assess"
        return {
            "existing": _filled(path, existing, name=step),
            "missing": _filled(path, MISSING_ID, name=step),
        }
    if "/sources/" in path:
        return {
            "existing": _filled(path, records["source"].public_id),
            "missing": _filled(path, "SRC-00000000"),
        }
    if "/regions/" in path:
        return {"existing": _filled(path, "UA-14"), "missing": _filled(path, "UA-99")}
    return {
        "existing": _filled(path, incident.public_id),
        "missing": _filled(path, "INC-00000000"),
    }


def _filled(path: str, value: str, *, name: str = "") -> str:
    """`path` with each parameter replaced: `<str:name>` by `name`, every other by `value`."""
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: name if m[1] == "name" else value, path)


ROLES = ["anonymous", "partner", "dave", "alice", "bob", "olga", "ada", "sofia"]


def _holds(user, access: Access) -> bool:
    return any(user.has_perm(name) for name in access.permissions)


def _refused_as_anonymous(response, route: str) -> bool:
    if response.status_code != 302:
        return False
    if route == "admin/logout/" and response["Location"] == "/admin/":
        return True  # Django's admin sends a visitor with nothing to sign out of to its index.
    return response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_without_a_server_error_and_only_as_classified(
    client, request, records, role
):
    headers = {}
    user = None
    if role == "partner":
        headers["HTTP_AUTHORIZATION"] = f"Token {records['partner_key']}"
    elif role != "anonymous":
        user = request.getfixturevalue(role)
        client.force_login(user)
    client.raise_request_exception = False

    problems = []
    for route, access in ROUTES.items():
        for variant, address in _addresses(route, records).items():
            response = client.get(address, **headers)
            if response.streaming:  # Read to the end, which closes it as the client should.
                b"".join(response.streaming_content)
            status = response.status_code
            where = f"{address} ({route}, {variant or 'no id'})"
            if status >= 500:
                problems.append(f"{where}: {status}")
            elif access in (PUBLIC, SIGN_IN):
                if status in (401, 403) or _refused_as_anonymous(response, route):
                    problems.append(f"{where}: refused ({status}) although it is {access.kind}")
            elif user is None:
                if not _refused_as_anonymous(response, route):
                    problems.append(f"{where}: {status}, not sent to sign in")
            elif _refused_as_anonymous(response, route):
                problems.append(f"{where}: sent to sign in although signed in")
            elif access.kind == "permission" and status != 403 and not _holds(user, access):
                problems.append(
                    f"{where}: {status} for a user without {' or '.join(access.permissions)}"
                )
    assert not problems, f"As {role}:\n" + "\n".join(problems)
