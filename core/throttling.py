"""Rate limits for the public API: per IP address for anonymous clients, per token for partners.

Rates are read from settings.API_RATE_LIMITS at each request (e.g. {"anon": "60/min",
"partner": "1200/min"}); None switches a limit off.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.models import PartnerToken


class _ConfiguredRateThrottle(SimpleRateThrottle):
    def __init__(self):
        # SimpleRateThrottle reads its rate once at import; ours may change with the settings.
        pass

    def allow_request(self, request, view) -> bool:
        self.rate = settings.API_RATE_LIMITS.get(self.scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class AnonymousRateThrottle(_ConfiguredRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view) -> str | None:
        if isinstance(request.auth, PartnerToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PartnerRateThrottle(_ConfiguredRateThrottle):
    scope = "partner"

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, PartnerToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
