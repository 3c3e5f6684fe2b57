"""Issue a staff member's authenticator set-up code from the server's command line.

The admin's "Authenticator set-up codes" page is the usual way; this is for the first
administrator of a new installation, whom nobody else can issue a code for.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.enrolment import enrolment_code_issue


class Command(BaseCommand):
    help = (
        "Print a one-time code with which the staff member USERNAME sets up their authenticator "
        "app after signing in with their password. Any older code of theirs stops working."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no account with the username {username!r}.")
        try:
            record, code = enrolment_code_issue(user=user, actor=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"Set-up code for {username}: {code}\n"
            f"It works once, until {record.expires_at:%Y-%m-%d %H:%M} UTC, and is not stored: "
            "give it to them in person or over a channel you trust, never with their password."
        )
