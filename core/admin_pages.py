"""Pages of their own under a ModelAdmin: a workflow step, a correction, an upload, a history."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse


def admin_page(
    model_admin: admin.ModelAdmin, request: HttpRequest, template: str, context: dict
) -> TemplateResponse:
    """`template` with what every page of the admin site has: its header and sidebar, the model's
    breadcrumbs, and URLs reversed within this admin site."""
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(
        request,
        template,
        {**model_admin.admin_site.each_context(request), "opts": model_admin.opts, **context},
    )
