"""Rate limits for the public API: per client address for anonymous clients, per token for partners.

Rates are read from settings.API_RATE_LIMITS at each request (e.g. {"anon": "60/min",
"partner": "1200/min"}); None switches a limit off. They are counted like the site's page limits
(core/ratelimit.py), in the shared cache, and anonymous clients are known by the address that
core/client_ip.py trusts, never by what they write in X-Forwarded-For.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from core.client_ip import rate_limit_identity
from core.models import PartnerToken
from core.ratelimit import seconds_to_wait


class _SharedCounterThrottle(BaseThrottle):
    scope: str

    def identity(self, request) -> str | None:
        """Whom this limit counts against, or None when it does not apply to the request."""
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        self.wait_seconds = None
        rate = settings.API_RATE_LIMITS.get(self.scope)
        identity = self.identity(request) if rate is not None else None
        if identity is not None:
            self.wait_seconds = seconds_to_wait(
                scope=f"api-{self.scope}", identity=identity, rate=rate
            )
        return self.wait_seconds is None

    def wait(self) -> int | None:
        return self.wait_seconds


class AnonymousRateThrottle(_SharedCounterThrottle):
    scope = "anon"

    def identity(self, request) -> str | None:
        if isinstance(request.auth, PartnerToken):
            return None
        return rate_limit_identity(request)


class PartnerRateThrottle(_SharedCounterThrottle):
    scope = "partner"

    def identity(self, request) -> str | None:
        if not isinstance(request.auth, PartnerToken):
            return None
        return str(request.auth.pk)
