"""Setting up a staff member's authenticator app, which needs a one-time code from an
administrator: a password alone must never be enough to attach a new second factor to an account.

An administrator (or the operator at the server, `manage.py issue_enrolment_code`) issues a code
for one person. It is shown once, stored only as its SHA-256, works once, and expires after
`ENROLMENT_CODE_LIFETIME`. The person signs in with their password, enters the code, and only then
sees the key of a new authenticator, which counts once it has given its first right code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.errors import Refused
from core.models import EnrolmentCode
from core.public_ids import ALPHABET

ENROLMENT_CODE_LIFETIME = dt.timedelta(hours=24)
# 16 characters of a 32-letter alphabet: 80 random bits, beyond guessing even without a limit on
# tries (and whoever tries already needs the account's password).
CODE_GROUPS, GROUP_LENGTH = 4, 4
# How people misread Crockford's alphabet, which leaves these letters out for that reason.
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _new_code() -> str:
    groups = (
        "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(CODE_GROUPS)
    )
    return "-".join(groups)


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper().translate(_MISREAD)


def _hash(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _has_authenticator(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def enrolment_code_issue(
    *, user: AbstractBaseUser, actor: AbstractBaseUser | None
) -> tuple[EnrolmentCode, str]:
    """Issue a set-up code for `user` and return it with the code itself, which is not stored
    and cannot be shown again. Any older code of theirs not yet used stops working.

    `actor` is None for the operator at the server's command line.
    """
    if actor is not None and not actor.has_perm("core.add_enrolmentcode"):
        raise Refused("You may not issue set-up codes.")
    user = type(user).objects.select_for_update().get(pk=user.pk)
    if not (user.is_active and user.is_staff):
        raise ValidationError(
            {"user": f"{user} is not an active staff account, so cannot sign in to the admin."}
        )
    if user.is_superuser and actor is not None and not actor.is_superuser:
        raise ValidationError(
            {"user": "Only a superuser may issue a set-up code for a superuser's account."}
        )
    if _has_authenticator(user):
        raise ValidationError(
            {
                "user": f"{user} already has an authenticator app. If it is lost, remove it "
                "under “TOTP devices” first; then issue the code."
            }
        )
    now = timezone.now()
    EnrolmentCode.objects.filter(user=user, used_at=None, revoked_at=None).update(revoked_at=now)
    code = _new_code()
    record = EnrolmentCode(
        user=user,
        code_hash=_hash(code),
        issued_by=actor,
        issued_at=now,
        expires_at=now + ENROLMENT_CODE_LIFETIME,
    )
    record.full_clean()
    record.save()
    return record, code


@transaction.atomic
def enrolment_code_redeem(*, user: AbstractBaseUser, code: str) -> TOTPDevice:
    """Use up `user`'s set-up `code` and return the new, not yet confirmed authenticator whose
    key they may now see. Raises ValidationError, in words for them, when the code does not
    open the way."""
    record = (
        EnrolmentCode.objects.select_for_update().filter(user=user, code_hash=_hash(code)).first()
    )
    if record is None:
        raise ValidationError(
            "That set-up code is not right. Check it against what your administrator gave you."
        )
    if record.used_at is not None:
        raise ValidationError(
            "That set-up code has been used already. Ask an administrator for a new one."
        )
    if record.revoked_at is not None:
        raise ValidationError(
            "That set-up code was replaced by a newer one. Use the newest code you were given."
        )
    if record.expires_at <= timezone.now():
        raise ValidationError(
            f"That set-up code expired at {record.expires_at:%Y-%m-%d %H:%M} UTC. "
            "Ask an administrator for a new one."
        )
    if _has_authenticator(user):
        raise ValidationError("You already have an authenticator app; enter its code instead.")
    record.used_at = timezone.now()
    record.save(update_fields=["used_at"])
    # A key shown before (to whoever held an earlier code) must never become the second factor.
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def authenticator_confirm(*, device: TOTPDevice) -> TOTPDevice:
    """Make a new authenticator count, once it has given its first right code (checked by the
    caller with django-otp's `verify_token`, which also throttles wrong codes)."""
    updated = TOTPDevice.objects.filter(pk=device.pk, confirmed=False).update(confirmed=True)
    if not updated:
        raise Refused("This authenticator was removed or already set up; sign in again.")
    device.confirmed = True
    return device
