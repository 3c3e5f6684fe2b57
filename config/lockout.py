"""How staff sign-in resists password guessing without locking out colleagues.

A username is paused after `AXES_FAILURE_LIMIT` failed attempts from anywhere, so guessing one
account's password from many addresses gets no further than from one. An address (a whole office
behind one NAT) is paused only after `LOGIN_ADDRESS_FAILURE_LIMIT` failures across all usernames,
which stops one machine from trying a few passwords on every account, and leaves colleagues
signing in while one of them mistypes. Failures count for `AXES_COOLOFF_TIME`; that is how long a
pause lasts.

django-axes records the failures; `LockoutHandler` applies the two limits, and
`lockout_response` says in words which one was reached and for how long.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@dataclass(frozen=True)
class Failures:
    """Failed sign-ins still counting: with the username tried, and from the address used."""

    username: int
    address: int


def recent_failures(request: HttpRequest, credentials: dict | None = None) -> Failures:
    attempts = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))

    def total(**match: object) -> int:
        found = attempts.filter(**match).aggregate(total=Sum("failures_since_start"))["total"]
        return found or 0

    return Failures(
        username=total(username=get_client_username(request, credentials)),
        address=total(ip_address=request.axes_ip_address),
    )


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit per username and a higher one per address."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        # Axes pauses sign-in when this reaches its failure limit, the limit per username; an
        # address over its own limit counts as having reached it.
        failures = recent_failures(request, credentials)
        if failures.address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(failures.username, get_failure_limit(request, credentials))
        return failures.username

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        # A successful sign-in forgets only its own username's failures from its own address.
        # Axes would forget every failure from the address, so that an attacker who holds one
        # account could wipe their count of guesses at another by signing in to it now and then.
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        ).delete()
        return count


def in_words(duration: dt.timedelta) -> str:
    """30 minutes, 1 hour, 12 hours, 1 hour and 30 minutes."""
    hours, minutes = divmod(round(duration.total_seconds() / 60), 60)
    parts = [
        f"{count} {unit}{'' if count == 1 else 's'}"
        for count, unit in ((hours, "hour"), (minutes, "minute"))
        if count
    ]
    return " and ".join(parts) or "less than a minute"


def sign_in_rules() -> list[str]:
    """What the sign-in page tells everyone about pauses and how long a session lasts."""
    pause = in_words(get_cool_off())
    session = in_words(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE))
    closing = " or until you close your browser" if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE else ""
    return [
        f"After {settings.AXES_FAILURE_LIMIT} failed attempts with one username, signing in with "
        f"it is paused for {pause}. Colleagues can still sign in with their own.",
        f"After {settings.LOGIN_ADDRESS_FAILURE_LIMIT} failed attempts from one network, whatever "
        f"the usernames, signing in from that network is paused for {pause}.",
        "An administrator can lift a pause sooner.",
        f"You stay signed in for at most {session}{closing}.",
    ]


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page of a paused sign-in (AXES_LOCKOUT_CALLABLE): which limit was reached, and for
    how long. It reads the same whether or not the username exists."""
    failures = recent_failures(request, credentials)
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in paused",
        "address_paused": failures.address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        "username_paused": failures.username >= get_failure_limit(request, credentials),
        "pause": in_words(get_cool_off(request)),
    }
    return render(request, "registration/locked_out.html", context, status=429)
