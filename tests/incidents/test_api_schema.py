"""The OpenAPI schema of the public API, its docs page, and a schemathesis run over every operation.

The views answer with dicts built by the selectors and described in each app's api/serializers.py;
the schemathesis run calls each operation with generated parameters (valid and invalid) and fails
on a 5xx, or on a status code, content type or body the schema does not describe.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from incidents.api.openapi import (
    EXAMPLE_INCIDENT_ID,
    EXAMPLE_MERGED_INCIDENT_ID,
    EXAMPLE_WITHDRAWN_INCIDENT_ID,
)
from incidents.filters import IncidentFilterSet
from incidents.models import (
    GeoPrecision,
    IncidentSource,
    IncidentTestimony,
    IncidentType,
    PublicationStatus,
    Region,
    VerificationStatus,
)
from sources.api.openapi import EXAMPLE_SOURCE_ID
from sources.models import SourceDocument, Testimony, Witness
from tests.factories import make_incident, make_published_incident, raion_of

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/v1/schema/"
DOCS_URL = "/api/v1/docs/"
ENDPOINTS = {
    "/api/v1/",
    "/api/v1/incidents/",
    "/api/v1/incidents/{public_id}/",
    "/api/v1/sources/",
    "/api/v1/sources/{public_id}/",
    "/api/v1/regions/",
    "/api/v1/regions/{code}/",
    "/api/v1/incident-types/",
    "/api/v1/stats/",
    "/api/v1/withdrawn/",
}


def test_the_schema_validates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )


def test_it_serves_an_openapi_3_schema_of_every_endpoint(client):
    response = client.get(SCHEMA_URL, {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Incident Register public API"
    assert set(schema["paths"]) == ENDPOINTS
    # Read-only: GET is the only operation described (HEAD and OPTIONS come with it).
    assert {method for path in schema["paths"].values() for method in path} == {"get"}


def _query_parameters(schema: dict, path: str) -> dict[str, dict]:
    parameters = schema["paths"][path]["get"]["parameters"]
    return {parameter["name"]: parameter for parameter in parameters if parameter["in"] == "query"}


def test_it_describes_every_incident_filter_and_the_export_formats(client):
    schema = client.get(SCHEMA_URL, {"format": "json"}).json()
    filters = set(IncidentFilterSet.base_filters)
    incidents = _query_parameters(schema, "/api/v1/incidents/")
    assert set(incidents) == filters | {"cursor", "page_size", "format"}
    assert set(_query_parameters(schema, "/api/v1/stats/")) == filters - {"ordering"}
    assert set(_query_parameters(schema, "/api/v1/withdrawn/")) == {"since", "cursor", "page_size"}
    assert incidents["region"]["description"].startswith(
        str(IncidentFilterSet.base_filters["region"].extra["help_text"])
    )
    assert incidents["page_size"]["schema"]["maximum"] == 1000
    assert incidents["format"]["schema"]["enum"] == ["csv", "geojson", "json"]
    responses = schema["paths"]["/api/v1/incidents/"]["get"]["responses"]
    assert set(responses["200"]["content"]) == {
        "application/json",
        "text/csv",
        "application/geo+json",
    }


def test_the_docs_page_loads_only_our_own_static_files(client):
    response = client.get(DOCS_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assert not re.search(r"https?://", html)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for asset in assets:
        assert asset.startswith("/"), asset
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset
        else:
            # The start-up script, served by the docs view itself.
            script = client.get(asset)
            assert script.status_code == 200
            assert script["Content-Type"].startswith("application/javascript")
            assert not re.search(r"https?://", script.content.decode())


def test_options_on_the_docs_page_says_which_methods_it_takes(client):
    response = client.options(DOCS_URL)
    assert response.status_code == 200
    assert response["Allow"] == "GET, HEAD, OPTIONS"


# The schemathesis run ---------------------------------------------------------------------------


def _testimony(incident, summary: str) -> None:
    witness = Witness.objects.create(consent_publish_anonymised=True)
    testimony = Testimony.objects.create(
        witness=witness,
        taken_on=dt.date(2025, 1, 5),
        directness="direct",
        public_summary=summary,
        summary_is_public=True,
    )
    IncidentTestimony.objects.create(incident=incident, testimony=testimony)


def _make_records() -> None:
    """Published incidents of every shape the documents take, and the withdrawn and merged
    records the schema's examples name."""
    region = raion_of("UA-14")
    execution = IncidentType.objects.get(slug="pow-execution")
    survivor = make_published_incident(
        public_id=EXAMPLE_INCIDENT_ID,
        title="Execution of three prisoners of war",
        incident_type=execution,
        region=region,
        location_name="Near a village",
        latitude=Decimal("48.123456"),
        longitude=Decimal("37.654321"),
        geo_precision=GeoPrecision.EXACT,
        coordinates_public=True,
        killed_low=3,
        killed_best=3,
        killed_high=4,
        attribution_confidence="high",
        perpetrator_force="A named force",
        verification_status=VerificationStatus.VERIFIED,
    )
    _testimony(survivor, "A fellow prisoner saw the shooting.")
    source = SourceDocument.objects.create(
        public_id=EXAMPLE_SOURCE_ID,
        kind="un-report",
        title="Report on the treatment of prisoners of war",
        publisher="UN HRMMU",
        url="https://example.org/report",
        published_on=dt.date(2025, 2, 1),
        is_public=True,
    )
    IncidentSource.objects.create(incident=survivor, source=source, role="corroborating")
    make_published_incident(
        title="Death in custody, dated by a range",
        incident_type=IncidentType.objects.get(slug="death-in-custody"),
        region=Region.objects.get(iso_code="UA-14"),
        date_start=dt.date(2024, 3, 1),
        date_end=dt.date(2024, 4, 15),
        date_precision="month",
        latitude=Decimal("48.5"),
        longitude=Decimal("37.5"),
        geo_precision=GeoPrecision.RAION,
        killed_low=1,
    )
    make_published_incident(title="Unplaced report")
    make_incident(
        public_id=EXAMPLE_WITHDRAWN_INCIDENT_ID,
        title="Withdrawn",
        publication_status=PublicationStatus.WITHDRAWN,
        published_at=timezone.now(),
        withdrawn_at=timezone.now(),
        withdrawal_reason="The only source retracted its report.",
    )
    make_incident(
        public_id=EXAMPLE_MERGED_INCIDENT_ID,
        title="Duplicate",
        publication_status=PublicationStatus.WITHDRAWN,
        published_at=timezone.now(),
        withdrawn_at=timezone.now(),
        withdrawal_reason="Duplicate of another record.",
        duplicate_of=survivor,
    )


@pytest.fixture
def wsgi_app(db):
    """The project's WSGI application, answering inside the test's transaction.

    Django closes a connection left in a transaction at the end of each request (it looks broken
    to it), which would end the test's transaction; its test client stops that the same way. Each
    request runs in a savepoint that is rolled back afterwards, so a request failing in the
    database does not break the ones after it, as in production, where each has its own.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)

    def app(environ, start_response):
        savepoint = transaction.savepoint()
        response = application(environ, start_response)
        try:
            return [b"".join(response)]  # Streamed exports are read inside the savepoint too.
        finally:
            response.close()
            transaction.savepoint_rollback(savepoint)

    yield app
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schemathesis.hook
def before_load_schema(context, raw_schema) -> None:
    """Hold the run to the allow-list: a field the schema does not describe fails it.

    The published schema leaves objects open, so that clients accept fields added later; the test
    closes them, so that a field reaching a response without being described (and reviewed) does
    not pass unnoticed.
    """
    for component in raw_schema["components"]["schemas"].values():
        if "properties" in component:
            component.setdefault("additionalProperties", False)


@pytest.fixture
def api_schema(wsgi_app, request):
    # schemathesis 4.32 renames the test node through `_nodeid`, which pytest 9 no longer has
    # (it keeps the id in `_id`); give it one to rename.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    _make_records()
    return schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_the_schema_says(case):
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )


# Inputs the run once found to fail -----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/incidents/?updated_since=2025-01-01T00:00:00%2B16:00",
        "/api/v1/stats/?updated_since=2025-01-01T00:00:00%2B16:00",
        "/api/v1/withdrawn/?since=2025-01-01T00:00:00%2B16:00",
    ],
)
def test_a_time_with_a_far_utc_offset_is_understood(client, url):
    # ISO 8601 allows offsets PostgreSQL does not; the API converts to UTC first.
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url", ["/api/v1/incidents/%00/", "/api/v1/sources/%00/", "/api/v1/regions/%00/"]
)
def test_a_nul_byte_in_an_id_is_a_404(client, url):
    assert client.get(url).status_code == 404


def test_a_nul_byte_in_a_parameter_is_a_400_naming_it(client):
    response = client.get("/api/v1/incidents/?q=a%00b")
    assert response.status_code == 400
    assert "q" in response.json()
