"""A text field encrypted at rest with the dedicated keys in FIELD_ENCRYPTION_KEYS.

The first key encrypts; every key decrypts, so keys can be rotated without downtime. A value
that no key opens raises `UndecryptableValue` rather than reaching a template as if it were text.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class UndecryptableValue(Exception):
    """Stored ciphertext that none of the configured keys can open."""


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty; encrypted fields need a key.")
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode()))
        except ValueError:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS entry {position} is not a Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from None
    return MultiFernet(fernets)


def field_fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def key_fingerprint(key: str) -> str:
    """A short name for a key, by which a backup says which keys it needs: 16 hex digits of a
    SHA-256 of the key's bytes. It tells nothing of the key itself."""
    raw = base64.urlsafe_b64decode(key.encode())
    return hashlib.sha256(b"incident-register field encryption key\0" + raw).hexdigest()[:16]


def encrypt(text: str) -> str:
    return field_fernet().encrypt(text.encode()).decode()


def decrypt(token: str, *, where: str = "a value") -> str:
    try:
        return field_fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableValue(
            f"Cannot decrypt {where}: no key in FIELD_ENCRYPTION_KEYS fits it."
        ) from None


class EncryptedTextField(models.TextField):
    """Text that the database only ever sees as a Fernet token. Cannot be searched or filtered."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value, where=f"{self.model._meta.label}.{self.name}")

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        # Tokens are randomised, so comparing them with plain text is meaningless and would mislead.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


def encrypted_columns() -> list[tuple[str, str, list[str]]]:
    """(table, primary key column, [encrypted column, ...]) for every model with encrypted fields,
    history event tables included."""
    found = []
    for model in apps.get_models():
        columns = [
            field.column
            for field in model._meta.concrete_fields
            if isinstance(field, EncryptedTextField)
        ]
        if columns and not model._meta.proxy:
            found.append((model._meta.db_table, model._meta.pk.column, columns))
    return sorted(found)
