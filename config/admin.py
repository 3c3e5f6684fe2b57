"""The staff admin site: Django's admin with each person's work queue on its landing page.

The site knows nothing about incidents. A registered ModelAdmin that has a
`work_queues(request) -> list[WorkQueue]` method contributes tables to the index page; the
incident admin uses it for "Assigned to me", "Awaiting review" and "Returned to me".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse


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


class StaffAdminSite(admin.AdminSite):
    site_header = "Incident Register — staff"
    site_title = "Incident Register staff"
    index_title = "Your work and the records"

    def work_queues(self, request: HttpRequest) -> list[WorkQueue]:
        queues: list[WorkQueue] = []
        for model_admin in self._registry.values():
            contribute = getattr(model_admin, "work_queues", None)
            if contribute is not None:
                queues.extend(contribute(request))
        return queues

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        context = {"work_queues": self.work_queues(request), **(extra_context or {})}
        return super().index(request, context)
