"""Re-encrypt every encrypted value, in live tables and history alike, under the first key.

History rows are append-only (core/triggers.py): a trigger refuses to rewrite them. Re-encrypting
changes no value anyone reads, so the command connects as the owner of the tables
(`DATABASE_OWNER_URL`, when set) and lifts those triggers for its own transaction, which only the
owner may do.
"""

from __future__ import annotations

import pgtrigger
from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from core import database_roles, triggers
from core.fields import EncryptedTextField, encrypted_columns, field_fernet


def _history_triggers() -> list[str]:
    # Re-encrypting changes no content; recording it would add a meaningless history row per
    # record per rotation.
    return [
        f"{model._meta.label}:update_update"
        for model in apps.get_models()
        if any(isinstance(field, EncryptedTextField) for field in model._meta.concrete_fields)
        and any(trigger.name == "update_update" for trigger in getattr(model._meta, "triggers", []))
    ]


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field under the first key of FIELD_ENCRYPTION_KEYS, so that "
        "older keys can then be removed. All or nothing: any value no key opens stops the run."
    )

    def handle(self, *args, **options) -> None:
        fernet = field_fernet()
        failures: list[str] = []
        counts: dict[str, int] = {}
        tables = encrypted_columns()
        with (
            database_roles.as_owner(),
            transaction.atomic(),
            pgtrigger.ignore(*_history_triggers()),
            connection.cursor() as cursor,
            triggers.row_guards_lifted(cursor, [table for table, _, _ in tables]),
        ):
            for table, key, columns in tables:
                counts[table] = self._rotate_table(fernet, table, key, columns, failures)
            if failures:
                raise CommandError(
                    "No value was changed: these could not be decrypted with any key in "
                    "FIELD_ENCRYPTION_KEYS:\n" + "\n".join(failures)
                )
        for table, count in counts.items():
            self.stdout.write(f"{table}: {count} value(s) re-encrypted")
        self.stdout.write(self.style.SUCCESS("Every encrypted value now uses the first key."))

    def _rotate_table(
        self, fernet, table: str, key: str, columns: list[str], failures: list[str]
    ) -> int:
        quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
        rotated = 0
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {key}, {quoted} FROM {connection.ops.quote_name(table)}")
            rows = cursor.fetchall()
            for row_id, *values in rows:
                updates = {}
                for column, token in zip(columns, values, strict=True):
                    if not token:
                        continue
                    try:
                        updates[column] = fernet.rotate(token.encode()).decode()
                    except InvalidToken:
                        failures.append(f"  {table}.{column} row {row_id}")
                if updates and not failures:
                    assignments = ", ".join(
                        f"{connection.ops.quote_name(column)} = %s" for column in updates
                    )
                    cursor.execute(
                        f"UPDATE {connection.ops.quote_name(table)} SET {assignments} "
                        f"WHERE {key} = %s",
                        [*updates.values(), row_id],
                    )
                    rotated += len(updates)
        return rotated
