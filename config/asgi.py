"""ASGI entry point."""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_asgi_application()

if settings.PRODUCTION:
    from core.database_roles import refuse_unsafe_application_role

    # As config/wsgi.py: a superuser or an owner never serves a request.
    refuse_unsafe_application_role()
