"""The admin's "History" page, read from the change history that database triggers record.

Django's own history lists only what was saved through the admin, and says which fields changed
but not how. The trigger history (core.history) also sees services, commands, migrations and
`QuerySet.update()`, and keeps a snapshot of every version, so this page shows, newest first,
when, who, from which URL, and each changed field as "old -> new".

Decisions:
- Encrypted fields, and whatever the admin lists in `restricted_fields`, appear only as
  "changed (restricted)", for every user. The event tables hold their ciphertext; neither it nor
  the plain text reaches the page, so the history cannot become a way to read past identities.
- Every save encrypts again under a fresh random token, so comparing ciphertexts would report a
  change to the name on every save of a witness. Both versions are decrypted in memory to compare
  them and are never rendered; a value no key opens counts as changed.
- Records that belong to the object (tracked models whose foreign key to it cascades on delete,
  such as an incident's evidence links) are part of its history: linking, re-pointing and
  unlinking them are listed on the object's page.
- Fields that every save changes (`updated_at`, `version`) are left out; a save that changed
  nothing else is not listed.
- The page shows the latest HISTORY_LIMIT entries, in a fixed number of queries however long
  the history is: one per tracked table, and one per kind of record a value points to (users
  included).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from pghistory.models import Events

from core.admin_pages import admin_page
from core.fields import EncryptedTextField, UndecryptableValue, decrypt

HISTORY_LIMIT = 500
# Changed by every save; listing them would bury the changes somebody made on purpose.
NOISE_FIELDS = frozenset({"updated_at", "version"})
ACTIONS = {"insert": "created", "update": "changed", "delete": "deleted"}
EMPTY = "—"
RESTRICTED = "changed (restricted)"
NOT_RECORDED = "earlier values were not recorded"


@dataclasses.dataclass(frozen=True)
class HistoryEntry:
    """One line of the history page: who did what to the object, when and from where."""

    when: dt.datetime
    who: str
    url: str
    what: str
    changes: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class _Row:
    event: Events
    model: type[models.Model]
    # The foreign key from a linked record to the page's object; None for the object's own events.
    link: models.ForeignKey | None = None


class RightBeforeRecordMixin:
    """Django's history page looks the record up before it asks whether the user may see
    records of its kind: someone without the right was sent away ("does not exist") for a
    missing id and refused for an existing one, which told them which ids exist. This asks
    first. The staff admin site puts it on every model admin it registers (config.admin)."""

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)


class HistoryAdminMixin:
    """Replaces the admin's "History" page of a tracked model with its trigger history.

    Put it before `admin.ModelAdmin` in the bases. Access is checked as Django's own history view
    does, the right to records of the kind first: the object's view or change permission.
    """

    object_history_template = "admin/history/change_history.html"

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied

        entries, truncated = history_entries(obj, restricted=getattr(self, "restricted_fields", ()))
        context = {
            "title": _("Change history: %s") % obj,
            "subtitle": None,
            "entries": entries,
            "truncated": truncated,
            "history_limit": HISTORY_LIMIT,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": obj,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        return admin_page(self, request, self.object_history_template, context)


def history_entries(
    obj: models.Model, *, restricted: Iterable[str] = (), limit: int = HISTORY_LIMIT
) -> tuple[list[HistoryEntry], bool]:
    """The object's history, newest first, and whether older entries were left out."""
    model = type(obj)._meta.concrete_model
    rows = [_Row(event, model) for event in _events(model, [obj], limit)]
    for link in _links_to(model):
        rows += _linked_rows(obj, link, limit)
    # Events written in one transaction share a time; a request saves the object before the
    # records linked to it, so those sort as the later ones.
    rows.sort(key=lambda row: (row.event.pgh_created_at, row.link is not None, row.event.pgh_id))
    rows.reverse()
    truncated = len(rows) > limit
    rows = rows[:limit]

    restricted = set(restricted)
    labels = _Labels.load(rows, restricted=restricted)
    entries = [_entry(row, obj, labels, restricted) for row in rows]
    return [entry for entry in entries if entry is not None], truncated


def _events(model: type[models.Model], tracked: list[models.Model], limit: int) -> list[Events]:
    return list(
        Events.objects.tracks(tracked)
        .across(model.pgh_event_model)
        .order_by("-pgh_created_at", "-pgh_id")[: limit + 1]
    )


def _links_to(model: type[models.Model]) -> list[models.ForeignKey]:
    """Foreign keys of tracked models that belong to `model`: deleted with it, part of its story."""
    return [
        relation.field
        for relation in model._meta.related_objects
        if relation.one_to_many
        and relation.on_delete is models.CASCADE
        and hasattr(relation.related_model, "pgh_event_models")
    ]


def _linked_rows(obj: models.Model, link: models.ForeignKey, limit: int) -> list[_Row]:
    link_model = link.model
    event_model = link_model.pgh_event_model
    # Every record that ever pointed here, so that one moved to another object still shows as
    # leaving this one.
    ids = list(
        event_model.objects.filter(**{link.name: obj.pk})
        .order_by()
        .values_list("pgh_obj_id", flat=True)
        .distinct()
    )
    if not ids:
        return []
    rows = []
    for event in _events(link_model, [link_model(pk=pk) for pk in ids], limit):
        diff = event.pgh_diff or {}
        points_here = _same(event.pgh_data.get(link.column), obj.pk)
        pointed_here = link.column in diff and _same(diff[link.column][0], obj.pk)
        if points_here or pointed_here:
            rows.append(_Row(event, link_model, link))
    return rows


class _Labels:
    """Users and the records that changed values point to, each kind fetched in one query."""

    def __init__(self, found: dict[type[models.Model], dict[str, models.Model]]) -> None:
        self._found = found

    @classmethod
    def load(cls, rows: list[_Row], *, restricted: set[str]) -> _Labels:
        user_model = get_user_model()
        wanted: dict[type[models.Model], set] = defaultdict(set)
        for row in rows:
            user_id = (row.event.pgh_context or {}).get("user")
            if user_id is not None:
                wanted[user_model].add(user_id)
            fields = _fields_by_column(row.model)
            values = [*(row.event.pgh_diff or {}).items()]
            if row.link is not None:
                # A link is described by what it points to, changed or not.
                values += [
                    (column, [value])
                    for column, value in row.event.pgh_data.items()
                    if column != row.link.column
                ]
            for column, pair in values:
                field = fields.get(column)
                if field is None or not field.many_to_one or _is_restricted(field, restricted):
                    continue
                wanted[field.related_model].update(value for value in pair if value is not None)

        found = {}
        for model, ids in wanted.items():
            records = _for_labels(model).filter(pk__in=_keys(model, ids))
            found[model] = {str(record.pk): record for record in records}
        return cls(found)

    def record(self, model: type[models.Model], pk: Any) -> models.Model | None:
        return self._found.get(model, {}).get(str(pk))

    def user(self, context: dict | None) -> str:
        user_id = (context or {}).get("user")
        if user_id is None:
            return "system"
        user = self.record(get_user_model(), user_id)
        if user is None:
            return f"user #{user_id} (no longer exists)"
        full_name = user.get_full_name()
        return f"{user.get_username()} ({full_name})" if full_name else user.get_username()


def _for_labels(model: type[models.Model]) -> models.QuerySet:
    """Records ready for __str__: with the parents it usually names (a testimony's witness), and
    without their encrypted fields, which a label never needs and which are not decrypted here."""
    related: list[str] = []
    deferred: list[str] = []

    def walk(current: type[models.Model], prefix: str, depth: int) -> None:
        for field in current._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                deferred.append(prefix + field.name)
            elif field.many_to_one and not field.null and depth < 2:
                related.append(prefix + field.name)
                walk(field.related_model, f"{prefix}{field.name}__", depth + 1)

    walk(model, "", 0)
    return model._base_manager.select_related(*related).defer(*deferred)


def _keys(model: type[models.Model], ids: Iterable[Any]) -> set:
    keys = set()
    for value in ids:
        try:
            keys.add(model._meta.pk.to_python(value))
        except (TypeError, ValueError, ValidationError):
            # Context metadata is free-form; a value that is no key simply names nobody.
            continue
    return keys


def _entry(
    row: _Row, obj: models.Model, labels: _Labels, restricted: set[str]
) -> HistoryEntry | None:
    event = row.event
    if event.pgh_label == "update" and event.pgh_diff is None:
        # No earlier snapshot to compare with: the record predates the history.
        changes = [NOT_RECORDED]
    else:
        changes = _changes(row, labels, restricted)
    moved = row.link is not None and row.link.column in (event.pgh_diff or {})
    if event.pgh_label == "update" and not changes and not moved:
        return None
    if row.link is None:
        what = ACTIONS.get(event.pgh_label, event.pgh_label)
    else:
        what = _link_action(row, obj, labels)
    context = event.pgh_context or {}
    return HistoryEntry(
        when=event.pgh_created_at,
        who=labels.user(context),
        url=context.get("url") or "",
        what=what,
        changes=tuple(changes),
    )


def _changes(row: _Row, labels: _Labels, restricted: set[str]) -> list[str]:
    fields = _fields_by_column(row.model)
    lines = []
    for column, (old, new) in (row.event.pgh_diff or {}).items():
        field = fields.get(column)
        # A link's move between objects is told by _link_action.
        if field is None or field.name in NOISE_FIELDS or field is row.link:
            continue
        name = capfirst(field.verbose_name)
        if _is_restricted(field, restricted):
            if _restricted_value_changed(field, old, new):
                lines.append(f"{name}: {RESTRICTED}")
            continue
        lines.append(f"{name}: {_display(field, old, labels)} -> {_display(field, new, labels)}")
    return lines


def _link_action(row: _Row, obj: models.Model, labels: _Labels) -> str:
    """What happened to a linked record, from the object's side: "source SRC-… linked as …"."""
    event, link = row.event, row.link
    fields = _fields_by_column(row.model).values()
    data = event.pgh_data
    subject = " ".join(
        f"{field.verbose_name} {_display(field, data.get(field.column), labels)}"
        for field in fields
        if field.many_to_one and field is not link
    ) or str(row.model._meta.verbose_name)
    roles = [
        _display(field, data.get(field.column), labels).lower()
        for field in fields
        if field.choices and not field.is_relation
    ]
    as_role = f" as {', '.join(roles)}" if roles else ""

    if event.pgh_label == "insert":
        return f"{subject} linked{as_role}"
    if event.pgh_label == "delete":
        return f"{subject} unlinked"
    moved = (event.pgh_diff or {}).get(link.column)
    if moved is None:
        return f"link to {subject} changed"
    old, new = moved
    if _same(new, obj.pk):
        return f"{subject} linked{as_role} (moved from {_display(link, old, labels)})"
    return f"{subject} unlinked (moved to {_display(link, new, labels)})"


def _display(field: models.Field, value: Any, labels: _Labels) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list):  # an array, such as a source's short names
        return ", ".join(str(item) for item in value)
    if field.many_to_one:
        record = labels.record(field.related_model, value)
        return str(record) if record is not None else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return "yes" if value else "no"
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value)
        if moment is not None:
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")
    return str(value)


def _is_restricted(field: models.Field, restricted: set[str]) -> bool:
    return isinstance(field, EncryptedTextField) or field.name in restricted


def _restricted_value_changed(field: models.Field, old: Any, new: Any) -> bool:
    if not isinstance(field, EncryptedTextField):
        return True
    try:
        return _plain(old) != _plain(new)
    except UndecryptableValue:
        return True


def _plain(token: str | None) -> str:
    return decrypt(token, where="a history event") if token else ""


def _fields_by_column(model: type[models.Model]) -> dict[str, models.Field]:
    return {field.column: field for field in model._meta.concrete_fields}


def _same(value: Any, pk: Any) -> bool:
    return value is not None and str(value) == str(pk)
