"""When two source URLs are the same document: the normalised form stored beside each source.

The form keeps what can name a different document and drops what cannot:
- scheme and host are lower-cased, and a leading `www.` of the host is dropped;
- the port is dropped when it is the scheme's default (80 for http, 443 for https);
- trailing slashes of the path are dropped (`/report/` and `/report` are one page, and so are
  `https://example.org/` and `https://example.org`);
- the fragment (`#page=3`) is dropped: it points into a document, it does not name another;
- query parameters named `utm_…` (any case) are dropped; every other parameter is kept, in order.
Everything else is kept as written: the path's case (many servers tell `/A` from `/a`), `http`
from `https` (an archive may keep both), and the user and password part if there is one.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError

from sources.models import SourceDocument

DEFAULT_PORTS = {"http": 80, "https": 443}


def normalised_url(url: str) -> str:
    """The form under which `url` must be unique among sources; "" for no URL."""
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[len("www.") :]
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"[{host}]" if ":" in host else host  # an IPv6 address keeps its brackets
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"
    if parts.username is not None:
        credentials = parts.username
        if parts.password is not None:
            credentials += f":{parts.password}"
        netloc = f"{credentials}@{netloc}"
    path = parts.path.rstrip("/")
    query = urlencode(
        [
            (name, value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
            if not name.lower().startswith("utm_")
        ]
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def with_normalised_url(source: SourceDocument) -> ValidationError | None:
    """Store the normalised form of `source.url` on it; the refusal to give if another source
    already has that form (the database's unique constraint refuses it too)."""
    source.url_normalised = normalised_url(source.url)
    if not source.url_normalised:
        return None
    existing = (
        SourceDocument.objects.filter(url_normalised=source.url_normalised)
        .exclude(pk=source.pk)
        .first()
    )
    return None if existing is None else duplicate_url_error(existing)


def duplicate_url_error(existing: SourceDocument) -> ValidationError:
    """A refusal on `url` naming the source already recorded under that address. Its params
    carry the source's public id, from which the admin makes a link to it."""
    return ValidationError(
        {
            "url": ValidationError(
                "This address is already recorded as %(public_id)s “%(title)s”: cite that "
                "source rather than adding it again.",
                code="duplicate_url",
                params={"public_id": existing.public_id, "title": existing.title},
            )
        }
    )
