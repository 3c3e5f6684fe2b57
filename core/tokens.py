"""Partner API tokens: issued in the admin, sent as `Authorization: Token <key>`."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework import authentication, exceptions

from core.models import PartnerToken


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def partner_token_issue(*, name: str, contact: str = "", actor=None) -> tuple[PartnerToken, str]:
    """Create a token and return it with its key, which is not stored and cannot be shown again."""
    key = secrets.token_urlsafe(32)
    token = PartnerToken.objects.create(
        name=name, contact=contact, key_hash=hash_key(key), key_prefix=key[:8], created_by=actor
    )
    return token, key


class PartnerTokenAuthentication(authentication.BaseAuthentication):
    """Identifies a partner's system; it grants no access beyond the public API, only a higher
    rate limit. No header means an anonymous request. Any other header is a 401: a wrong or
    revoked key, a malformed header, or credentials of another kind (`Bearer ...`), which a
    partner would otherwise take for accepted while being served as anonymous."""

    keyword = "Token"

    def authenticate(self, request):
        if "HTTP_AUTHORIZATION" not in request.META:
            return None
        header = authentication.get_authorization_header(request).split()
        if len(header) != 2 or header[0].lower() != self.keyword.lower().encode():
            raise exceptions.AuthenticationFailed(
                "This API takes only partner tokens, sent as 'Authorization: Token <key>'. "
                "Leave the header out to call it without one."
            )
        token = PartnerToken.objects.filter(
            key_hash=hash_key(header[1].decode(errors="replace")), is_active=True
        ).first()
        if token is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked API token.")
        # At most one write a minute per token, not one per request.
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            PartnerToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return AnonymousUser(), token

    def authenticate_header(self, request) -> str:
        return self.keyword
