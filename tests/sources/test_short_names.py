"""A source lists the short names and acronyms of its publisher (HRMMU, OHCHR, COI, HUR), so
that staff and the public find it by them. Alice is an analyst."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from incidents.models import CorrectionNote
from sources.models import SourceDocument
from sources.services import source_create, source_update
from tests.factories import make_published_incident

pytestmark = pytest.mark.django_db


def add(alice, **data) -> SourceDocument:
    return source_create(actor=alice, data={"kind": "un-report", "title": "Update", **data})


def test_short_names_are_stored_trimmed_in_the_order_given(alice):
    source = add(alice, short_names=[" HRMMU", "OHCHR ", "", "ГУР", "UN-HRMMU"])

    source.refresh_from_db()
    assert source.short_names == ["HRMMU", "OHCHR", "ГУР", "UN-HRMMU"]


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["H"], "“H” is too short: a short name has 2 to 20 characters."),
        (["A" * 21], f"“{'A' * 21}” is too long: a short name has 2 to 20 characters."),
        (
            ["UN HRMMU"],
            "“UN HRMMU” is not a short name: use letters and digits, with hyphens between them "
            "(no spaces or other signs).",
        ),
        (
            ["-COI"],
            "“-COI” is not a short name: use letters and digits, with hyphens between them "
            "(no spaces or other signs).",
        ),
        (
            ["O'HCHR"],
            "“O'HCHR” is not a short name: use letters and digits, with hyphens between them "
            "(no spaces or other signs).",
        ),
        (["HRMMU", "hrmmu"], "“hrmmu” is listed twice."),
    ],
)
def test_what_is_not_a_short_name_is_refused_on_the_field(alice, names, message):
    with pytest.raises(ValidationError) as refused:
        add(alice, short_names=names)

    assert refused.value.message_dict == {"short_names": [message]}
    assert not SourceDocument.objects.exists()


def test_every_refused_name_is_named_at_once(alice):
    source = add(alice, short_names=["COI"])

    with pytest.raises(ValidationError) as refused:
        source_update(source=source, actor=alice, data={"short_names": ["X", "COI", "coi", "a b"]})

    assert len(refused.value.message_dict["short_names"]) == 3
    source.refresh_from_db()
    assert source.short_names == ["COI"]


def test_a_change_of_short_names_is_in_the_history(alice):
    source = add(alice, short_names=["COI"])

    source_update(source=source, actor=alice, data={"short_names": ["COI", "IICIHR"]})

    snapshots = SourceDocument.pgh_event_model.objects.filter(pgh_obj_id=source.pk)
    assert list(snapshots.order_by("pgh_id").values_list("pgh_label", "short_names")) == [
        ("insert", ["COI"]),
        ("update", ["COI", "IICIHR"]),
    ]


def test_short_names_of_a_cited_public_source_change_without_a_correction(alice, client):
    # They are a finding aid, not part of any public document: partners' copies do not move.
    incident = make_published_incident()
    source = incident.source_links.get().source
    document = client.get(f"/api/v1/incidents/{incident.public_id}/").json()

    source_update(source=source, actor=alice, data={"short_names": ["HRMMU"]})

    # Its `updated_at` included, which `?updated_since=` follows.
    assert client.get(f"/api/v1/incidents/{incident.public_id}/").json() == document
    assert not CorrectionNote.objects.filter(incident=incident).exists()
    found = client.get("/api/v1/sources/", {"q": "hrmmu"}).json()["results"]
    assert [row["public_id"] for row in found] == [source.public_id]
