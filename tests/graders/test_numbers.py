"""How typed numbers are read: accepted forms and every rejected one."""

from __future__ import annotations

import pytest

from graders.numbers import NumberFormatError, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5", 1.5),
        (" 1.5 ", 1.5),
        ("\t1.5\n", 1.5),
        ("1,5", 1.5),
        ("3/2", 1.5),
        ("3 / 2", 1.5),
        ("-3/2", -1.5),
        ("1.5e0", 1.5),
        ("15E-1", 1.5),
        (".5", 0.5),
        ("2.", 2.0),
        ("+0.5", 0.5),
        ("\u22120.5", -0.5),
        ("\uff11.\uff15", 1.5),
        ("42", 42.0),
        ("1,0000", 1.0),
        ("12,34", 12.34),
    ],
)
def test_parse_accepted_form(text: str, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("150%", 1.5), ("75 %", 0.75), ("3/2%", 0.015), ("99,5%", 0.995)],
)
def test_parse_percent_when_allowed(text: str, expected: float) -> None:
    assert parse_number(text, allow_percent=True) == pytest.approx(expected)


def test_parse_percent_rejected_by_default() -> None:
    with pytest.raises(NumberFormatError, match="Percentages are not accepted"):
        parse_number("150%")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "is not a number"),
        ("", "empty"),
        ("   ", "empty"),
        ("1,5.0", "mixes separators"),
        ("1,000,000", "mixes separators"),
        ("1,000", "ambiguous"),
        ("-12,500", "ambiguous"),
        ("1/0", "divides by zero"),
        ("1e400", "too large"),
        ("9" * 400, "too large"),
        ("1" + "0" * 400 + "/3", "too large"),
        ("9" * 5000 + "/1", "too large"),
        ("1 000", "is not a number"),
        ("1.5/2", "is not a number"),
        ("3/-2", "is not a number"),
        ("%", "is not a number"),
        ("nan", "is not a number"),
        ("inf", "is not a number"),
        ("0x10", "is not a number"),
        ("1_000", "is not a number"),
    ],
)
def test_parse_rejects_with_reason(text: str, message: str) -> None:
    with pytest.raises(NumberFormatError, match=message):
        parse_number(text, allow_percent=True)


def test_parse_error_quotes_long_input_briefly() -> None:
    with pytest.raises(NumberFormatError) as caught:
        parse_number("x" * 500)

    assert len(str(caught.value)) < 200
