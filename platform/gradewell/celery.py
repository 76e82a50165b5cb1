"""The Celery application, configured from Django's ``CELERY_*`` settings."""

import os
from typing import Any

import structlog
from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradewell.settings")

app = Celery("gradewell")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = structlog.get_logger(__name__)


@worker_ready.connect
def prepare_sandbox(sender: Any = None, **kwargs: Any) -> None:
    """Log the sandbox backend and remove containers a crashed worker left."""
    from graders.sandbox.factory import prepare_worker_sandbox

    status = prepare_worker_sandbox()
    queues = sorted(
        queue.name for queue in sender.app.amqp.queues.consume_from.values()
    )
    logger.info(
        "worker ready",
        queues=queues,
        sandbox_backend=status.backend,
        sandbox_available=status.available,
        sandbox_detail=status.detail,
    )
