"""Administrators issue the one-time codes with which staff set up an authenticator app.

Ada is an administrator, Sofia a superuser; Alice, an analyst, and Bob, a reviewer, need codes;
Dave is staff in no role.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import EnrolmentCode
from tests.config.second_factor import browser_of

pytestmark = pytest.mark.django_db

ADD = "/admin/core/enrolmentcode/add/"
LIST = "/admin/core/enrolmentcode/"
CODE = re.compile(r'<code id="enrolment-code">([^<]+)</code>')


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.STAFF_2FA_REQUIRED = True


def test_an_administrator_issues_a_code_that_is_shown_once(ada, alice):
    browser = browser_of(ada)
    form = browser.get(ADD).form(button="Issue the code")
    issued = browser.submit(form, {"user": str(alice.pk)})

    code = CODE.search(issued.html)[1]
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", code)
    assert "it is not stored and cannot be shown again" in " ".join(issued.text.split())
    record = EnrolmentCode.objects.get(user=alice)
    assert record.issued_by == ada
    assert record.state == "waiting"
    # Only its hash is kept, and no page of the admin shows it again.
    assert record.code_hash == hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    assert code not in browser.get(LIST).html
    assert code not in browser.get(f"{LIST}{record.pk}/change/").html
    assert code.replace("-", "") not in str(EnrolmentCode.objects.values().get())


def test_the_list_says_whether_each_code_was_used(ada, alice, bob):
    browser = browser_of(ada)
    for person in (alice, bob):
        browser.post(ADD, {"user": person.pk})
    used = EnrolmentCode.objects.get(user=bob)
    EnrolmentCode.objects.filter(pk=used.pk).update(used_at=used.issued_at)
    row = re.compile(r'>(alice|bob)</a></th>.*?<td class="field-state">(\w+)</td>', re.S)
    states = dict(row.findall(browser.get(LIST).html))
    assert states == {"alice": "waiting", "bob": "used"}


def test_someone_who_has_an_authenticator_gets_no_code_until_it_is_removed(ada, bob):
    TOTPDevice.objects.create(user=bob, name="Phone", confirmed=True)
    browser = browser_of(ada)
    refused = browser.post(ADD, {"user": bob.pk})
    assert refused.field_errors("user") == [
        "bob already has an authenticator app. If it is lost, remove it under “TOTP devices” "
        "first; then issue the code."
    ]
    assert not EnrolmentCode.objects.exists()


def test_only_a_superuser_issues_a_code_for_a_superuser(ada, sofia):
    refused = browser_of(ada).post(ADD, {"user": sofia.pk})
    assert refused.field_errors("user") == [
        "Only a superuser may issue a set-up code for a superuser's account."
    ]
    assert not EnrolmentCode.objects.exists()

    another_superuser = type(sofia).objects.create_superuser("root", "", "pw-root")
    issued = browser_of(sofia).post(ADD, {"user": another_superuser.pk})
    assert CODE.search(issued.html)


def test_staff_outside_the_administrators_may_not_issue_codes(alice, dave, bob):
    for person in (alice, dave):
        browser = browser_of(person)
        assert browser.get(ADD).status_code == 403
        assert browser.post(ADD, {"user": bob.pk}).status_code == 403
    assert not EnrolmentCode.objects.exists()


def test_the_operator_issues_the_first_code_at_the_command_line(capsys, sofia):
    call_command("issue_enrolment_code", "sofia")
    printed = capsys.readouterr().out
    assert re.search(r"Set-up code for sofia: [0-9A-Z]{4}(-[0-9A-Z]{4}){3}", printed)
    assert EnrolmentCode.objects.get(user=sofia).issued_by is None


def test_the_command_says_why_it_issues_no_code(alice):
    with pytest.raises(CommandError, match="There is no account with the username 'nobody'"):
        call_command("issue_enrolment_code", "nobody")
    alice.is_active = False
    alice.save()
    with pytest.raises(CommandError, match="is not an active staff account"):
        call_command("issue_enrolment_code", "alice")
