"""The one kind of error a service raises when the rules do not allow a write now."""

from __future__ import annotations


class Refused(Exception):
    """A write that is not allowed now; the message says why and what to do instead.

    Services raise it (or a subclass) for permission, workflow and editing rules, and Django's
    `ValidationError` for a value that is wrong on its own field. The admin shows both in words.
    """
