"""Work queues on the staff landing page: what each person has to do next.

A registered ModelAdmin that has a `work_queues(request) -> list[WorkQueue]` method contributes
tables to the admin's index page (`config.admin.StaffAdminSite`); the apps build them from
these two shapes, so that the site needs to know nothing about incidents or corrections.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class WorkItem:
    """One row of a work queue: a record and where to open it."""

    url: str
    public_id: str
    title: str
    status: str
    updated_at: dt.datetime


@dataclass(frozen=True)
class WorkQueue:
    """A short table on the landing page, with a link to the full filtered list."""

    title: str
    items: list[WorkItem]
    more_url: str
    empty_text: str
    slug: str = field(default="")
