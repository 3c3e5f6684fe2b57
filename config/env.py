"""Read settings from environment variables, failing loudly on a value that makes no sense.

A typo in a deployment's environment must stop the process at start-up with a message naming the
variable, not surface later as a half-configured site.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from core.ratelimit import RATE_PERIODS

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] = os.environ) -> str:
    return environ.get(name, default).strip()


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] = os.environ) -> bool:
    if name not in environ:
        return default
    value = environ[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}."
    )


def env_int(name: str, default: int, *, environ: Mapping[str, str] = os.environ) -> int:
    value = environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] = os.environ
) -> list[str]:
    if name not in environ:
        return default
    return [item.strip() for item in environ[name].split(",") if item.strip()]


def env_choice(
    name: str, choices: tuple[str, ...], default: str, *, environ: Mapping[str, str] = os.environ
) -> str:
    value = environ.get(name, default).strip().lower() or default
    if value not in choices:
        allowed = ", ".join(choices)
        raise ImproperlyConfigured(f"{name} must be one of {allowed}, not {value!r}.")
    return value


def env_rate(name: str, default: str, *, environ: Mapping[str, str] = os.environ) -> str | None:
    """A rate like 60/min (per second, min, hour or day); "off" for no limit."""
    value = environ.get(name, default).strip().lower()
    if value == "off":
        return None
    count, _, period = value.partition("/")
    if not count.isdigit() or int(count) < 1 or period not in RATE_PERIODS:
        raise ImproperlyConfigured(
            f"{name} must look like 60/min (per sec, min, hour or day) or be off, not {value!r}."
        )
    return value


def env_fernet_keys(name: str, *, environ: Mapping[str, str] = os.environ) -> list[str]:
    """Comma-separated Fernet keys, each checked now rather than at the first encrypted write.

    The message names the key by its position only: a key never belongs in a log.
    """
    keys = env_list(name, [], environ=environ)
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: key {position} of {len(keys)} is not a Fernet key (32 url-safe "
                "base64-encoded bytes, as Fernet.generate_key() makes)."
            ) from None
    return keys


def env_networks(
    name: str, *, environ: Mapping[str, str] = os.environ
) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Comma-separated IP addresses or networks (192.0.2.10, 10.0.0.0/8, 2001:db8::/32)."""
    networks = []
    for item in env_list(name, [], environ=environ):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or networks such as 10.0.0.0/8, not {item!r}."
            ) from None
    return networks


def env_redis_url(name: str, *, environ: Mapping[str, str] = os.environ) -> str:
    value = env_str(name, environ=environ)
    # The value is not repeated in the message: it may carry a password.
    if value and urlsplit(value).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(
            f"{name} must look like redis://host:6379/0 (or rediss://, unix://)."
        )
    return value


def parse_database_url(url: str, *, variable: str = "DATABASE_URL") -> dict[str, object]:
    """Turn `postgres://user:password@host:port/name?options` into a Django DATABASES entry.

    A Unix socket directory may be given as `?host=/path` (libpq's own convention). Messages name
    `variable`, the setting the URL comes from.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"{variable} must start with postgres:// or postgresql://, not {parts.scheme!r}://. "
            "The project runs on PostgreSQL only."
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured(f"{variable} must name a database, e.g. postgres://host/dbname.")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    host = query.pop("host", None) or unquote(parts.hostname or "")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{variable} has a port that is not a number.") from None
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(query.pop("port", "") or port or ""),
        "OPTIONS": query,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


# A lockout that never triggers, or triggers only after thousands of guesses, is no lockout.
LOGIN_FAILURE_LIMIT_RANGE = (1, 50)
# SECRET_KEY: at least this long, with at least this many different characters (a 64-digit hex
# key has 16), so that a placeholder or a repeated character is refused.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_DISTINCT = 10


def production_problems(
    *,
    debug: bool,
    secret_key: str,
    default_secret_key: str,
    field_encryption_keys: list[str],
    database_url: str,
    database_owner_url: str,
    allowed_hosts: list[str],
    staff_2fa_required: bool,
    media_root: str,
    code_dir: Path,
    static_root: Path,
    redis_url: str,
    public_rates: Mapping[str, str | None],
    login_failure_limit: int,
    login_lockout: float | timedelta,
    upload_limit_bytes: int,
    ssl_redirect: bool,
    hsts_seconds: int,
) -> list[str]:
    """What keeps a production configuration from being safe to start, one sentence each.

    `public_rates` maps the variable that sets each public rate limit to its value;
    `login_lockout` is django-axes' cool-off time (hours, or a timedelta).
    """
    problems = []
    if debug:
        problems.append("DEBUG is on; set DEBUG=false.")
    problems += _secret_key_problems(secret_key, default_secret_key)
    if not field_encryption_keys:
        problems.append(
            "FIELD_ENCRYPTION_KEYS is missing; witness identities cannot be stored without it."
        )
    if not database_url:
        problems.append("DATABASE_URL is missing; the embedded database is for development only.")
    problems += _database_owner_problems(database_url, database_owner_url)
    if not allowed_hosts:
        problems.append("ALLOWED_HOSTS is missing.")
    if "*" in allowed_hosts:
        problems.append("ALLOWED_HOSTS contains *; list the host names the site is served under.")
    if not staff_2fa_required:
        problems.append("STAFF_2FA_REQUIRED is off; every staff sign-in needs a second factor.")
    problems += _media_root_problems(media_root, code_dir=code_dir, static_root=static_root)
    if not redis_url:
        problems.append(
            "REDIS_URL is missing; rate limits must be counted in a cache that every worker shares."
        )
    problems += [
        f"{name} is off; the public site and API need a rate limit."
        for name, rate in public_rates.items()
        if rate is None
    ]
    low, high = LOGIN_FAILURE_LIMIT_RANGE
    if not low <= login_failure_limit <= high:
        problems.append(f"LOGIN_FAILURE_LIMIT must be between {low} and {high}.")
    if not isinstance(login_lockout, timedelta):
        login_lockout = timedelta(hours=login_lockout)
    if login_lockout <= timedelta(0):
        problems.append("LOGIN_LOCKOUT_MINUTES must be more than 0.")
    if upload_limit_bytes <= 0:
        problems.append("EVIDENCE_MAX_UPLOAD_MB must be more than 0.")
    if not ssl_redirect:
        problems.append("SECURE_SSL_REDIRECT is off; staff passwords must never cross in clear.")
    if hsts_seconds <= 0:
        problems.append("SECURE_HSTS_SECONDS must be more than 0 (a year: 31536000).")
    return problems


def _database_owner_problems(database_url: str, database_owner_url: str) -> list[str]:
    # DATABASE_OWNER_URL is optional here: the web servers never need it, only whoever runs
    # `migrate`. Whether DATABASE_URL's role owns anything is asked of the database itself at
    # start-up (config/wsgi.py), since a name cannot tell.
    if not (database_url and database_owner_url):
        return []
    application = parse_database_url(database_url)
    owner = parse_database_url(database_owner_url, variable="DATABASE_OWNER_URL")
    if (owner["NAME"], owner["HOST"], owner["PORT"]) != (
        application["NAME"],
        application["HOST"],
        application["PORT"],
    ):
        return ["DATABASE_OWNER_URL must name the same database as DATABASE_URL."]
    if owner["USER"] == application["USER"]:
        return [
            "DATABASE_URL and DATABASE_OWNER_URL name the same role; the application must connect "
            "as a role that owns nothing (docs/deployment.md)."
        ]
    return []


def _secret_key_problems(secret_key: str, default_secret_key: str) -> list[str]:
    if not secret_key:
        return ["SECRET_KEY is missing."]
    if secret_key == default_secret_key:
        return ["SECRET_KEY is the development placeholder."]
    if (
        len(secret_key) < SECRET_KEY_MIN_LENGTH
        or len(set(secret_key)) < SECRET_KEY_MIN_DISTINCT
        or secret_key.startswith("django-insecure-")
    ):
        return [
            f"SECRET_KEY is weak: use at least {SECRET_KEY_MIN_LENGTH} random characters "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
        ]
    return []


def _media_root_problems(media_root: str, *, code_dir: Path, static_root: Path) -> list[str]:
    if not media_root:
        return ["MEDIA_ROOT is missing; evidence files need a private directory."]
    path = Path(media_root)
    if not path.is_absolute():
        return ["MEDIA_ROOT must be an absolute path."]
    path = path.resolve()
    for other, what in ((static_root, "the collected static files"), (code_dir, "the code")):
        other = other.resolve()
        if path == other or other in path.parents or path in other.parents:
            return [
                f"MEDIA_ROOT ({path}) overlaps {what} ({other}); keep evidence files in a "
                "private directory of their own."
            ]
    return []
