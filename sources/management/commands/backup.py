"""Write a backup: the database, every evidence file and a manifest of their hashes, never the
encryption keys."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from core import pg_client
from sources import backups


class Command(BaseCommand):
    help = (
        "Write a backup into a new or empty directory: a pg_dump of the database, a copy of "
        "every evidence file, and a manifest of their hashes and of the fingerprints of the "
        "encryption keys it needs. The keys themselves are never written. Exits with status 1, "
        "after writing what it could, if an evidence file is missing or altered in storage."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "destination", type=Path, help="A directory that does not exist yet, or is empty."
        )

    def handle(self, *args, destination: Path, **options) -> None:
        try:
            backup = backups.backup_write(destination)
        except backups.BackupRefused as error:
            raise CommandError(str(error)) from None
        except (pg_client.ClientError, OSError) as error:
            raise CommandError(
                f"{error}\nNo backup was written: {destination} holds no manifest, and restore "
                "refuses it."
            ) from None
        manifest = backup.manifest
        dump = manifest["dump"]
        copied = [entry for entry in manifest["evidence_files"] if entry["copied"]]
        self.stdout.write(f"Backup written to {destination}:")
        self.stdout.write(
            f"  database {manifest['database']['name']!r}, read as {manifest['database']['role']!r}"
            f" in one snapshot: {backups.DUMP}, {filesizeformat(dump['size'])}, "
            f"SHA-256 {dump['sha256']}"
        )
        self.stdout.write(
            f"  evidence files: {len(copied)} of {len(manifest['evidence_files'])} copied "
            f"({filesizeformat(sum(entry['copied']['size'] for entry in copied))}) "
            f"into {backups.FILES}/"
        )
        self.stdout.write(
            "  encryption keys, which are not in the backup: keep them apart, it is unreadable "
            "without them:"
        )
        for key in manifest["encryption_keys"]:
            self.stdout.write(
                f"    key {key['position']}, fingerprint {key['fingerprint']}: "
                f"opens {key['values']} values"
            )
        self.stdout.write(
            f"  {backups.MANIFEST}, SHA-256 {backup.manifest_sha256} (note it apart from the "
            "backup: restore prints it too)"
        )
        if backup.problems:
            raise CommandError(
                f"The backup in {destination} is INCOMPLETE:\n"
                + "\n".join(f"  {problem}" for problem in backup.problems)
                + "\nIt holds everything else that could be read, and its manifest marks each "
                "problem; restore refuses it unless given --allow-incomplete. Run "
                "verify_evidence, and look into each file before the next backup."
            )
        self.stdout.write(
            self.style.SUCCESS(
                "Every evidence file was copied and matched the SHA-256 its record holds."
            )
        )
