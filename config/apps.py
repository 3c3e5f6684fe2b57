from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Django's admin, with the staff site (work queue on the landing page) as `admin.site`."""

    default_site = "config.admin.StaffAdminSite"
