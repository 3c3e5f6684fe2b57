"""`manage.py seed_demo`: demo logins and fictional records for a development machine.

Safe to run on every `make run`: it finds its records again and changes only what differs.
The data itself is defined in `incidents.demo`.
"""

from __future__ import annotations

import secrets
from typing import Any

import pghistory
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config import dev_secrets
from config.env import env_str
from incidents import demo

MIN_PASSWORD_LENGTH = 8
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = (
        "Create or refresh demo users (analyst, reviewer, officer, admin) and about 60 fictional "
        "incidents with sources, witnesses and testimonies, plus three real public reports as "
        "metadata. The password comes from DEMO_PASSWORD, or is generated once and kept in "
        ".data/demo_password. Refuses to run in production."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--site-url",
            default=DEFAULT_SITE_URL,
            help="Where the site will be served, for the printed admin address "
            f"(default {DEFAULT_SITE_URL}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Fictional records and a printed admin password have no place on a production site.
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with DJANGO_ENV=production.")
        password, origin = self._password()
        # Marks this run's history events, so the admin's history says where the changes came from.
        with pghistory.context(command="seed_demo"):
            result = demo.seed(password=password)
        self._report(result, password, origin, site_url=options["site_url"])

    def _password(self) -> tuple[str, str]:
        password = env_str("DEMO_PASSWORD")
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

    def _report(
        self, result: demo.SeedResult, password: str, origin: str, *, site_url: str
    ) -> None:
        out = self.stdout
        out.write("Demo data (fictional records, plus real public reports as metadata only):")
        for name, tally in result.tallies.items():
            extra = ""
            if name == "incidents":
                extra = f", {result.published} published"
            elif name == "sources":
                extra = f", {result.real_documents} of them real"
            deleted = f", deleted {tally.deleted}" if tally.deleted else ""
            out.write(
                f"  {name:<26}{tally.total:>4}{extra}"
                f"  (created {tally.created}, updated {tally.updated}{deleted})"
            )
        out.write("")
        admin_url = site_url.rstrip("/") + "/admin/"
        out.write(self.style.SUCCESS(f"Demo logins at {admin_url}"))
        for username, role, _, _ in demo.DEMO_USERS:
            out.write(f"  {username:<10} {role}")
        out.write(f"  password:  {password}  ({origin})")
