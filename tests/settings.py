"""Django settings for the test suite.

Tests share their database and Celery broker with real worker processes, so
both live in files under a per-run folder rather than in memory. The values
go into the environment, where worker processes started by tests find them.
"""

import os
import tempfile
from pathlib import Path

_RUN_DIR = Path(tempfile.mkdtemp(prefix="gradewell-tests-"))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("LOG_FORMAT", "console")
os.environ.setdefault("GRADEWELL_VAR_DIR", str(_RUN_DIR))
os.environ.setdefault(
    "CELERY_BROKER_URL", f"sqla+sqlite:///{_RUN_DIR / 'broker.sqlite3'}"
)
os.environ.setdefault("GRADEWELL_TEST_DATABASE", str(_RUN_DIR / "test.sqlite3"))
# Fast hashing: the suite creates many users and signs in often.
os.environ.setdefault(
    "PASSWORD_HASHERS", "django.contrib.auth.hashers.MD5PasswordHasher"
)

from gradewell.settings import *  # noqa: E402, F403
