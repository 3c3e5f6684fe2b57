"""The work queue on the admin's landing page: each person sees what waits for them, with a link
to the full list, at a cost that does not grow with the register.

Alice is an analyst. Bob and Carol are reviewers. Dave is staff with no role.
"""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from incidents.services import incident_return_to_draft
from tests.admin_browser import as_user, text
from tests.factories import make_in_review, make_published_incident, make_ready_draft

pytestmark = pytest.mark.django_db


def queue_table(response, slug: str) -> str | None:
    found = re.search(rf'id="queue-{slug}".*?</table>', response.content.decode(), re.S)
    return html.unescape(found.group()) if found else None


def test_the_work_queue_shows_each_person_what_waits_for_them(alice, bob, carol):
    assigned_draft = make_ready_draft(created_by=carol, title="Assigned draft", assigned_to=alice)
    assigned_published = make_published_incident(title="Assigned but published", assigned_to=alice)
    waiting = make_in_review(carol, title="Waiting for a reviewer")
    not_submitted = make_ready_draft(created_by=carol, title="Still a draft")
    returned = incident_return_to_draft(
        incident=make_in_review(alice, title="Returned to Alice"),
        actor=bob,
        comment="Add a source.",
    )

    alices = as_user(alice).get(reverse("admin:index"))
    bobs = as_user(bob).get(reverse("admin:index"))

    assert assigned_draft.title in queue_table(alices, "assigned")
    assert assigned_published.title not in queue_table(alices, "assigned")
    assert returned.title in queue_table(alices, "returned")
    assert queue_table(alices, "review") is None
    assert waiting.title in queue_table(bobs, "review")
    assert not_submitted.title not in queue_table(bobs, "review")
    assert returned.title not in queue_table(bobs, "returned")


def test_an_empty_work_queue_says_so(bob):
    response = as_user(bob).get(reverse("admin:index"))

    assert "Nothing is assigned to you." in queue_table(response, "assigned")
    assert "Nothing is waiting for review." in queue_table(response, "review")
    assert "Nothing has been returned to you." in queue_table(response, "returned")


def test_each_work_queue_links_to_its_full_list(alice, bob, carol):
    mine = incident_return_to_draft(
        incident=make_in_review(alice, title="Returned to Alice"),
        actor=bob,
        comment="Add a source.",
    )
    carols = incident_return_to_draft(
        incident=make_in_review(carol, title="Returned to Carol"),
        actor=bob,
        comment="Add a source.",
    )
    client = as_user(alice)
    assert "?queue=returned" in queue_table(client.get(reverse("admin:index")), "returned")

    response = client.get(reverse("admin:incidents_incident_changelist"), {"queue": "returned"})

    assert response.status_code == 200
    page = text(response)
    assert mine.public_id in page
    assert carols.public_id not in page


def test_a_user_without_incident_access_gets_no_work_queue(dave):
    response = as_user(dave).get(reverse("admin:index"))

    assert response.status_code == 200
    assert queue_table(response, "assigned") is None


def test_the_work_queue_makes_the_same_queries_for_few_and_many_incidents(
    alice, bob, django_assert_max_num_queries
):
    client = as_user(bob)

    def count_queries() -> int:
        with django_assert_max_num_queries(30) as captured:
            assert client.get(reverse("admin:index")).status_code == 200
        return len(captured)

    for n in range(3):
        make_in_review(alice, title=f"Incident {n}", assigned_to=bob)
    with_3 = count_queries()
    for n in range(25):
        make_in_review(alice, title=f"More {n}", assigned_to=bob)
    with_28 = count_queries()

    assert with_28 == with_3
    review_table = queue_table(client.get(reverse("admin:index")), "review")
    assert review_table.count("<tr>") == 1 + 20  # the heading row and the 20 oldest
    assert "Incident 0" in review_table
