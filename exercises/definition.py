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
    grading: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return every field but ``source``, as stored with each version."""
        return {
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

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExerciseDefinition:
        return cls(**data)

    @property
    def content_hash(self) -> str:
        canonical = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()
