"""Re-hash every stored evidence file and report any whose bytes changed or disappeared, and any
file in private storage that no record accounts for."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from sources.models import EvidenceFile
from sources.services import (
    evidence_file_verify,
    evidence_files_unaccounted,
    evidence_incoming_sweep,
)


class Command(BaseCommand):
    help = (
        "Settle what interrupted uploads left behind, re-hash every evidence file, record the "
        "check on its chain of custody, and exit with status 1 listing each file whose bytes "
        "changed or went missing and each stored file that no record accounts for."
    )

    def handle(self, *args, **options) -> None:
        self._settle_interrupted_uploads()
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
        problems = []
        if failures:
            problems.append(
                f"{len(failures)} of {checked} evidence files failed the check:\n"
                + "\n".join(failures)
            )
        problems += self._unaccounted_files()
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(
            self.style.SUCCESS(
                f"All {checked} evidence files are intact, and every stored file has a record."
            )
        )

    def _settle_interrupted_uploads(self) -> None:
        # Reported, not failed: an interrupted upload saved no record (its uploader saw it fail),
        # and a record saved just before an interruption has its file in place now.
        sweep = evidence_incoming_sweep()
        for token, size in sweep.removed:
            self.stdout.write(
                f"Removed an interrupted upload from the incoming area: {token} "
                f"({filesizeformat(size)}); no record was saved for it."
            )
        for evidence in sweep.placed:
            self.stdout.write(
                f"Moved the file of evidence file {evidence.pk} into place "
                f"({evidence.file.name}): its upload was interrupted after its record was saved."
            )

    def _unaccounted_files(self) -> list[str]:
        # Never deleted here: a stray file may be evidence restored without its record, or
        # something planted. Someone has to look.
        stray = evidence_files_unaccounted()
        if not stray:
            return []
        return [
            f"{len(stray)} files in private storage are accounted for by no evidence record:\n"
            + "\n".join(f"  {name}" for name in stray)
        ]
