"""What holds on every public page: text from the database escaped, the demo banner while demo
data is loaded, a strict Content-Security-Policy and brief public caching.

Olena is a journalist: she browses anonymously, filters the list, opens records and cites them.
"""

from __future__ import annotations

import re

import pytest

from incidents.demo import FICTIONAL_URL
from sources.models import SourceDocument
from tests.factories import make_published_incident
from tests.public_pages import PUBLIC_PAGES, html_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def test_text_from_the_database_is_escaped(client):
    incident = make_published_incident(title="<script>alert(1)</script> near Alpha")
    for url in ("/", "/incidents/", f"/incidents/{incident.public_id}/"):
        html = html_of(client.get(url))
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; near Alpha" in html


def test_every_page_says_its_records_are_fictional_while_demo_data_is_loaded(client):
    incident = make_published_incident(title="Execution near Alpha")
    SourceDocument.objects.create(
        kind="video", title="Demo video (fictional)", url=f"{FICTIONAL_URL}/video-1"
    )
    for url in (*PUBLIC_PAGES, f"/incidents/{incident.public_id}/"):
        html = html_of(client.get(url))
        assert 'class="demo-banner"' in html, url
        if url.startswith("/uk/"):
            assert "Інциденти на цьому сайті вигадані." in html
        else:
            assert "The incidents on this site are fictional." in html


def test_there_is_no_demo_banner_without_demo_data(client):
    incident = make_published_incident(title="Execution near Alpha")
    for url in (*PUBLIC_PAGES, f"/incidents/{incident.public_id}/"):
        html = html_of(client.get(url))
        assert 'class="demo-banner"' not in html, url
        assert "fictional" not in html
        assert "вигадані" not in html


def test_public_pages_forbid_inline_script_and_style(client):
    incident = make_published_incident(title="Execution near Alpha")
    for url in (*PUBLIC_PAGES, f"/incidents/{incident.public_id}/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        assert "unsafe-inline" not in policy
        html = html_of(response)
        # Nothing in the page would need 'unsafe-inline' either.
        assert "<script" not in html
        assert "<style" not in html
        assert not re.search(r"\sstyle=", html)
        assert not re.search(r"\son[a-z]+=", html)
        # No external stylesheet, script, font or image: every asset is our own.
        assert not re.search(r'(src|href)="(https?:)?//[^"]+\.(css|js|woff2?|png|svg)', html)


def test_public_pages_may_be_cached_briefly(client):
    response = client.get("/incidents/")
    assert "public" in response["Cache-Control"]
    assert "max-age=120" in response["Cache-Control"]
