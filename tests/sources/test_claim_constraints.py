"""A claim that breaks the rules of reported figures is refused by the database, whatever wrote
it, and by the model's validation first, in words on the field concerned."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.models import IssuedPublicId
from sources.models import Claim
from tests import database
from tests.factories import make_claim

pytestmark = pytest.mark.django_db


def _rejected(**fields) -> str:
    """Try to insert a claim; return the database's message, which names the constraint."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        make_claim(**fields)
    return str(caught.value)


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"qualifier": "about", "figure_low": 80, "figure_best": 79}, "claim_low_le_best"),
        ({"qualifier": "about", "figure_best": 79, "figure_high": 70}, "claim_best_le_high"),
        (
            {"qualifier": "about", "figure_best": None, "figure_low": 90, "figure_high": 80},
            "claim_low_le_high",
        ),
        ({"qualifier": ""}, "claim_figure_has_qualifier"),
        ({"qualifier": "about", "figure_best": None}, "claim_figure_has_qualifier"),
        ({"qualifier": "exactly", "figure_low": 70}, "claim_exact_figure_has_no_range"),
        (
            {"qualifier": "exactly", "figure_best": None, "figure_high": 80},
            "claim_exact_figure_has_no_range",
        ),
        ({"period_end": dt.date(2024, 8, 1)}, "claim_period_end_after_start"),
        ({"quotation_language": ""}, "claim_quotation_has_language"),
        ({"public_id": "CLM-1234"}, "claim_public_id_format"),
        ({"public_id": "INC-7K3Q9X2M"}, "claim_public_id_format"),
        ({"publication_status": "published"}, "claim_published_has_time"),
        (
            {"publication_status": "withdrawn", "withdrawn_at": dt.datetime.now(dt.UTC)},
            "claim_withdrawn_has_reason",
        ),
        ({"counted": "deaths"}, "claim_counted_valid"),
        ({"counted": ""}, "claim_counted_valid"),
        ({"qualifier": "roughly"}, "claim_qualifier_valid"),
        ({"period_start_precision": "decade"}, "claim_period_start_precision_valid"),
        ({"period_end_precision": "season"}, "claim_period_end_precision_valid"),
        ({"quotation_language": "de"}, "claim_quotation_language_valid"),
        ({"victim_category": "soldier"}, "claim_victim_category_valid"),
        ({"publication_status": "archived"}, "claim_publication_status_valid"),
    ],
)
def test_the_database_rejects_an_inconsistent_claim(fields, constraint):
    assert constraint in _rejected(**fields)


@pytest.mark.parametrize(
    "fields",
    [
        # "documented 79 executions"
        {"qualifier": "exactly", "figure_best": 79},
        # "more than 150 cases"
        {"qualifier": "at_least", "figure_best": 150, "counted": "cases"},
        # "between 70 and 80"
        {"qualifier": "about", "figure_low": 70, "figure_best": None, "figure_high": 80},
        # "up to 40"
        {"qualifier": "up_to", "figure_best": None, "figure_high": 40},
        # "a growing number of such killings": no figure, no qualifier
        {"qualifier": "", "figure_best": None, "period_end": None, "region": None},
    ],
)
def test_it_accepts_each_way_a_source_states_a_figure(fields):
    claim = make_claim(**fields)
    claim.full_clean()
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_a_claim_gets_a_clm_id_that_the_registry_keeps():
    claim = make_claim()
    assert claim.public_id.startswith("CLM-")
    assert len(claim.public_id) == 12
    assert IssuedPublicId.objects.filter(value=claim.public_id).exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(public_id="CLM-0000AAAA")


def test_an_id_once_issued_is_never_given_to_another_claim():
    claim = make_claim()
    taken = claim.public_id
    claim.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_claim(public_id=taken)


def test_a_raw_insert_by_the_application_role_is_refused_too():
    """Not only Django: a script connected as the application checks nothing and is refused."""
    source = make_claim().source
    with database.connect() as connection, pytest.raises(psycopg.errors.CheckViolation) as caught:
        connection.execute(
            """
            INSERT INTO sources_claim (public_id, source_id, period_start_precision,
                period_end_precision, victim_category, counted, qualifier, figure_low,
                figure_best, method, quotation, quotation_language, is_public, internal_notes,
                publication_status, withdrawal_reason, review_comment, version, created_at,
                updated_at)
            VALUES ('CLM-0000BBBB', %s, 'day', 'day', 'pow', 'killed', 'about', 90, 80, '', '',
                '', false, '', 'draft', '', '', 1, now(), now())
            """,
            [source.pk],
        )
    assert "claim_low_le_best" in str(caught.value)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"qualifier": "about", "figure_low": 80, "figure_best": 79},
            "figure_low",
            "The low figure cannot exceed the best figure.",
        ),
        (
            {"qualifier": "about", "figure_best": 79, "figure_high": 70},
            "figure_best",
            "The best figure cannot exceed the high figure.",
        ),
        (
            {"qualifier": ""},
            "qualifier",
            "Say how the source qualifies its figure: exactly, at least, about or up to.",
        ),
        (
            {"qualifier": "about", "figure_best": None},
            "qualifier",
            "A qualifier goes with a figure: enter the figure, or leave the qualifier empty for "
            "a finding without one.",
        ),
        (
            {"qualifier": "exactly", "figure_high": 90},
            "figure_high",
            "An exact figure has no range: leave the low and high figures empty, or choose "
            "another qualifier.",
        ),
        (
            {"period_end": dt.date(2024, 8, 1)},
            "period_end",
            "The period cannot end before it starts.",
        ),
        (
            {"quotation_language": ""},
            "quotation_language",
            "Say which language the quotation is in.",
        ),
    ],
)
def test_validation_says_what_is_wrong_on_the_field(fields, field, message):
    claim = Claim(**{**_valid_fields(), **fields})
    with pytest.raises(ValidationError) as caught:
        claim.full_clean()
    assert caught.value.message_dict[field] == [message]


def _valid_fields() -> dict:
    claim = make_claim()
    values = {
        f.attname: getattr(claim, f.attname)
        for f in Claim._meta.concrete_fields
        if f.name not in ("id", "public_id")
    }
    return values
