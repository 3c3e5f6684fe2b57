"""Starting a process with a production environment, as a server would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parents[2]

SAFE_PRODUCTION = {
    "DJANGO_ENV": "production",
    "DEBUG": "false",
    "SECRET_KEY": "h7Jq2-Lm9xR4tV8wZ1bN6cF3dG5kP0sY_aE7uI2oW9rT4yQ1mX8z",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "DATABASE_URL": "postgres://monitor@db.internal:5432/register",
    "ALLOWED_HOSTS": "register.example.org",
    "MEDIA_ROOT": "/srv/register-evidence",
    "REDIS_URL": "redis://cache.internal:6379/0",
}
# Every variable that production reads, so that the developer's own environment cannot leak in.
PRODUCTION_VARIABLES = {
    *SAFE_PRODUCTION,
    "STAFF_2FA_REQUIRED",
    "TRUSTED_PROXIES",
    "API_ANON_RATE",
    "SITE_PAGE_RATE",
    "LOGIN_PAGE_RATE",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_LOCKOUT_MINUTES",
    "EVIDENCE_MAX_UPLOAD_MB",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "DATABASE_OWNER_URL",
}


def start(env: dict[str, str], *command: str) -> subprocess.CompletedProcess[str]:
    """Load the settings in a fresh interpreter, as a server process would at start-up."""
    # The browser tests allow async-unsafe calls in their own process; a server never does.
    ignored = {*PRODUCTION_VARIABLES, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    return subprocess.run(
        command or [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
