"""The dns_zone grader, called directly with zone records typed as text."""

from __future__ import annotations

from typing import Any

import pytest

from graders.base import GradeResult, GradingContext, Verdict
from graders.dns_zone import MAX_ZONE_ANSWER, DnsZoneGrader, zone_sample_problems

PARAMS = {"domain": "bakery.example", "web_ip": "192.0.2.7", "token": "k3y9"}
SPEC: dict[str, Any] = {
    "origin": "{{ domain }}",
    "requirements": [
        {"name": "@", "type": "A", "value": "{{ web_ip }}", "weight": 2},
        {"name": "www", "type": "CNAME", "target": "@"},
        {"name": "@", "type": "MX", "preference": 10, "exchange": "mail"},
        {"name": "mail", "type": "A", "value": "192.0.2.25"},
        {"name": "@", "type": "TXT", "contains": "v=spf1"},
        {"name": "@", "type": "TXT", "value": "verify={{ token }}"},
    ],
}
RIGHT_ZONE = """\
$TTL 3600
@        A      192.0.2.7
www      CNAME  bakery.example.
@        MX     10 mail
mail     A      192.0.2.25   ; the mail server
@        TXT    "v=spf1 mx -all"
@        TXT    "verify=k3y9"
"""
# The weights add up to 7, so each requirement of weight 1 is worth 1 of the
# 7 points.
POINTS = 7.0


def grade(answer: Any, spec: dict[str, Any] | None = None) -> GradeResult:
    context = GradingContext(
        slug="test-zone",
        kind="dns_zone",
        version=1,
        points=POINTS,
        spec=spec or SPEC,
        params=PARAMS,
    )
    return DnsZoneGrader().grade(context, answer)


def replace_line(old: str, new: str) -> str:
    assert old in RIGHT_ZONE
    return RIGHT_ZONE.replace(old, new)


def failed_checks(result: GradeResult) -> dict[str, str]:
    return {check.name: check.message for check in result.checks if not check.passed}


def test_right_zone_passes() -> None:
    result = grade(RIGHT_ZONE)

    assert result.verdict == Verdict.PASSED
    assert result.score == POINTS
    assert result.feedback == "6 of 6 requirements met. Correct."


def test_one_check_per_requirement() -> None:
    names = [check.name for check in grade(RIGHT_ZONE).checks]

    assert names == [
        "bakery.example. A",
        "www.bakery.example. CNAME",
        "bakery.example. MX",
        "mail.bakery.example. A",
        "bakery.example. TXT (1)",
        "bakery.example. TXT (2)",
    ]


def test_weights_share_the_points() -> None:
    scores = [check.max_score for check in grade(RIGHT_ZONE).checks]

    assert scores == [2.0, 1.0, 1.0, 1.0, 1.0, 1.0]


def test_equivalent_spellings_pass() -> None:
    zone = """\
bakery.example. 300 IN A 192.0.2.7
WWW IN CNAME @
@ IN MX ( 10
          mail.bakery.example. )
mail.bakery.example. A 192.0.2.25
@ TXT "v=spf1 ip4:192.0.2.25 -all"
@ TXT verify=k3y9
"""
    result = grade(zone)

    assert result.verdict == Verdict.PASSED, result.feedback


def test_full_zone_with_origin_and_soa_passes() -> None:
    zone = (
        "$ORIGIN bakery.example.\n"
        "@ SOA ns1 hostmaster 1 7200 900 1209600 300\n"
        "@ NS ns1.provider.example.\n" + RIGHT_ZONE
    )

    assert grade(zone).verdict == Verdict.PASSED


def test_wrong_address_is_named() -> None:
    result = grade(replace_line("A      192.0.2.7", "A 192.0.2.8"))

    assert result.verdict == Verdict.PARTIAL
    assert result.score == 5.0
    assert "has 192.0.2.8, but the statement asks for 192.0.2.7" in result.feedback


def test_missing_record_is_named() -> None:
    result = grade(replace_line('@        TXT    "verify=k3y9"\n', ""))

    assert failed_checks(result) == {
        "bakery.example. TXT (2)": (
            'No TXT record of "bakery.example." has the value "verify=k3y9".'
        )
    }


def test_cname_target_without_dot() -> None:
    result = grade(replace_line("CNAME  bakery.example.", "CNAME bakery.example"))
    failed = failed_checks(result)

    assert result.score == 6.0
    assert "www.bakery.example. CNAME" in failed
    assert "target without its trailing dot" in failed
    assert 'means "bakery.example.bakery.example."' in result.feedback
    assert result.feedback.count("has no trailing dot") == 1


def test_owner_without_dot() -> None:
    result = grade(replace_line("mail     A", "mail.bakery.example A"))

    assert "owner name without its trailing dot" in failed_checks(result)
    assert 'but there is one at "mail.bakery.example.bakery.example."' in (
        result.feedback
    )


def test_external_exchange_without_dot() -> None:
    spec = {
        "origin": "{{ domain }}",
        "requirements": [
            {"name": "@", "type": "MX", "exchange": "mx.provider.example."}
        ],
    }
    result = grade("@ MX 10 mx.provider.example\n", spec)

    assert result.verdict == Verdict.WRONG_ANSWER
    assert '"mx.provider.example" has no trailing dot' in result.feedback
    assert 'means "mx.provider.example.bakery.example."' in result.feedback


def test_cname_at_apex() -> None:
    result = grade(replace_line("@        A      192.0.2.7", "@ CNAME www"))
    failed = failed_checks(result)

    assert "CNAME at the zone apex" in failed
    assert "cannot be an alias" in result.feedback
    assert "bakery.example. A" in failed
    assert "bakery.example. MX" in failed


def test_cname_beside_other_data() -> None:
    result = grade(RIGHT_ZONE + "www A 192.0.2.7\n")
    failed = failed_checks(result)

    assert "CNAME beside other data" in failed
    assert "Lines 3, 8" in failed["CNAME beside other data"]
    assert failed["www.bakery.example. CNAME"] == (
        'The CNAME record of "www.bakery.example." is there, but the name '
        "breaks a rule: CNAME beside other data."
    )


def test_two_cnames_at_one_name() -> None:
    result = grade(RIGHT_ZONE + "www CNAME mail\n")

    assert "several CNAME records at one name" in failed_checks(result)
    assert "www.bakery.example. CNAME" in failed_checks(result)


def test_mx_pointing_to_alias() -> None:
    zone = replace_line("mail     A      192.0.2.25", "mail CNAME @")
    result = grade(zone)
    failed = failed_checks(result)

    assert "MX record pointing to an alias" in failed
    assert "RFC 2181 section 10.3" in failed["bakery.example. MX"]
    assert result.feedback.count("RFC 2181") == 1


def test_mx_pointing_to_ip_address() -> None:
    result = grade(replace_line("MX     10 mail", "MX 10 192.0.2.25"))
    failed = failed_checks(result)

    assert "MX record pointing to an IP address" in failed
    assert (
        "gives the IP address 192.0.2.25 as its exchange"
        in (failed["bakery.example. MX"])
    )


def test_ns_pointing_to_ipv6_address() -> None:
    result = grade(RIGHT_ZONE + "@ NS 2001:db8::53\n")

    assert "NS record pointing to an IP address" in failed_checks(result)
    assert result.verdict == Verdict.PASSED


def test_wrong_mx_preference() -> None:
    result = grade(replace_line("MX     10 mail", "MX 20 mail"))

    assert failed_checks(result) == {
        "bakery.example. MX": (
            'The MX record of "bakery.example." for "mail.bakery.example." has '
            "preference 20, but the statement asks for 10. Senders try the mail "
            "servers in order of preference, lowest value first."
        )
    }


def test_unquoted_txt_value() -> None:
    result = grade(replace_line('"v=spf1 mx -all"', "v=spf1 mx -all"))
    failed = failed_checks(result)

    assert list(failed) == ["bakery.example. TXT (1)"]
    assert "has spaces but no double quotes" in failed["bakery.example. TXT (1)"]
    assert '"v=spf1" "mx" "-all"' in failed["bakery.example. TXT (1)"]


def test_split_txt_value() -> None:
    result = grade(replace_line('"verify=k3y9"', '"verify=" "k3y9"'))
    failed = failed_checks(result)

    assert list(failed) == ["bakery.example. TXT (2)"]
    assert "split into 2 strings" in failed["bakery.example. TXT (2)"]


def test_record_outside_zone_is_noted() -> None:
    result = grade(RIGHT_ZONE + "www.other.example. A 192.0.2.9\n")

    assert result.verdict == Verdict.PASSED
    assert "name outside the zone" in failed_checks(result)
    assert "is outside the zone" in result.feedback


@pytest.mark.parametrize(
    ("answer", "line", "message"),
    [
        ("@ A 192.0.2.7\nwww CNAME\n", 2, "CNAME record data cannot be read"),
        ("@ A 192.0.2.300\n", 1, "A record data cannot be read"),
        ("\n\nwww CNAME a b\n", 3, 'unexpected text "b" after the data'),
        ('@ TXT "verify\n', 1, "newline in quoted string"),
        ("@ MX mail\n", 1, "MX record data cannot be read"),
        ("@ BOGUS 1\n", 1, "'BOGUS' is not a record type"),
        ("A 192.0.2.7\n", 1, "indent it to reuse the owner"),
        ("@ CH A 192.0.2.7\n", 1, "Class CH is not supported"),
        ("$INCLUDE /etc/passwd\n", 1, "$INCLUDE is not supported"),
        ("$ORIGIN other.example.\n", 1, "Remove the $ORIGIN line"),
        ("@ A ( 192.0.2.7\n", 1, "unbalanced parentheses"),
    ],
)
def test_syntax_error_names_line(answer: str, line: int, message: str) -> None:
    result = grade(answer)

    assert result.verdict == Verdict.SYNTAX_ERROR
    assert result.score == 0.0
    assert result.feedback.startswith(f"Line {line}: ")
    assert message in result.feedback
    assert result.details == {"line": line}


@pytest.mark.parametrize("answer", ["", "   \n", "; only a comment\n"])
def test_empty_answer_is_invalid(answer: str) -> None:
    result = grade(answer)

    assert result.verdict == Verdict.INVALID_ANSWER
    assert "contains no records" in result.feedback


def test_huge_answer_is_invalid() -> None:
    answer = "@ A 192.0.2.7\n" * (MAX_ZONE_ANSWER // 10)

    assert DnsZoneGrader().answer_error(answer) is not None
    assert grade(answer).verdict == Verdict.INVALID_ANSWER


def test_too_many_records_is_rejected() -> None:
    answer = "@ A 192.0.2.7\n" * 501

    assert len(answer) < MAX_ZONE_ANSWER
    assert "more than 500 records" in grade(answer).feedback


@pytest.mark.parametrize("answer", [None, 5, ["@ A 192.0.2.7"], {"zone": ""}])
def test_answer_error_for_wrong_type(answer: Any) -> None:
    assert DnsZoneGrader().answer_error(answer) is not None


def test_answer_error_accepts_text() -> None:
    assert DnsZoneGrader().answer_error(RIGHT_ZONE) is None


def test_validate_spec_accepts_example() -> None:
    assert DnsZoneGrader().validate_spec(SPEC) == []


@pytest.mark.parametrize(
    ("requirement", "problem"),
    [
        ({"name": "@", "type": "SRV"}, "requirements[0].type: must be one of"),
        ({"name": "@", "type": "A"}, "requirements[0].value: missing"),
        ({"type": "A", "value": "192.0.2.1"}, "requirements[0].name: missing"),
        (
            {"name": "@", "type": "A", "value": "192.0.2.1", "target": "x"},
            "requirements[0].target: unknown key",
        ),
        (
            {"name": "@", "type": "MX", "exchange": "m", "preference": 70000},
            "requirements[0].preference: must be a whole number",
        ),
        (
            {"name": "@", "type": "TXT", "value": "a", "contains": "a"},
            "exactly one of value and contains",
        ),
        ({"name": "@", "type": "TXT"}, "exactly one of value and contains"),
        (
            {"name": "@", "type": "A", "value": "192.0.2.1", "weight": 0},
            "requirements[0].weight: must be a positive number",
        ),
        ({"name": 5, "type": "CNAME", "target": "@"}, "name: must be a string"),
        ("@ A 192.0.2.1", "requirements[0]: must be a mapping"),
    ],
)
def test_validate_spec_rejects(requirement: Any, problem: str) -> None:
    spec = {"origin": "bakery.example", "requirements": [requirement]}
    problems = DnsZoneGrader().validate_spec(spec)

    assert any(problem in text for text in problems), problems


def test_validate_spec_needs_requirements() -> None:
    problems = DnsZoneGrader().validate_spec({"origin": "x.example", "extra": 1})

    assert "extra: unknown key (known keys: origin, requirements)" in problems
    assert "requirements: must be a non-empty list" in problems


def test_sample_problems_find_placeholder_typo() -> None:
    spec = {
        "origin": "{{ domain }}",
        "requirements": [{"name": "@", "type": "A", "value": "{{ web_addr }}"}],
    }

    assert zone_sample_problems(spec, PARAMS) == [
        "requirements[0]: placeholder 'web_addr' names no parameter"
    ]


def test_sample_problems_find_invalid_address() -> None:
    spec = {
        "origin": "{{ domain }}",
        "requirements": [{"name": "@", "type": "AAAA", "value": "{{ web_ip }}"}],
    }

    assert len(zone_sample_problems(spec, PARAMS)) == 1


def test_sample_problems_accept_example() -> None:
    assert zone_sample_problems(SPEC, PARAMS) == []
