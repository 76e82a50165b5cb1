"""Validate the whole exercise bank and store it, or store nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercises.loader import BANK_ROOT, BankError, load_bank
from gradewell.exercises.services import SlugTakenError, do_sync_bank


class Command(BaseCommand):
    help = (
        "Validate every exercise definition under the bank folder and store "
        "them. Any invalid file stops the load before anything is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path",
            type=Path,
            default=BANK_ROOT,
            help="Bank folder holding <topic>/<slug>/exercise.yaml files.",
        )
        parser.add_argument(
            "--check", action="store_true", help="Only validate; store nothing."
        )
        parser.add_argument(
            "--keep-missing",
            action="store_true",
            help="Leave exercises that are no longer in the folder active.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root: Path = options["path"]
        if not root.is_dir():
            raise CommandError(f"--path {root} is not a folder")
        try:
            definitions = load_bank(root)
        except BankError as exc:
            raise CommandError(
                f"{len(exc.problems)} problem(s) found; nothing was loaded:\n{exc}"
            ) from exc
        if not definitions:
            raise CommandError(f"No */*/exercise.yaml files found under {root}")
        if options["check"]:
            self.stdout.write(f"{len(definitions)} exercise definitions are valid.")
            return

        try:
            report = do_sync_bank(
                definitions, deactivate_missing=not options["keep_missing"]
            )
        except SlugTakenError as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        self.stdout.write(
            f"Loaded {len(definitions)} exercises: {len(report.created)} created, "
            f"{len(report.updated)} updated, {len(report.unchanged)} unchanged, "
            f"{len(report.deactivated)} deactivated."
        )
