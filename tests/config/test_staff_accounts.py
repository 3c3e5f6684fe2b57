"""Administrators manage accounts and roles, but hand out no right beyond their own, and only a
superuser makes someone a superuser.

Ada is an administrator, Sofia a superuser, Bob a reviewer whose account they edit.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User

from core.account_admin import BEYOND_OWN_RIGHTS
from tests.config.second_factor import browser_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.STAFF_2FA_REQUIRED = True


def _user_url(user: User, view: str = "change") -> str:
    return f"/admin/auth/user/{user.pk}/{view}/"


def _group_url(group: Group) -> str:
    return f"/admin/auth/group/{group.pk}/change/"


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _reload(user: User) -> User:
    # A fresh instance: has_perm caches what it found on the old one.
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("account", ["bob", "ada"])
def test_an_administrator_makes_nobody_a_superuser_herself_included(request, ada, account):
    person = request.getfixturevalue(account)
    browser = browser_of(ada)
    page = browser.get(_user_url(person))
    form = page.form(id="user_form")
    assert form.enabled("is_superuser") is None
    # A crafted request that ticks it anyway changes nothing.
    crafted = {**form.data({}, "Save"), "is_superuser": "on"}
    browser.post(_user_url(person), crafted)
    assert not _reload(person).is_superuser


def test_a_superuser_makes_someone_a_superuser(sofia, bob):
    browser = browser_of(sofia)
    form = browser.get(_user_url(bob)).form(id="user_form")
    browser.submit(form, {"is_superuser": True}, button="Save")
    assert _reload(bob).is_superuser


def test_an_administrator_may_not_change_a_superusers_account(ada, sofia):
    browser = browser_of(ada)
    page = browser.get(_user_url(sofia))
    assert page.status_code == 200
    assert not page.has_button("Save")
    refused = browser.post(_user_url(sofia), {"username": "sofia", "is_active": ""})
    assert refused.status_code == 403
    # Nor set a password of her choosing, and sign in as Sofia.
    assert browser.get(_user_url(sofia, "password")).status_code == 403
    new_password = {"password1": "Taken-0ver-2026", "password2": "Taken-0ver-2026"}
    assert browser.post(_user_url(sofia, "password"), new_password).status_code == 403
    sofia = _reload(sofia)
    assert sofia.is_active
    assert sofia.check_password("pw-sofia")


def test_an_administrator_gives_a_role_she_holds_every_right_of(ada, bob):
    browser = browser_of(ada)
    witness_officer = Group.objects.get(name="Witness officer")
    form = browser.get(_user_url(bob)).form(id="user_form")
    roles = [str(group.pk) for group in [*bob.groups.all(), witness_officer]]
    saved = browser.submit(form, {"groups": roles}, button="Save")
    assert saved.errors() == []
    assert _reload(bob).has_perm("sources.view_witness_identity")


@pytest.mark.parametrize("account", ["bob", "ada"])
def test_an_administrator_gives_no_permission_she_does_not_hold(request, ada, account):
    person = request.getfixturevalue(account)
    beyond = _permission("auth.delete_user")
    browser = browser_of(ada)
    form = browser.get(_user_url(person)).form(id="user_form")
    offered = form.enabled("user_permissions").options
    assert str(beyond.pk) not in offered
    assert str(_permission("incidents.publish_incident").pk) in offered

    crafted = {**form.data({}, "Save"), "user_permissions": [str(beyond.pk)]}
    refused = browser.post(_user_url(person), crafted)
    assert refused.field_errors("user_permissions") == [BEYOND_OWN_RIGHTS]
    assert not _reload(person).has_perm("auth.delete_user")


def test_an_administrator_gives_no_role_that_carries_more_than_she_holds(ada, bob):
    managers = Group.objects.create(name="Account managers")
    managers.permissions.add(_permission("auth.delete_user"))
    browser = browser_of(ada)
    form = browser.get(_user_url(bob)).form(id="user_form")
    assert str(managers.pk) not in form.enabled("groups").options

    crafted = {**form.data({}, "Save"), "groups": [str(managers.pk)]}
    refused = browser.post(_user_url(bob), crafted)
    assert refused.field_errors("groups") == [BEYOND_OWN_RIGHTS]
    assert not _reload(bob).groups.filter(pk=managers.pk).exists()


def test_an_administrator_widens_no_role_beyond_her_own_rights(ada):
    administrators = Group.objects.get(name="Administrator")
    beyond = _permission("auth.delete_user")
    browser = browser_of(ada)
    form = browser.get(_group_url(administrators)).form(id="group_form")
    assert str(beyond.pk) not in form.enabled("permissions").options

    held = form.enabled("permissions").selected
    crafted = {**form.data({}, "Save"), "permissions": [*held, str(beyond.pk)]}
    refused = browser.post(_group_url(administrators), crafted)
    assert refused.field_errors("permissions") == [BEYOND_OWN_RIGHTS]
    assert not administrators.permissions.filter(pk=beyond.pk).exists()
    assert not _reload(ada).has_perm("auth.delete_user")


def test_an_administrator_adds_a_permission_she_holds_to_a_role(ada):
    analysts = Group.objects.get(name="Analyst")
    review = _permission("incidents.review_incident")
    browser = browser_of(ada)
    form = browser.get(_group_url(analysts)).form(id="group_form")
    held = form.enabled("permissions").selected
    browser.submit(form, {"permissions": [*held, str(review.pk)]}, button="Save")
    assert analysts.permissions.filter(pk=review.pk).exists()


def test_rights_beyond_the_administrators_stay_on_an_account_she_edits(ada, sofia, bob):
    bob.user_permissions.add(_permission("auth.delete_user"))
    browser = browser_of(ada)
    form = browser.get(_user_url(bob)).form(id="user_form")
    browser.submit(form, {"first_name": "Robert"}, button="Save")
    bob = _reload(bob)
    assert bob.first_name == "Robert"
    assert bob.has_perm("auth.delete_user")
