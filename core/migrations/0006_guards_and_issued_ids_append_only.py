"""The guards' shared function, and the registry of issued public ids made append-only.

An id once issued stays issued: a row of the registry is never changed, removed or emptied, so an
id that belonged to a deleted draft can never be given to another record (core/triggers.py).
"""

from django.db import migrations

from core import triggers


class Migration(migrations.Migration):
    dependencies = [("core", "0005_enrolment_codes")]

    operations = [
        triggers.refuse_function(),
        *triggers.append_only("core_issuedpublicid", "Issued public ids"),
    ]
