"""The ``/metrics`` endpoint: every process's samples plus the queue depths.

Reading it needs a client address in ``METRICS_ALLOWED_IPS`` and, when
``METRICS_TOKEN`` is set, ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterator

import structlog
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from gradewell import broker
from gradewell.conf import gradewell_setting

logger = structlog.get_logger(__name__)


class QueueDepthCollector(Collector):
    """Reads the number of waiting messages per grading queue at scrape time.

    The gauge has no sample when the broker cannot be read, so a dashboard
    shows a gap rather than a false zero.
    """

    def collect(self) -> Iterator[Metric]:
        gauge = GaugeMetricFamily(
            "gradewell_queue_depth",
            "Messages waiting in each Celery grading queue, read from the broker.",
            labels=["queue"],
        )
        queues = sorted(set(gradewell_setting("GRADING_QUEUES").values()))
        try:
            depths = broker.queue_depths(
                queues, gradewell_setting("BROKER_PROBE_TIMEOUT")
            )
        except Exception as exc:  # kombu raises transport-specific errors.
            logger.warning("queue depth not read from broker", error=repr(exc))
            depths = {}
        for queue, depth in depths.items():
            gauge.add_metric([queue], depth)
        yield gauge


def build_registry() -> CollectorRegistry:
    """Return a registry of all processes' samples and the queue depths."""
    registry = CollectorRegistry()
    if multiprocess_enabled():
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_DefaultRegistryCollector())
    registry.register(QueueDepthCollector())
    return registry


def multiprocess_enabled() -> bool:
    return values.ValueClass is not values.MutexValue


class _DefaultRegistryCollector(Collector):
    """Passes on this process's own samples when multiprocess mode is off."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def is_allowed(request: HttpRequest) -> bool:
    """Check the client address and, when one is set, the bearer token."""
    if not _address_allowed(request.META.get("REMOTE_ADDR", "")):
        return False
    token: str = gradewell_setting("METRICS_TOKEN")
    if not token:
        return True
    scheme, _, sent_token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(sent_token.strip().encode(), token.encode())


def _address_allowed(address: str) -> bool:
    # NOTE: behind a reverse proxy REMOTE_ADDR is the proxy's address, so
    # list the proxy here and rely on METRICS_TOKEN to tell clients apart.
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(client, ipaddress.IPv6Address) and client.ipv4_mapped:
        client = client.ipv4_mapped
    for allowed in gradewell_setting("METRICS_ALLOWED_IPS"):
        network = ipaddress.ip_network(allowed, strict=False)
        if client.version == network.version and client in network:
            return True
    return False


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Serve the Prometheus text format to allowed clients, 403 to others."""
    if not is_allowed(request):
        logger.warning(
            "metrics request rejected", client=request.META.get("REMOTE_ADDR", "")
        )
        return HttpResponse(
            "Forbidden: /metrics needs an allowed client address and, when "
            "METRICS_TOKEN is set, an Authorization: Bearer header.\n",
            status=403,
            content_type="text/plain",
        )
    body = generate_latest(build_registry())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
