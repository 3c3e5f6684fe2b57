"""`manage.py seed_demo`: demo logins and fictional records that can be loaded again and again.

The analyst, reviewer and officer it creates are the personas a new team member tries first, so
the tests check what they would notice: they can log in with the printed password, every status
has examples, the history reads like their work, nothing fictional can be mistaken for a real
record, and whatever they did with the demo is still there after the next `make run`. Only
`--reset` deletes, after saying what.

Seeding goes through the services and takes a few seconds, so the tests in this folder share one
seeded database (as Django's setUpTestData does): each runs in a savepoint that is rolled back
after it.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from tests.incidents.seed_demo.seeding import PASSWORD, seed


@pytest.fixture(scope="package")
def first_run(django_db_setup, django_db_blocker):
    """The output of seeding an empty database, which every test in this folder starts from."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            DEMO_PASSWORD=PASSWORD,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        yield seed()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _demo_password(first_run: str, settings) -> None:
    settings.DEMO_PASSWORD = PASSWORD
