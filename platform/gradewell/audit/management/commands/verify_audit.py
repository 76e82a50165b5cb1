"""Check the audit trail's hash chain from the first record to the last."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from gradewell.audit.services import verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain. Exits 1 and names the first "
        "broken record when one was edited, deleted, reordered or inserted."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problem = verify_chain()
        if problem is None:
            self.stdout.write(f"Audit trail intact: {checked} records verified.")
            return
        self.stderr.write(
            f"Audit trail broken at record #{problem.sequence} "
            f"(id {problem.record_id}): {problem.message}. "
            f"{checked} records before it are intact."
        )
        sys.exit(1)
