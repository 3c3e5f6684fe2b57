"""The key rotation drill: written under A, rotated with "B,A", read with B alone.

The command rewrites history rows, which only the owner of the tables may allow; it connects as
the owner, which it cannot do inside the test's transaction, so these tests commit.
"""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from core import triggers
from sources.models import Testimony, Witness
from tests import database

# serialized_rollback: a test that commits ends by emptying every table; the regions, incident
# types and groups are put back afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def _raw_tokens() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT full_name FROM sources_witness UNION ALL "
            "SELECT contact FROM sources_witness UNION ALL "
            "SELECT statement FROM sources_testimony UNION ALL "
            "SELECT full_name FROM sources_witnessevent UNION ALL "
            "SELECT statement FROM sources_testimonyevent"
        )
        return [row[0] for row in cursor.fetchall() if row[0]]


def test_values_written_under_an_old_key_are_readable_with_the_new_key_alone(settings, capsys):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    witness = Witness.objects.create(full_name="Fictional Person A", contact="+380 00 111")
    witness.full_name = "Fictional Person A (corrected)"
    witness.save()  # the history now holds the old name, also under key A
    testimony = Testimony.objects.create(
        witness=witness, taken_on="2025-01-02", directness="direct", statement="I saw it."
    )

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    call_command("rotate_encryption_keys")
    assert "Every encrypted value now uses the first key" in capsys.readouterr().out

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    only_b = Fernet(KEY_B.encode())
    assert all(only_b.decrypt(token.encode()) for token in _raw_tokens())
    witness = Witness.objects.get(pk=witness.pk)
    assert (witness.full_name, witness.contact) == ("Fictional Person A (corrected)", "+380 00 111")
    assert Testimony.objects.get(pk=testimony.pk).statement == "I saw it."
    assert {event.full_name for event in witness.events.all()} == {
        "Fictional Person A",
        "Fictional Person A (corrected)",
    }


def test_rotation_writes_no_history_of_its_own(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    witness = Witness.objects.create(full_name="Fictional Person B")
    before = witness.events.count()
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    call_command("rotate_encryption_keys")
    assert witness.events.count() == before


def test_rotation_changes_nothing_when_a_value_cannot_be_decrypted(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    Witness.objects.create(full_name="Fictional Person C")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    Witness.objects.create(full_name="Fictional Person D")
    tokens_before = sorted(_raw_tokens())

    with pytest.raises(CommandError, match=r"sources_witness\.full_name row"):
        call_command("rotate_encryption_keys")
    assert sorted(_raw_tokens()) == tokens_before
    # The history is append-only again, for the owner too.
    with database.connect(owner=True) as owner:
        assert triggers.disabled_guards(owner.cursor()) == []
