"""WSGI entry point for production servers."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

if settings.PRODUCTION:
    from core.database_roles import refuse_unsafe_application_role

    # Asked of the database, once per process: a superuser or an owner could undo what the
    # triggers keep, so such a role never serves a request.
    refuse_unsafe_application_role()
