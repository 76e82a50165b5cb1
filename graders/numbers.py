"""Parse numbers the way students type them."""

from __future__ import annotations

import math
import re
import unicodedata
from fractions import Fraction

_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3},\d{3}$")
_FRACTION = re.compile(r"^([+-]?\d+)\s*/\s*(\d+)$")


class NumberFormatError(ValueError):
    """The text is not a number in any accepted form; the message gives the reason."""


def parse_number(text: str, allow_percent: bool = False) -> float:
    """Parse ``1.5``, `` 1.5 ``, ``1,5``, ``3/2``, ``1.5e0`` and, if allowed, ``150%``.

    A single comma is read as a decimal separator, because students in many
    countries write one; a comma together with a dot is ambiguous and
    rejected.
    """
    cleaned = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")
    if not cleaned:
        raise NumberFormatError("The answer is empty. Enter a number such as 1.5.")

    percent = cleaned.endswith("%")
    if percent:
        if not allow_percent:
            raise NumberFormatError(
                "Percentages are not accepted here. Enter the value as a number "
                "(for example 1.5 rather than 150%)."
            )
        cleaned = cleaned[:-1].strip()

    if "," in cleaned:
        if "." in cleaned or cleaned.count(",") > 1:
            raise NumberFormatError(
                f"{text.strip()[:40]!r} mixes separators. Write the number with "
                "one decimal separator and no thousands separators, such as 1234.5."
            )
        if _THOUSANDS.match(cleaned):
            # "1,000" is a thousand in English and one in much of Europe.
            raise NumberFormatError(
                f"{text.strip()!r} is ambiguous: write a thousand as 1000 and "
                "one as 1 or 1.000."
            )
        cleaned = cleaned.replace(",", ".")

    value = _parse_plain(cleaned, text)
    return value / 100 if percent else value


def _parse_plain(cleaned: str, original: str) -> float:
    fraction = _FRACTION.match(cleaned)
    if fraction:
        try:
            numerator, denominator = int(fraction.group(1)), int(fraction.group(2))
        except ValueError as exc:  # int() rejects more than 4,300 digits.
            raise NumberFormatError("The number is too large.") from exc
        if denominator == 0:
            raise NumberFormatError("The fraction divides by zero.")
        try:
            return float(Fraction(numerator, denominator))
        except OverflowError as exc:
            raise NumberFormatError("The number is too large.") from exc
    if _DECIMAL.match(cleaned):
        value = float(cleaned)
        if not math.isfinite(value):
            raise NumberFormatError("The number is too large.")
        return value
    raise NumberFormatError(
        f"{original.strip()[:40]!r} is not a number. Enter a number such as 1.5, "
        "3/2 or 1.5e3."
    )
