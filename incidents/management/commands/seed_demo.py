"""`manage.py seed_demo`: demo logins and fictional records for a development machine.

Safe to run on every `make run`: it creates only what is missing and never changes or deletes a
record that exists, so whatever somebody did with the demo stays as they left it.
`seed_demo --reset` deletes the demo's own records, after listing them, and seeds afresh.
The data itself is defined in `incidents.demo`.
"""

from __future__ import annotations

import secrets
import textwrap
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import dev_secrets
from incidents import demo

MIN_PASSWORD_LENGTH = 8
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = (
        "Create the demo users (analyst, reviewer, officer, admin) and whichever of about 60 "
        "fictional incidents with sources, witnesses and testimonies, plus three real public "
        "reports as metadata, are missing; records that exist are left as they are. --reset "
        "deletes the demo's records first (after listing them) and seeds afresh. The password "
        "comes from DEMO_PASSWORD, or is generated once and kept in .data/demo_password. "
        "Refuses to run in production."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--site-url",
            default=DEFAULT_SITE_URL,
            help="Where the site will be served, for the printed admin address "
            f"(default {DEFAULT_SITE_URL}).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo's own records (after listing them and asking) and seed afresh.",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="With --reset: do not ask for confirmation.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Fictional records and a printed admin password have no place on a production site, and
        # --reset deletes published records.
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with DJANGO_ENV=production.")
        password, origin = self._password()
        try:
            with transaction.atomic():
                if options["reset"] and not self._reset(interactive=options["interactive"]):
                    return
                result = demo.seed(password=password)
        except demo.DemoError as error:
            raise CommandError(str(error)) from error
        self._report(result, password, origin, site_url=options["site_url"])

    def _password(self) -> tuple[str, str]:
        password = settings.DEMO_PASSWORD
        origin = "from DEMO_PASSWORD"
        if not password:
            path = settings.DATA_DIR / "demo_password"
            password = dev_secrets.read_or_create(
                path, lambda: secrets.token_urlsafe(12), "demo password"
            )
            origin = f"kept in {path}"
        if len(password) < MIN_PASSWORD_LENGTH:
            raise CommandError(
                f"The demo password ({origin}) is {len(password)} characters long; "
                f"use at least {MIN_PASSWORD_LENGTH}."
            )
        return password, origin

    def _reset(self, *, interactive: bool) -> bool:
        """List what the reset deletes and what it cannot, ask, and delete. False if declined."""
        out = self.stdout
        deletion = demo.planned_deletion()
        if deletion.is_empty:
            out.write("There are no demo records to delete.")
        else:
            out.write("seed_demo --reset will delete these demo records:")
            for name, count in deletion.counts.items():
                out.write(f"  {name:<26}{count:>4}")
            if deletion.incident_ids:
                out.write("  the incidents:")
                indent = " " * 4
                ids = " ".join(deletion.incident_ids)
                out.write(
                    textwrap.fill(ids, width=96, initial_indent=indent, subsequent_indent=indent)
                )
        if deletion.kept:
            out.write("These demo records stay, because they cannot be deleted:")
            for line in deletion.kept:
                out.write(f"  {line}")
        if not deletion.is_empty:
            if interactive and input("Type 'yes' to delete them: ").strip() != "yes":
                out.write("Nothing was deleted.")
                return False
            demo.reset(listed=deletion)
            out.write(self.style.SUCCESS("Deleted them; seeding the demo afresh."))
        return True

    def _report(
        self, result: demo.SeedResult, password: str, origin: str, *, site_url: str
    ) -> None:
        out = self.stdout
        out.write("Demo data (fictional records, plus real public reports as metadata only):")
        for name in demo.KINDS:
            extra = ""
            if name == "incidents":
                extra = f", {result.published} published"
            elif name == "sources":
                extra = f", {result.real_documents} of them real"
            out.write(
                f"  {name:<26}{result.existing[name]:>4}{extra}  (created {result.created[name]})"
            )
        if not any(result.created.values()):
            out.write(
                "Nothing was missing, so nothing was created; the demo records are as they were "
                "left (seed_demo --reset rebuilds them)."
            )
        out.write("")
        admin_url = site_url.rstrip("/") + "/admin/"
        out.write(self.style.SUCCESS(f"Demo logins at {admin_url}"))
        for username, role, _, _ in demo.DEMO_USERS:
            out.write(f"  {username:<10} {role}")
        out.write(f"  password:  {password}  ({origin})")
        if settings.STAFF_2FA_REQUIRED:
            out.write(
                "A second factor is required (STAFF_2FA_REQUIRED): before a demo user's first "
                "sign-in, print their authenticator set-up code with "
                "`manage.py issue_enrolment_code USERNAME`."
            )
