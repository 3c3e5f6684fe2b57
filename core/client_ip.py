"""Who sent a request: the one answer that the rate limits and the sign-in lockout share.

A client can write anything into `X-Forwarded-For`, so the header is believed only as far as it
was written by our own reverse proxies (settings.TRUSTED_PROXIES, a list of addresses and
networks). Reading from the right, each proxy appended the address it received the request
from; the first address that is not one of our proxies is the client. A client that reaches the
application directly, or rewrites the header on every request, is known by the address of its
own connection.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 clients get a whole /64 from their provider and may use any address in it, so counting
# per address would let one client rotate through billions of identities.
IPV6_RATE_LIMIT_PREFIX = 64


def client_address(request: HttpRequest) -> str:
    """The client's IP address, as the outermost of our trusted proxies saw it."""
    return str(_client(request.META, settings.TRUSTED_PROXIES))


def rate_limit_identity(request: HttpRequest) -> str:
    """What a rate limit counts against: the client's IPv4 address, or its IPv6 /64 network."""
    address = _client(request.META, settings.TRUSTED_PROXIES)
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/{IPV6_RATE_LIMIT_PREFIX}", strict=False))


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the connection itself comes from one of our reverse proxies."""
    hop = _parse(request.META.get("REMOTE_ADDR", ""))
    return hop is not None and _is_trusted(hop, tuple(settings.TRUSTED_PROXIES))


def _client(meta: dict, trusted: Iterable[IPNetwork]) -> IPAddress:
    trusted = tuple(trusted)
    # REMOTE_ADDR is the peer of the connection; the WSGI server always sets it.
    hop = _parse(meta.get("REMOTE_ADDR", "")) or ipaddress.ip_address("0.0.0.0")
    if not trusted:
        return hop
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    while _is_trusted(hop, trusted) and forwarded:
        previous = _parse(forwarded.pop())
        if previous is None:
            # Our proxies write well-formed addresses; garbage can only be the client's own
            # writing, so the last proxy that handed it on is as far back as we can see.
            break
        hop = previous
    return hop


def _is_trusted(address: IPAddress, trusted: tuple[IPNetwork, ...]) -> bool:
    return any(address in network for network in trusted if network.version == address.version)


def _parse(value: str) -> IPAddress | None:
    """An address as proxies write it: bare, `[v6]:port`, or `v4:port`."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None
