"""`manage.py benchmark_api`, run small: it fills the database with fictional published incidents,
prints how fast the API answers next to a raw SQL baseline, and with --cleanup takes its
rows away again.

It is called by name only, wherever the command lives.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from incidents.models import Incident
from sources.models import SourceDocument

# transaction: the baseline reads through a connection of its own, which sees only committed
# rows. serialized_rollback: a transactional test ends by emptying every table, regions and
# incident types from the data migrations included; this puts them back before the next test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REQUESTS = ["first page", "?region=UA-14", "?q=execution", "?format=csv (all rows)"]


def benchmark_api(*args: str) -> str:
    out = StringIO()
    call_command("benchmark_api", *args, stdout=out)
    return out.getvalue()


def test_it_prints_each_request_against_the_baseline_and_cleans_up_its_rows():
    before = (Incident.objects.count(), SourceDocument.objects.count())

    output = benchmark_api(
        "--incidents", "30", "--repeat", "1", "--export-repeat", "1", "--cleanup"
    )

    assert "Generated 30 benchmark incidents in " in output
    assert re.search(
        r"^30 published incidents; PostgreSQL [^;]+; 1 runs per page, 1 per export; times in ms\.$",
        output,
        re.M,
    )
    assert re.search(
        r"^request +API median +API p95 +base median +base p95 +API/base +API bytes$", output, re.M
    )
    for request in REQUESTS:
        row = re.search(rf"^{re.escape(request)} +(.+)$", output, re.M)
        assert row, f"no row for {request!r} in:\n{output}"
        *times, ratio, size = row.group(1).split()
        assert len(times) == 4
        assert all(float(time) >= 0 for time in times)
        assert float(ratio) > 0
        assert int(size) > 0
    assert "Deleted 30 benchmark incidents and 30 benchmark sources in " in output
    assert (Incident.objects.count(), SourceDocument.objects.count()) == before
