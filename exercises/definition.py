"""The in-memory form of one exercise file, after validation."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOPICS = {
    "rest-http": "REST and HTTP design",
    "dns": "DNS",
    "fault-tolerance": "Fault tolerance",
    "parallel-computing": "Sequential, parallel and distributed computing",
    "deployment": "Deployment and operations",
}


@dataclass(frozen=True)
class ExerciseDefinition:
    """An exercise as the bank defines it.

    ``grading`` is private: answer keys, accepted answers, hidden tests. The
    rest may be shown to students once rendered with their parameters.
    """

    slug: str
    title: str
    topic: str
    kind: str
    points: float
    statement: str
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    derived: dict[str, str] = field(default_factory=dict)
    options: list[dict[str, str]] = field(default_factory=list)
    shuffle_options: bool = True
    answer_hint: str = ""
    fields: list[dict[str, Any]] = field(default_factory=list)
    figures: dict[str, dict[str, str]] = field(default_factory=dict)
    grading: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return every field but ``source``, as stored with each version.

        ``fields`` is left out when empty, so that exercises without answer
        fields keep the content hash, and the version, that they had before
        the key existed.
        """
        data: dict[str, Any] = {
            "slug": self.slug,
            "title": self.title,
            "topic": self.topic,
            "kind": self.kind,
            "points": self.points,
            "statement": self.statement,
            "parameters": self.parameters,
            "derived": self.derived,
            "options": self.options,
            "shuffle_options": self.shuffle_options,
            "answer_hint": self.answer_hint,
            "grading": self.grading,
        }
        if self.fields:
            data["fields"] = self.fields
        # Left out when empty for the same reason as ``fields``.
        if self.figures:
            data["figures"] = self.figures
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExerciseDefinition:
        return cls(**data)

    @property
    def content_hash(self) -> str:
        canonical = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()
