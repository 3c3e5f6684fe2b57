"""Change history recorded by database triggers (django-pghistory).

Triggers see every write, including `QuerySet.update()` and raw SQL, so the history cannot be
bypassed by a bulk edit. Each event row is a snapshot of the record after the change; the request
that caused it (user, URL) is attached through pghistory's context.

The history tables are append-only and never emptied (core/triggers.py): a model tracked later
needs `core.triggers.append_only()` on its event table in the migration that creates it, or the
application role is granted UPDATE and DELETE on it (tests/core/test_database_roles.py fails).
"""

from __future__ import annotations

import pghistory


def track_changes(model=None, *, exclude: tuple[str, ...] = ()):
    """Class decorator: snapshot on insert and update, and a last one on delete (removing an
    evidence link is a change an auditor needs to see). `exclude` names derived columns that are
    not history, such as a search index."""

    def decorate(model):
        # Trackers bind to the model they decorate, so each model needs its own instances.
        return pghistory.track(
            pghistory.InsertEvent(),
            pghistory.UpdateEvent(),
            pghistory.DeleteEvent(),
            exclude=list(exclude) or None,
        )(model)

    return decorate(model) if model is not None else decorate
