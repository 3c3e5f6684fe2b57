"""Settings come from the environment: bad values stop the process; unsafe production never runs."""

from __future__ import annotations

import re
import sys

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
from tests.config.starting import BASE_DIR, SAFE_PRODUCTION, start

# A development start that names a database, so that loading the settings never starts (and
# leaves running) the developer's embedded server; nothing here connects to it.
DEVELOPMENT = {"DJANGO_ENV": "development", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/unused"}


@pytest.mark.parametrize(
    "owner", ["", "postgres://register_owner:s3cret@db.internal:5432/register"]
)
def test_a_safe_production_configuration_starts(owner):
    result = start({**SAFE_PRODUCTION, "DATABASE_OWNER_URL": owner})
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"DEBUG": "true"}, "DEBUG is on"),
        ({"SECRET_KEY": ""}, "SECRET_KEY is missing"),
        (
            {"SECRET_KEY": "development-only-secret-key-never-use-in-production"},
            "SECRET_KEY is the development placeholder",
        ),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is weak"),
        ({"SECRET_KEY": "k" * 60}, "SECRET_KEY is weak"),
        ({"SECRET_KEY": "abcd" * 15}, "SECRET_KEY is weak"),
        ({"SECRET_KEY": "django-insecure-" + SAFE_PRODUCTION["SECRET_KEY"]}, "SECRET_KEY is weak"),
        ({"FIELD_ENCRYPTION_KEYS": ""}, "FIELD_ENCRYPTION_KEYS is missing"),
        ({"DATABASE_URL": ""}, "DATABASE_URL is missing"),
        (
            {"DATABASE_OWNER_URL": "postgres://owner@db.internal:5432/other"},
            "DATABASE_OWNER_URL must name the same database as DATABASE_URL",
        ),
        (
            {"DATABASE_OWNER_URL": "postgres://monitor@db.internal:5432/register"},
            "DATABASE_URL and DATABASE_OWNER_URL name the same role",
        ),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is missing"),
        ({"ALLOWED_HOSTS": "register.example.org,*"}, "ALLOWED_HOSTS contains *"),
        ({"STAFF_2FA_REQUIRED": "false"}, "STAFF_2FA_REQUIRED is off"),
        ({"MEDIA_ROOT": ""}, "MEDIA_ROOT is missing"),
        ({"MEDIA_ROOT": "evidence"}, "MEDIA_ROOT must be an absolute path"),
        ({"MEDIA_ROOT": str(BASE_DIR / "static" / "evidence")}, "overlaps the code"),
        ({"MEDIA_ROOT": str(BASE_DIR / "staticfiles" / "e")}, "overlaps the collected static"),
        ({"MEDIA_ROOT": str(BASE_DIR / ".data" / "evidence")}, "overlaps the code"),
        ({"MEDIA_ROOT": str(BASE_DIR.parent)}, "overlaps"),
        ({"REDIS_URL": ""}, "REDIS_URL is missing"),
        ({"API_ANON_RATE": "off"}, "API_ANON_RATE is off"),
        ({"SITE_PAGE_RATE": "off"}, "SITE_PAGE_RATE is off"),
        ({"LOGIN_PAGE_RATE": "off"}, "LOGIN_PAGE_RATE is off"),
        ({"LOGIN_FAILURE_LIMIT": "0"}, "LOGIN_FAILURE_LIMIT must be between 1 and 50"),
        ({"LOGIN_FAILURE_LIMIT": "100000"}, "LOGIN_FAILURE_LIMIT must be between 1 and 50"),
        ({"LOGIN_LOCKOUT_MINUTES": "0"}, "LOGIN_LOCKOUT_MINUTES must be more than 0"),
        ({"EVIDENCE_MAX_UPLOAD_MB": "0"}, "EVIDENCE_MAX_UPLOAD_MB must be more than 0"),
        ({"EVIDENCE_MAX_UPLOAD_MB": "-5"}, "EVIDENCE_MAX_UPLOAD_MB must be more than 0"),
        ({"SECURE_SSL_REDIRECT": "false"}, "SECURE_SSL_REDIRECT is off"),
        ({"SECURE_HSTS_SECONDS": "0"}, "SECURE_HSTS_SECONDS must be more than 0"),
    ],
)
def test_production_refuses_an_unsafe_configuration(override, complaint):
    result = start({**SAFE_PRODUCTION, **override})
    assert result.returncode != 0
    assert "Refusing to start in production" in result.stderr
    assert complaint in result.stderr


def test_every_problem_is_listed_at_once():
    result = start({**SAFE_PRODUCTION, "ALLOWED_HOSTS": "*", "SECURE_HSTS_SECONDS": "0"})
    assert "ALLOWED_HOSTS contains *" in result.stderr
    assert "SECURE_HSTS_SECONDS must be more than 0" in result.stderr


def test_the_documented_example_secret_key_is_refused():
    example = re.search(r"^SECRET_KEY=(\S+)", (BASE_DIR / "docs/deployment.md").read_text(), re.M)
    result = start({**SAFE_PRODUCTION, "SECRET_KEY": example.group(1)})
    assert "SECRET_KEY is weak" in result.stderr


@pytest.mark.parametrize(
    "keys",
    [
        "not-a-fernet-key",
        Fernet.generate_key().decode() + ",not-a-fernet-key",
        Fernet.generate_key().decode()[:-4],
    ],
)
def test_an_invalid_encryption_key_stops_the_start_and_is_not_printed(keys):
    result = start({**SAFE_PRODUCTION, "FIELD_ENCRYPTION_KEYS": keys})
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS: key" in result.stderr
    assert "is not a Fernet key" in result.stderr
    for key in keys.split(","):
        assert key not in result.stderr


def test_an_invalid_encryption_key_stops_development_too():
    result = start({**DEVELOPMENT, "FIELD_ENCRYPTION_KEYS": "not-a-fernet-key"})
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS: key 1 of 1 is not a Fernet key" in result.stderr


def test_the_deployment_checklist_finds_nothing_in_a_safe_production_configuration():
    result = start(
        SAFE_PRODUCTION, sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_misspelt_environment_name_is_refused():
    result = start({**SAFE_PRODUCTION, "DJANGO_ENV": "prod"})
    assert result.returncode != 0
    assert "DJANGO_ENV must be one of development, production, not 'prod'" in result.stderr


@pytest.mark.parametrize("variable", ["DATABASE_URL", "DATABASE_OWNER_URL"])
def test_a_database_other_than_postgresql_is_refused(variable):
    result = start({**SAFE_PRODUCTION, variable: "sqlite:///db.sqlite3"})
    assert result.returncode != 0
    assert f"{variable} must start with postgres://" in result.stderr
    assert "PostgreSQL only" in result.stderr


def test_an_owner_url_that_is_not_postgresql_is_refused_by_its_name():
    result = start({**SAFE_PRODUCTION, "DATABASE_OWNER_URL": "mysql://owner@db.internal/register"})
    assert result.returncode != 0
    assert "DATABASE_OWNER_URL must start with postgres:// or postgresql://" in result.stderr


def test_the_proxy_count_of_earlier_versions_is_refused():
    result = start({**DEVELOPMENT, "TRUSTED_PROXY_COUNT": "1"})
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
