"""The methodology page (`/methodology/`): how records are verified and what is never published.

Olena is a journalist: she browses anonymously, filters the list, opens records and cites them.
"""

from __future__ import annotations

import pytest

from tests.public_pages import html_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def test_the_methodology_page_explains_the_statuses_the_standard_and_what_is_never_published(
    client,
):
    response = client.get("/methodology/")
    assert response.status_code == 200
    html = html_of(response)
    for status in ("Verified", "Acknowledged", "Credible", "Single source", "Contested"):
        assert f">{status}</span>" in html
    assert "Standard of proof" in html
    assert "reasonable grounds to believe" in html
    assert "What we never publish, and why" in html
