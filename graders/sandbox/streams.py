"""Bounded capture of a byte stream, so no backend buffers unbounded output."""

from __future__ import annotations

from graders.sandbox.results import CapturedText


class StreamCapture:
    """Keeps the first ``limit`` bytes of a stream and counts all of them."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.total = 0
        self._data = bytearray()

    def feed(self, chunk: bytes) -> None:
        room = self.limit - len(self._data)
        if room > 0:
            self._data += chunk[:room]
        self.total += len(chunk)

    @property
    def exceeded(self) -> bool:
        return self.total > self.limit

    @property
    def data(self) -> bytes:
        return bytes(self._data)

    def captured(self) -> CapturedText:
        return CapturedText.from_bytes(self.data, self.total, self.limit)
