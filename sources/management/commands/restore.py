"""Restore a backup into an empty database and an empty MEDIA_ROOT, then check it all."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.template.defaultfilters import filesizeformat, pluralize

from core import pg_client
from core.fields import key_fingerprint
from sources import backups


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database, which must "
        "hold no table, and MEDIA_ROOT, which must hold no file. The backup is checked against "
        "its manifest, and FIELD_ENCRYPTION_KEYS for the keys it needs, before anything is "
        "written. Afterwards every evidence file is re-hashed as verify_evidence does and every "
        "encrypted value is read."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", type=Path, help="The directory `backup` wrote.")
        parser.add_argument(
            "--into",
            required=True,
            metavar="DATABASE",
            help="The name of the configured database (DATABASE_OWNER_URL, else DATABASE_URL), "
            "said again so that a backup never goes into a database by mistake.",
        )
        parser.add_argument(
            "--allow-incomplete",
            action="store_true",
            help="Restore a backup whose manifest records evidence files that were missing or "
            "altered when it was made; the checks afterwards then fail on those files.",
        )

    def handle(self, *args, backup: Path, into: str, allow_incomplete: bool, **options) -> None:
        try:
            manifest, target = self._check(backup, into, allow_incomplete)
        except (backups.BackupRefused, pg_client.ClientError) as error:
            raise CommandError(f"{error}\nNothing was restored.") from None

        self.stdout.write(f"Restoring into database {target.database.name!r} ...")
        try:
            backups.database_restore(manifest, target)
        except pg_client.ClientError as error:
            raise CommandError(
                f"{error}\nThe database was not restored: it is as empty as it was, and "
                "MEDIA_ROOT was not touched."
            ) from None
        self.stdout.write(f"Copying the evidence files into {target.media_root} ...")
        try:
            count, size = backups.evidence_restore(manifest, target)
        except (OSError, backups.BackupRefused) as error:
            raise CommandError(
                f"Copying the evidence files failed: {error}\nThe database was restored and "
                "MEDIA_ROOT holds part of the files. Empty both (a new database, an empty "
                "MEDIA_ROOT) before restoring again."
            ) from None
        self.stdout.write(
            f"Restored the database ({backups.DUMP} of {manifest.data['made_at']}) and "
            f"{count} evidence file{pluralize(count)} ({filesizeformat(size)})."
        )
        self._check_restored()

    def _check(
        self, backup: Path, into: str, allow_incomplete: bool
    ) -> tuple[backups.Manifest, backups.Target]:
        """Everything that can be known before writing: the backup, the keys, the target."""
        manifest = backups.manifest_read(backup)
        self.stdout.write(
            f"Backup made {manifest.data['made_at']}; {backups.MANIFEST} SHA-256 {manifest.sha256}."
        )
        incomplete = backups.incompleteness(manifest)
        if incomplete and not allow_incomplete:
            raise backups.BackupRefused(
                "The backup is incomplete:\n"
                + "\n".join(f"  {problem}" for problem in incomplete)
                + "\nRestore it only if no better backup exists, with --allow-incomplete."
            )
        missing = backups.missing_keys(manifest, settings.FIELD_ENCRYPTION_KEYS)
        if missing:
            raise backups.BackupRefused(
                "FIELD_ENCRYPTION_KEYS lacks keys this backup's encrypted values need:\n"
                + "\n".join(f"  {key}" for key in missing)
                + "\nIt holds the keys with fingerprints "
                + ", ".join(key_fingerprint(key) for key in settings.FIELD_ENCRYPTION_KEYS)
                + ". Add the missing ones (from where the keys are kept, apart from the "
                "backups); without them the witnesses' identities and statements cannot be read."
            )
        unknown = backups.unknown_migrations(manifest)
        if unknown:
            raise backups.BackupRefused(
                "The backup's schema is newer than this version of the code (it has "
                f"{', '.join(unknown)}). Restore it with the version that made it."
            )
        needed = sum(entry["copied"]["size"] for entry in manifest.copied_files)
        target = backups.target_check(into=into, needed_bytes=needed)
        self.stdout.write(
            f"Target: database {target.database.name!r} ({target.database.setting}) and "
            f"MEDIA_ROOT {target.media_root}, both empty."
        )
        problems = backups.contents_problems(manifest)
        if problems:
            raise backups.BackupRefused(
                "The backup differs from its manifest:\n"
                + "\n".join(f"  {problem}" for problem in problems)
            )
        self.stdout.write(
            f"The dump and {len(manifest.copied_files)} evidence "
            f"file{pluralize(manifest.copied_files)} match the manifest."
        )
        return manifest, target

    def _check_restored(self) -> None:
        try:
            failures = self._checks()
        except DatabaseError as error:
            raise CommandError(
                f"The backup was restored, but checking it failed: {error}\nRun "
                "`manage.py verify_evidence` once the database answers the application."
            ) from None
        if failures:
            raise CommandError(
                "The backup was restored, but the checks found problems:\n" + "\n".join(failures)
            )
        self.stdout.write(self.style.SUCCESS("Restored and checked."))

    def _checks(self) -> list[str]:
        """What verify_evidence finds, and any encrypted value no configured key opens."""
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError(
                "The backup was restored but not checked: its schema is older than this version "
                "of the code. Run `manage.py migrate`, then `manage.py verify_evidence`."
            )
        failures = []
        output = StringIO()
        try:
            call_command("verify_evidence", stdout=output, stderr=output)
        except CommandError as error:
            failures.append(f"verify_evidence: {error}")
        self.stdout.write(output.getvalue().rstrip())
        count, undecryptable = backups.undecryptable_values()
        if undecryptable:
            failures.append(
                f"{len(undecryptable)} of {count} encrypted values open with no key in "
                "FIELD_ENCRYPTION_KEYS: " + ", ".join(undecryptable)
            )
        else:
            self.stdout.write(f"All {count} encrypted values are readable.")
        return failures
