"""The value codec and the harness request and report formats."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from graders.harness import protocol
from graders.sandbox import HarnessCase, HarnessInput, Limits
from graders.sandbox.report import build_request, parse_report


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        2**200,
        -1.5,
        "tëxt \0 ✓",
        [1, [2, (3, 4)]],
        (1, "a"),
        {1, 2},
        frozenset({"a"}),
        {1: "a", (2, 3): [4.5]},
        b"\x00\xff",
    ],
)
def test_codec_round_trips(value: Any) -> None:
    encoded = json.loads(json.dumps(protocol.encode_value(value)))

    assert protocol.decode_value(encoded) == value


def test_codec_round_trips_non_finite_floats() -> None:
    encoded = json.loads(json.dumps(protocol.encode_value([math.inf, math.nan])))

    decoded = protocol.decode_value(encoded)

    assert decoded[0] == math.inf
    assert math.isnan(decoded[1])


def test_codec_marks_unsupported_objects() -> None:
    class Point:
        def __repr__(self) -> str:
            return "Point(1, 2)"

    decoded = protocol.decode_value(protocol.encode_value(Point()))

    assert isinstance(decoded, protocol.UnsupportedValue)
    assert decoded.type_name == "Point"
    assert repr(decoded) == "Point(1, 2)"


def test_codec_survives_self_reference() -> None:
    looped: list[Any] = []
    looped.append(looped)

    encoded = protocol.encode_value(looped)

    assert json.dumps(encoded)


@pytest.mark.parametrize(
    "data",
    [{"$set": [[1]]}, {"$dict": [[[1], 2]]}, {"$float": "1e3"}, {"a": 1, "b": 2}],
)
def test_codec_decodes_malformed_data_as_unsupported(data: Any) -> None:
    assert isinstance(protocol.decode_value(data), protocol.UnsupportedValue)


def test_request_carries_inputs_but_no_expected_values() -> None:
    harness_input = HarnessInput(
        mode=protocol.MODE_FUNCTION,
        cases=[HarnessCase(args=[1, 2])],
        function="f",
    )

    request, nonce = build_request("def f(a, b): pass", harness_input, Limits())
    decoded = json.loads(request)

    assert decoded["nonce"] == nonce
    assert decoded["cases"] == [{"args": [1, 2], "kwargs": {"$dict": []}}]
    assert "expected" not in request.decode()


def report_bytes(nonce: str, **fields: Any) -> bytes:
    report = {"protocol": 1, "nonce": nonce, "status": "ok", "cases": []}
    report.update(fields)
    return json.dumps(report).encode()


def test_report_with_right_nonce_is_accepted() -> None:
    case = {"status": "ok", "value": 5, "stdout": "hi", "stdout_bytes": 70000}

    report, problem = parse_report(report_bytes("n1", cases=[case]), "n1", Limits())

    assert problem == ""
    assert report is not None
    assert report.cases[0].value == 5
    assert report.cases[0].stdout.truncated is True
    assert "cut at 65536 bytes" in report.cases[0].stdout.note


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "no report"),
        (b"not json", "not valid JSON"),
        (b"[1]", "not a JSON object"),
        (report_bytes("forged"), "wrong nonce"),
        (report_bytes("n1", cases=[{"no": "status"}]), "malformed"),
    ],
)
def test_bad_report_is_rejected(data: bytes, reason: str) -> None:
    report, problem = parse_report(data, "n1", Limits())

    assert report is None
    assert reason in problem
