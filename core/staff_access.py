"""What one staff member may hand out to another: nobody grants rights they do not hold.

An administrator manages accounts and roles, but a superuser's powers, and any permission the
administrator lacks, stay out of reach: otherwise managing roles would be a way to take every
right, witness identities included, and to give it to anyone. Only a superuser grants superuser
status, changes a superuser's account, or gives a permission freely.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.db.models import Q, QuerySet


def permissions_grantable_by(actor: AbstractBaseUser) -> QuerySet[Permission]:
    """The permissions `actor` may give to a user or a group: those they hold themselves, their
    own or through a role; every permission for a superuser."""
    if actor.is_superuser:
        return Permission.objects.all()
    return Permission.objects.filter(Q(user=actor) | Q(group__user=actor)).distinct()


def groups_grantable_by(actor: AbstractBaseUser) -> QuerySet[Group]:
    """The roles `actor` may give to someone: those that carry no permission beyond their own."""
    if actor.is_superuser:
        return Group.objects.all()
    beyond = Permission.objects.exclude(pk__in=permissions_grantable_by(actor).values("pk"))
    return Group.objects.exclude(permissions__in=beyond)


def may_manage_account(actor: AbstractBaseUser, account: AbstractBaseUser) -> bool:
    """Whether `actor` may change `account` at all (its password, roles, status): a superuser's
    account only by a superuser, or its password could be reset and the account taken over."""
    return actor.is_superuser or not account.is_superuser
