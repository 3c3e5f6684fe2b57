"""Django's `flush`, for development and test databases only.

Evidence files, custody events, history, issued ids and correction notes are never emptied: a
trigger refuses TRUNCATE on each (core/triggers.py). A test that commits (a transactional or
live-server test) ends with a flush, and a developer may want an empty database; so this command
connects as the owner of the tables (`DATABASE_OWNER_URL`, when set) and lifts those triggers for
its own transaction, which only the owner may do. It refuses to run in production, where nothing
should ever empty the register.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections, transaction

from core import database_roles, triggers


class Command(flush.Command):
    help = (
        "Empty every table of a development or test database, evidence and history included. "
        "Refused with DJANGO_ENV=production."
    )

    def handle(self, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "flush is refused with DJANGO_ENV=production: it would empty the evidence, its "
                "chain of custody and the history."
            )
        using = options["database"]
        if options["interactive"]:
            # Asked here, before any table is locked, rather than by Django's flush.
            answer = input(
                f"This empties every table of the database "
                f"{connections[using].settings_dict['NAME']!r}: evidence records, the chain of "
                "custody and the history included. Type 'yes' to continue: "
            )
            if answer != "yes":
                self.stdout.write("Flush cancelled.")
                return
        with (
            database_roles.as_owner(using),
            transaction.atomic(using=using),
            connections[using].cursor() as cursor,
            triggers.truncate_guards_lifted(cursor),
        ):
            super().handle(**{**options, "interactive": False})
