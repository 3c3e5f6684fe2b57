"""Witness identities and statements are stored encrypted, under keys separate from SECRET_KEY."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connection

from core.fields import UndecryptableValue
from sources.models import Testimony, Witness

pytestmark = pytest.mark.django_db

MARKER = "Olena-Canary-7731"


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_identity_fields_are_ciphertext_in_the_database_and_text_in_python():
    witness = Witness.objects.create(full_name=MARKER, contact="+380 00 000 0000")
    stored = _raw("sources_witness", "full_name", witness.pk)
    assert MARKER not in stored
    assert Witness.objects.get(pk=witness.pk).full_name == MARKER


def test_a_statement_is_ciphertext_in_the_database():
    testimony = Testimony.objects.create(
        witness=Witness.objects.create(),
        taken_on="2025-02-01",
        directness="direct",
        statement=f"I saw it. {MARKER}",
    )
    assert MARKER not in _raw("sources_testimony", "statement", testimony.pk)
    assert Testimony.objects.get(pk=testimony.pk).statement.endswith(MARKER)


def test_a_value_written_under_another_key_fails_loudly(settings):
    witness = Witness.objects.create(full_name=MARKER)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(UndecryptableValue, match=r"sources\.Witness\.full_name"):
        Witness.objects.get(pk=witness.pk)


def test_an_old_key_still_decrypts_after_a_new_one_is_put_first(settings):
    witness = Witness.objects.create(full_name=MARKER)
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    assert Witness.objects.get(pk=witness.pk).full_name == MARKER


def test_a_malformed_key_is_a_configuration_error(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="entry 1 is not a Fernet key"):
        Witness.objects.create(full_name=MARKER)


def test_encrypted_fields_cannot_be_searched():
    with pytest.raises(FieldError):
        list(Witness.objects.filter(full_name=MARKER))
