"""Rate limits counted in the cache that every worker and host shares.

A limit such as "300/min" allows that many requests per identity in each fixed window of the
period (a minute here, aligned on the clock). The count is one atomic increment in the cache, so
with Redis (REDIS_URL) every gunicorn worker on every host counts against the same number; the
per-process memory cache used without REDIS_URL is only exact for a single process.

The public pages and the staff sign-in page are limited here, by middleware; the API's limits
(core/throttling.py) count the same way.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import cache as memoize

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.client_ip import rate_limit_identity
from core.languages import language_links

RATE_PERIODS = {
    "s": 1,
    "sec": 1,
    "m": 60,
    "min": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


def parse_rate(rate: str) -> tuple[int, int]:
    """`120/min` -> (120, 60): requests allowed, and the window in seconds."""
    count, _, period = rate.partition("/")
    return int(count), RATE_PERIODS[period]


def seconds_to_wait(*, scope: str, identity: str, rate: str) -> int | None:
    """Count one request; None while within the limit, else the seconds until the window ends."""
    allowed, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    count = _increment(f"ratelimit:{scope}:{identity}:{window}", timeout=period + 1)
    if count <= allowed:
        return None
    return max(1, math.ceil((window + 1) * period - now))


def _increment(key: str, *, timeout: int) -> int:
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        # The window's key expired between the two calls: this request opens the next window.
        cache.add(key, 1, timeout)
        return 1


class PageRateLimitMiddleware:
    """Limits the public pages and the staff sign-in page per client (settings.SITE_RATE_LIMITS).

    The API has its own limits (DRF throttles); the rest of the admin needs a signed-in user.
    A refused request gets 429 with Retry-After and a short page in the reader's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        scope = _scope(request.path_info)
        rate = settings.SITE_RATE_LIMITS.get(scope) if scope else None
        if rate is not None:
            wait = seconds_to_wait(
                scope=f"site-{scope}", identity=rate_limit_identity(request), rate=rate
            )
            if wait is not None:
                return _too_many_requests(request, scope, wait)
        return self.get_response(request)


@memoize
def _unlimited_prefixes() -> tuple[str, ...]:
    return (reverse("admin:index"), "/api/", "/" + settings.STATIC_URL.lstrip("/"))


@memoize
def _login_path() -> str:
    return reverse("admin:login")


def _scope(path: str) -> str | None:
    if path == _login_path():
        return "login"
    if path.startswith(_unlimited_prefixes()):
        return None
    return "page"


def _too_many_requests(request: HttpRequest, scope: str, wait: int) -> HttpResponse:
    with translation.override(_reader_language(request, scope)):
        # A public page's refusal keeps its language switcher (rendering it needs no database);
        # the sign-in page has none.
        links = language_links(request) if scope == "page" else []
        context = {"sign_in": scope == "login", "seconds": wait, "site_languages": links}
        body = render_to_string("429.html", context)
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "no-store"
    return response


def _reader_language(request: HttpRequest, scope: str) -> str:
    # This runs before LocaleMiddleware, so it decides as that would: a public page's language
    # is in its address (unprefixed is English); the sign-in page follows the browser.
    if scope == "login":
        return translation.get_language_from_request(request)
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
