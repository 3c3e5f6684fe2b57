"""Settings come from the environment: bad values stop the process; unsafe production never runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_choice,
    env_list,
    env_networks,
    env_redis_url,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parents[2]

SAFE_PRODUCTION = {
    "DJANGO_ENV": "production",
    "DEBUG": "false",
    "SECRET_KEY": "k" * 50,
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "DATABASE_URL": "postgres://monitor@db.internal:5432/register",
    "ALLOWED_HOSTS": "register.example.org",
}


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Load the settings in a fresh interpreter, as a server process would at start-up."""
    clean = {k: v for k, v in os.environ.items() if k not in SAFE_PRODUCTION}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_safe_production_configuration_starts():
    result = _start(SAFE_PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"DEBUG": "true"}, "DEBUG is on"),
        ({"SECRET_KEY": ""}, "SECRET_KEY is missing"),
        ({"SECRET_KEY": "development-only-secret-key-never-use-in-production"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "shorter than 40"),
        ({"FIELD_ENCRYPTION_KEYS": ""}, "FIELD_ENCRYPTION_KEYS is missing"),
        ({"DATABASE_URL": ""}, "DATABASE_URL is missing"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is missing"),
        ({"STAFF_2FA_REQUIRED": "false"}, "STAFF_2FA_REQUIRED is off"),
    ],
)
def test_production_refuses_an_unsafe_configuration(override, complaint):
    result = _start({**SAFE_PRODUCTION, **override})
    assert result.returncode != 0
    assert "Refusing to start in production" in result.stderr
    assert complaint in result.stderr


def test_a_misspelt_environment_name_is_refused():
    result = _start({**SAFE_PRODUCTION, "DJANGO_ENV": "prod"})
    assert result.returncode != 0
    assert "DJANGO_ENV must be one of development, production, not 'prod'" in result.stderr


def test_a_database_other_than_postgresql_is_refused():
    result = _start({**SAFE_PRODUCTION, "DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


def test_the_proxy_count_of_earlier_versions_is_refused():
    result = _start({"DJANGO_ENV": "development", "TRUSTED_PROXY_COUNT": "1"})
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT is no longer read" in result.stderr


def test_trusted_proxies_are_addresses_or_networks():
    assert [str(n) for n in env_networks("P", environ={"P": "10.0.0.2, 2001:db8::/32"})] == [
        "10.0.0.2/32",
        "2001:db8::/32",
    ]
    with pytest.raises(ImproperlyConfigured, match="P must list IP addresses or networks"):
        env_networks("P", environ={"P": "proxy.internal"})


def test_a_redis_url_is_checked_without_repeating_its_password():
    assert env_redis_url("R", environ={"R": "redis://:s3cret@cache:6379/0"})
    with pytest.raises(ImproperlyConfigured, match="R must look like redis://") as refused:
        env_redis_url("R", environ={"R": "http://:s3cret@cache:6379/0"})
    assert "s3cret" not in str(refused.value)


def test_boolean_settings_accept_the_usual_spellings_and_nothing_else():
    assert env_bool("X", False, environ={"X": "Yes"}) is True
    assert env_bool("X", True, environ={"X": "0"}) is False
    assert env_bool("X", True, environ={}) is True
    with pytest.raises(ImproperlyConfigured, match="X must be true or false"):
        env_bool("X", False, environ={"X": "maybe"})


def test_list_and_choice_settings():
    assert env_list("HOSTS", [], environ={"HOSTS": "a.org, b.org,,"}) == ["a.org", "b.org"]
    assert env_choice("ENV", ("development", "production"), "development", environ={}) == (
        "development"
    )


def test_database_urls_are_parsed_for_tcp_and_for_sockets():
    tcp = parse_database_url("postgres://alice:s%40cret@db.internal:6543/register?sslmode=require")
    assert (tcp["USER"], tcp["PASSWORD"], tcp["HOST"], tcp["PORT"], tcp["NAME"]) == (
        "alice",
        "s@cret",
        "db.internal",
        "6543",
        "register",
    )
    assert tcp["OPTIONS"] == {"sslmode": "require"}
    socket = parse_database_url("postgresql://postgres@/register?host=/run/pg&port=5433")
    assert (socket["HOST"], socket["PORT"], socket["OPTIONS"]) == ("/run/pg", "5433", {})


def test_a_database_url_without_a_database_name_is_refused():
    with pytest.raises(ImproperlyConfigured, match="must name a database"):
        parse_database_url("postgres://db.internal:5432/")
