"""Rate-limit counters live in Redis (REDIS_URL), so every worker process and host counts together.

Mallory's requests reach two gunicorn workers: this test process is one, a second Python process
the other. Nina reads the site from another address.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
MALLORY = "198.51.100.7"
NINA = "192.0.2.40"
# A day, so that the window cannot end between the two processes' requests.
RATE = "5/day"


def _count_in_another_worker(settings, requests: int) -> list[int | None]:
    """Count Mallory's page requests in a separate process; what each was told to wait."""
    script = (
        "import django, json; django.setup()\n"
        "from core.ratelimit import seconds_to_wait\n"
        f"print(json.dumps([seconds_to_wait(scope='site-page', identity={MALLORY!r}, "
        f"rate={RATE!r}) for _ in range({requests})]))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "REDIS_URL": settings.REDIS_URL,
        # Settings only: the process never opens a database connection.
        "DATABASE_URL": "postgres://unused@127.0.0.1:1/unused",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_two_workers_count_against_the_same_limit(client, settings, redis_cache):
    settings.SITE_RATE_LIMITS = {"page": RATE, "login": None}
    assert _count_in_another_worker(settings, 4) == [None] * 4
    assert client.get("/methodology/", REMOTE_ADDR=MALLORY).status_code == 200
    assert client.get("/methodology/", REMOTE_ADDR=MALLORY).status_code == 429
    assert client.get("/methodology/", REMOTE_ADDR=NINA).status_code == 200
    [wait] = _count_in_another_worker(settings, 1)
    assert wait is not None
    assert wait > 0
