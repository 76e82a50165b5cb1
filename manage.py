#!/usr/bin/env python
"""Django's command-line utility for Gradewell."""

import os
import sys
from pathlib import Path

# The Django project lives in platform/, which is a plain folder rather than a
# package: importing it as "platform" would shadow the standard library module
# that Celery and kombu rely on. Its contents are put on the path instead.
ROOT = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradewell.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
