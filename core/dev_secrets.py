"""Development-only secrets kept under `.data/`, created on first use.

Production takes every secret from the environment and refuses to start without them; a developer's
machine should not need any set-up, so it gets throwaway keys that never leave the checkout.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable
from pathlib import Path


def read_or_create(path: Path, generate: Callable[[], str], what: str) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = generate()
    path.touch(mode=0o600)
    path.write_text(value + "\n")
    print(f"Created a development {what} in {path} (development only).", file=sys.stderr)
    return value


def new_secret_key() -> str:
    return secrets.token_urlsafe(50)


def new_fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()
