"""Django's `migrate`, followed by what must hold after every migration.

Migrations that install a django-pgtrigger trigger also put back pgtrigger's version of its
`_pgtrigger_should_ignore` function, which lets any session skip those triggers; this command
installs the version that believes that setting only from the owner of the table
(core/triggers.py), after every run.
"""

from __future__ import annotations

from django.core.management.commands import migrate
from django.db import connections, transaction

from core import triggers


class Command(migrate.Command):
    help = migrate.Command.help + (
        " Then lets only the owner of a table skip its pgtrigger triggers (pgtrigger.ignore)."
    )

    def handle(self, *args, **options) -> None:
        super().handle(*args, **options)
        if options["plan"] or options["check_unapplied"]:
            return
        using = options["database"]
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            triggers.believe_pgtrigger_ignore_from_owners_only(cursor)
