"""Access and request logs never keep what staff typed into the admin's search boxes.

Olga, a witness officer, searches the admin for a witness by name; Nina, a journalist, searches
the public incident list. The servers run as they would for real (runserver in development,
gunicorn with config/gunicorn.conf.py in production), and their own output is read.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from config.log_privacy import ADMIN_PREFIX
from tests.database import owner_url

BASE_DIR = Path(__file__).resolve().parents[2]
OLGAS_SEARCH = "/admin/sources/witness/?q=Petrenko+Bakhmut"
SEEN_BY_OLGA = "/admin/incidents/incident/?q=Vasyl+Hrytsenko&o=2"
NINAS_SEARCH = "/incidents/?q=Avdiivka"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, **headers: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _serve_and_log(command: list[str], port: int, database_url: str) -> str:
    """Start the server, send Olga's and Nina's requests, stop it; what it wrote."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
    }
    server = subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError("The server did not start.") from None
                time.sleep(0.2)
        olgas_page = f"http://127.0.0.1:{port}{SEEN_BY_OLGA}"
        assert _get(port, OLGAS_SEARCH, Referer=olgas_page) == 302  # to the sign-in page
        assert _get(port, NINAS_SEARCH) == 200
        time.sleep(0.5)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    return output


def _assert_no_search_terms(output: str) -> None:
    assert "/admin/sources/witness/" in output
    for term in ("Petrenko", "Bakhmut", "Hrytsenko", "o=2"):
        assert term not in output, output
    # A public address keeps its query: it is the public's, and useful for finding a failure.
    assert NINAS_SEARCH in output


def test_runserver_logs_admin_requests_without_their_query_strings(settings, django_db_setup):
    port = _free_port()
    output = _serve_and_log(
        [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", str(port)],
        port,
        owner_url(),
    )
    _assert_no_search_terms(output)


def test_gunicorns_access_log_leaves_out_admin_query_strings_even_in_referers(
    settings, django_db_setup
):
    port = _free_port()
    output = _serve_and_log(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "config/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "config.wsgi",
        ],
        port,
        owner_url(),
    )
    _assert_no_search_terms(output)
    assert f'"http://127.0.0.1:{port}/admin/incidents/incident/"' in output


@pytest.mark.django_db
def test_the_prefix_the_logs_recognise_is_the_admins():
    assert reverse("admin:index") == ADMIN_PREFIX
