"""Public ids: the only identifiers the public sees, so they must leak nothing and stay unique."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from core.models import IssuedPublicId
from core.public_ids import public_id_pattern
from incidents.models import Incident
from sources.models import SourceDocument, Testimony, Witness
from tests.factories import make_incident

pytestmark = pytest.mark.django_db


def test_incident_ids_have_the_documented_format():
    incidents = [make_incident() for _ in range(20)]
    pattern = public_id_pattern("INC")
    assert all(pattern.match(incident.public_id) for incident in incidents)


def test_source_and_testimony_ids_have_their_own_prefixes():
    source = SourceDocument.objects.create(kind="video", title="Clip")
    testimony = Testimony.objects.create(
        witness=Witness.objects.create(), taken_on="2025-01-05", directness="direct"
    )
    assert public_id_pattern("SRC").match(source.public_id)
    assert public_id_pattern("TST").match(testimony.public_id)


def test_ids_do_not_follow_the_order_of_creation():
    ids = [make_incident().public_id for _ in range(30)]
    assert len(set(ids)) == 30
    # Thirty random ids come out sorted with probability 1/30!; sequential ones always would.
    assert ids != sorted(ids)
    assert ids != sorted(ids, reverse=True)


def test_an_id_is_never_given_again_after_its_record_is_deleted():
    incident = make_incident()
    retired = incident.public_id
    incident.delete()
    assert IssuedPublicId.objects.filter(value=retired).exists()

    with pytest.raises(IntegrityError), transaction.atomic():
        make_incident(public_id=retired)
    assert not Incident.objects.filter(public_id=retired).exists()


def test_an_id_cannot_be_changed_once_given():
    incident = make_incident()
    with pytest.raises(IntegrityError, match="cannot change"), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(public_id="INC-00000000")
    incident.refresh_from_db()
    assert incident.public_id != "INC-00000000"
