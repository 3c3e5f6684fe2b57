"""Re-hash every stored evidence file and report any whose bytes changed or disappeared."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sources.models import EvidenceFile
from sources.services import evidence_file_verify


class Command(BaseCommand):
    help = (
        "Re-hash every evidence file, record the check on its chain of custody, and exit with "
        "status 1 listing each file whose bytes changed or went missing."
    )

    def handle(self, *args, **options) -> None:
        failures = []
        checked = 0
        for evidence in EvidenceFile.objects.order_by("pk").iterator():
            check = evidence_file_verify(evidence=evidence)
            checked += 1
            if not check.intact:
                problem = "missing" if not check.observed_sha256 else "altered"
                failures.append(
                    f"  evidence file {evidence.pk} ({evidence.file.name}): {problem}; "
                    f"expected {evidence.sha256}, found {check.observed_sha256 or 'no file'}"
                )
        if failures:
            raise CommandError(
                f"{len(failures)} of {checked} evidence files failed the check:\n"
                + "\n".join(failures)
            )
        self.stdout.write(self.style.SUCCESS(f"All {checked} evidence files are intact."))
