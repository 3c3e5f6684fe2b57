"""Publishing exact coordinates is a reviewer's decision; Alice is an analyst, Bob a reviewer."""

from __future__ import annotations

import pytest

from tests.factories import make_ready_draft

pytestmark = pytest.mark.django_db


def test_only_a_reviewer_may_mark_coordinates_public(client, alice, bob):
    draft = make_ready_draft(created_by=alice)
    url = f"/admin/incidents/incident/{draft.pk}/change/"

    client.force_login(alice)
    assert 'name="coordinates_public"' not in client.get(url).content.decode()
    client.force_login(bob)
    assert 'name="coordinates_public"' in client.get(url).content.decode()
