"""WSGI entry point, used by gunicorn in production."""

import os
import sys
from pathlib import Path

# See manage.py: platform/ must stay a folder on the path, never a package.
ROOT = Path(__file__).resolve().parents[2]
for entry in (ROOT / "platform", ROOT):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradewell.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
