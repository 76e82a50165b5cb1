"""Content negotiation for views that write their own SVG."""

from __future__ import annotations

from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class FirstRendererNegotiation(BaseContentNegotiation):
    """Pick the first renderer (JSON), whatever the Accept header requests.

    A figure or chart succeeds as SVG, which the view writes itself, and
    fails with the API's JSON error. So ``Accept: image/svg+xml`` must not
    turn a request into 406 Not Acceptable before the view runs.
    """

    def select_parser(
        self, request: Request, parsers: list[BaseParser]
    ) -> BaseParser | None:
        return parsers[0] if parsers else None

    def select_renderer(
        self,
        request: Request,
        renderers: list[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        return renderers[0], renderers[0].media_type
