"""The Celery application, configured from Django's ``CELERY_*`` settings."""

import os
from typing import Any

import structlog
from celery import Celery
from celery.signals import (
    setup_logging,
    worker_init,
    worker_process_shutdown,
    worker_ready,
    worker_shutdown,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradewell.settings")

app = Celery("gradewell")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = structlog.get_logger(__name__)


@setup_logging.connect
def keep_gradewell_logging(**kwargs: Any) -> None:
    """Stop Celery from replacing the logging set-up done in settings.

    Connecting this receiver is what tells Celery to leave logging alone, so
    worker lines come out in the same JSON or console format as the web's.
    """


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


# The metric handlers import gradewell.metrics only after reading a setting:
# prometheus_client must be imported after settings.py has set
# PROMETHEUS_MULTIPROC_DIR, or this process's samples stay in memory.


@worker_init.connect
def remove_stale_metric_files(**kwargs: Any) -> None:
    """Remove metric files of dead processes before the pool processes start."""
    from django.conf import settings

    folder = settings.PROMETHEUS_MULTIPROC_DIR
    from gradewell.metrics import remove_dead_process_files

    remove_dead_process_files(folder)


@worker_process_shutdown.connect
@worker_shutdown.connect
def mark_metrics_process_dead(**kwargs: Any) -> None:
    """Drop this process's live gauge samples when a pool or main process ends."""
    from django.conf import settings

    if settings.PROMETHEUS_MULTIPROC_DIR:
        from gradewell.metrics import mark_process_dead

        mark_process_dead(os.getpid())
