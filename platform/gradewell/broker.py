"""Read-only probes of the Celery broker, for readiness checks and metrics.

Every probe opens its own short-lived kombu connection with a connect and
socket timeout, so an unreachable broker costs at most about that timeout
instead of blocking the request.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from kombu import Connection
from kombu.exceptions import ChannelError


def _connection(timeout: float) -> Connection:
    url = settings.CELERY_BROKER_URL
    options: dict[str, float] = {}
    if url.startswith(("redis://", "rediss://")):
        # Redis takes its socket timeouts from the transport options. The
        # SQLAlchemy transport passes them to create_engine(), which rejects
        # unknown arguments, so they are set for Redis only.
        options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    return Connection(url, connect_timeout=timeout, transport_options=options)


def check_broker(timeout: float) -> None:
    """Connect to the broker once, raising the transport's error on failure."""
    with _connection(timeout) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)


def queue_depths(queues: Iterable[str], timeout: float) -> dict[str, int]:
    """Return the number of messages waiting in each queue.

    The count comes from a passive queue declare. For the SQLAlchemy
    transport kombu counts the visible rows of its message table (adding a
    queue row when there is none), for Redis it sums LLEN over the priority
    lists, and AMQP brokers send it in their reply. A queue the broker does
    not know has no messages. Raises the transport's error when the broker
    is down.
    """
    depths: dict[str, int] = {}
    with _connection(timeout) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
        for queue in queues:
            channel = connection.channel()
            try:
                declared = channel.queue_declare(queue=queue, passive=True)
                depths[queue] = declared.message_count
            except ChannelError:
                depths[queue] = 0
            finally:
                channel.close()
    return depths
