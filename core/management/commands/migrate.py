"""Django's `migrate`, run as the owner of the tables, followed by what must hold after every
migration.

- With `DATABASE_OWNER_URL` set, the migrations run as that role (the application's own role may
  create nothing), and the application role (the user of `DATABASE_URL`) is then given exactly
  the privileges it needs, on every table including the new ones (core/database_roles.py).
- Migrations that install a django-pgtrigger trigger also put back pgtrigger's version of its
  `_pgtrigger_should_ignore` function, which lets any session skip those triggers; the version
  that believes that setting only from the owner of the table (core/triggers.py) is installed
  again after every run.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import connections, transaction

from core import database_roles, triggers


class Command(migrate.Command):
    help = migrate.Command.help + (
        " As the owner (DATABASE_OWNER_URL) when it is set, granting the application role "
        "(DATABASE_URL's user) its privileges afterwards."
    )

    def handle(self, *args, **options) -> None:
        using = options["database"]
        application_role = connections[using].settings_dict["USER"]
        if settings.DATABASE_OWNER_URL and not application_role:
            raise CommandError(
                "DATABASE_URL must name its user when DATABASE_OWNER_URL is set: that user is "
                "the application role, which is granted its privileges after migrating."
            )
        with database_roles.as_owner(using) as switched:
            super().handle(*args, **options)
            if options["plan"] or options["check_unapplied"]:
                return
            with transaction.atomic(using=using), connections[using].cursor() as cursor:
                triggers.believe_pgtrigger_ignore_from_owners_only(cursor)
                if switched:
                    cursor.execute("SELECT current_user")
                    if cursor.fetchone()[0] == application_role:
                        raise CommandError(
                            "DATABASE_URL and DATABASE_OWNER_URL name the same role; the "
                            "application must connect as a role that owns nothing."
                        )
                    database_roles.grant_application_privileges(cursor, application_role)
        if switched and options["verbosity"] >= 1:
            self.stdout.write(
                f"Migrated as the owner; the application role {application_role} may read and "
                "insert everywhere, and update and delete where no trigger forbids it."
            )
