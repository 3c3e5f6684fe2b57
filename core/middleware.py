"""Headers of the public API: cross-origin reads (so partners' dashboards can call it from a
browser) and brief public caching."""

from __future__ import annotations

from collections.abc import Callable

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotFound,
    JsonResponse,
)

from core.client_ip import from_trusted_proxy

API_PREFIX = "/api/"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
CACHE_SECONDS = 60


class PublicApiCorsMiddleware:
    """Any origin may read /api/; nothing else of the site is opened to other origins.

    No credentials are involved (the API uses no cookies), so `*` is safe here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = "Authorization, If-None-Match"
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = self.get_response(request)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            # Published data changes slowly; a minute's staleness is worth the load it saves.
            response.setdefault("Cache-Control", f"public, max-age={CACHE_SECONDS}")
        return response


class RejectNulBytesMiddleware:
    """A NUL byte is never part of an id or a filter value, and PostgreSQL refuses to compare
    text with one: answer 404 for such a path and 400 for such a parameter, never a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            return HttpResponseNotFound("Not found.", content_type="text/plain")
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                message = f"Parameter {key.replace(chr(0), '')!r} contains a NUL byte."
                if request.path.startswith(API_PREFIX):
                    return JsonResponse({key.replace("\x00", ""): [message]}, status=400)
                return HttpResponseBadRequest(message, content_type="text/plain")
        return self.get_response(request)


class ForwardedProtoFromProxiesOnlyMiddleware:
    """`X-Forwarded-Proto` says whether the client used HTTPS, but only our own proxy may say it.

    Django believes the header (SECURE_PROXY_SSL_HEADER) from whoever sends it; a client that
    reaches the application directly could claim HTTPS over plain HTTP and so skip the HTTPS
    redirect. Unless the connection comes from one of settings.TRUSTED_PROXIES, the header is
    dropped before anything reads it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_X_FORWARDED_PROTO" in request.META and not from_trusted_proxy(request):
            del request.META["HTTP_X_FORWARDED_PROTO"]
        return self.get_response(request)
