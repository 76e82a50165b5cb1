"""Every exercise in the bank, graded with answers worked out independently.

Each reference answer is derived here from the variant the student sees (its
drawn parameters, statement or option texts), never read back from the
exercise's grading section, so a wrong key or a statement that does not match
its key makes a test fail.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import networkx
import pytest

from exercises.definition import ExerciseDefinition
from exercises.loader import BankError, load_bank
from exercises.variants import Variant, build_variant
from graders.base import GradeResult, GradingContext, Verdict
from graders.numbers import NumberFormatError, parse_number
from graders.registry import get_grader

SEEDS = (*range(12), 42, 2**61 + 17)
CHOICE_KINDS = {"single_choice", "multiple_choice"}

Answer = Callable[[Variant], Any]


@dataclass(frozen=True)
class Wrong:
    """A typical wrong answer and the feedback the student should get.

    ``fraction`` is the share of the points it still earns.
    """

    answer: Answer
    feedback: str | Callable[[Variant], str]
    verdict: Verdict = Verdict.WRONG_ANSWER
    fraction: float = 0.0


@dataclass(frozen=True)
class BankCase:
    """How to answer one exercise: right answers, and wrong ones in order.

    For numeric exercises, ``close`` is the distance under which two values
    count as the same answer. A wrong answer is skipped for a seed where it
    equals a right answer or an earlier wrong answer, because the grader
    then shows that answer's feedback instead.
    """

    slug: str
    reference: Callable[[Variant], list[Any]]
    wrong: list[Wrong] = field(default_factory=list)
    close: float | None = None


def load_definitions() -> tuple[dict[str, ExerciseDefinition], list[str]]:
    """Load the bank, keeping its problems for a test to report."""
    try:
        definitions = load_bank()
    except BankError as exc:
        return {}, exc.problems
    return {definition.slug: definition for definition in definitions}, []


BANK, BANK_PROBLEMS = load_definitions()


def grade(definition: ExerciseDefinition, variant: Variant, answer: Any) -> GradeResult:
    context = GradingContext(
        slug=definition.slug,
        kind=definition.kind,
        version=1,
        points=definition.points,
        spec=definition.grading,
        params=variant.params,
    )
    return get_grader(definition.kind).grade(context, answer)


def option_id(variant: Variant, text: str) -> str:
    """Return the id of the only option whose text contains ``text``."""
    matches = [option["id"] for option in variant.options if text in option["text"]]
    assert len(matches) == 1, f"{len(matches)} options contain {text!r}"
    return matches[0]


def constant(answer: Any) -> Answer:
    return lambda variant: answer


# parallel-computing


def two_processor_times(variant: Variant) -> tuple[float, float]:
    p = variant.params
    sequential = p["setup"] + p["task_a"] + p["task_b"]
    parallel = p["setup"] + max(p["task_a"], p["task_b"])
    return sequential, parallel


def two_processor_speedup(variant: Variant) -> list[Any]:
    sequential, parallel = two_processor_times(variant)
    return [f"{sequential / parallel:.2f}", f"{sequential}/{parallel}"]


def tasks_only(variant: Variant) -> int:
    return variant.params["task_a"] + variant.params["task_b"]


def amdahl_times(variant: Variant) -> tuple[float, float]:
    """Return the run times on one processor and on all of them, in seconds."""
    p = variant.params
    total = p["sequential_seconds"]
    parallel_part = total * p["parallel_percent"] / 100
    serial_part = total - parallel_part
    return total, serial_part + parallel_part / p["processors"]


def amdahl_speedup(variant: Variant) -> list[Any]:
    one, many = amdahl_times(variant)
    return [f"{one / many:.2f}", f"{one / many:.2f}".replace(".", ",")]


def amdahl_share(variant: Variant) -> float:
    return variant.params["parallel_percent"] / 100


def gustafson(variant: Variant) -> float:
    share = amdahl_share(variant)
    return (1 - share) + share * variant.params["processors"]


def around_jobs(variant: Variant, jobs_seconds: float) -> float:
    """Add the setup and merge steps, which run alone, to the jobs' time."""
    return variant.params["setup"] + jobs_seconds + variant.params["merge"]


def jobs(variant: Variant) -> list[int]:
    return variant.params["jobs"]


def build_time(variant: Variant) -> list[Any]:
    finish = around_jobs(variant, max(jobs(variant)))
    return [str(finish), finish, f" {finish}.0 "]


# fault-tolerance


def link_cut(variant: Variant) -> list[Any]:
    """Return the minimum cut between the hosts, computed as a maximum flow."""
    p = variant.params
    graph = networkx.Graph()
    links = [
        ("source", "sw1", p["source_links"]),
        ("sw1", "sw2", p["upper_in"]),
        ("sw2", "sw4", p["upper_out"]),
        ("sw1", "sw3", p["lower_in"]),
        ("sw3", "sw4", p["lower_out"]),
        ("sw4", "target", p["target_links"]),
    ]
    for left, right, count in links:
        graph.add_edge(left, right, capacity=count)
    return [str(networkx.minimum_cut_value(graph, "source", "target"))]


def link_counts(variant: Variant) -> list[int]:
    p = variant.params
    names = ["source_links", "upper_in", "upper_out", "lower_in", "lower_out"]
    return [p[name] for name in [*names, "target_links"]]


def all_servers_up(variant: Variant) -> float:
    return variant.params["availability"] ** variant.params["servers"]


def all_servers_down(variant: Variant) -> float:
    return (1 - variant.params["availability"]) ** variant.params["servers"]


def service_availability(variant: Variant) -> float:
    """Sum the probability of every up/down combination with a server up."""
    up = variant.params["availability"]
    total = 0.0
    for states in itertools.product([True, False], repeat=variant.params["servers"]):
        if any(states):
            total += math.prod(up if state else 1 - up for state in states)
    return total


def availability_answers(variant: Variant) -> list[Any]:
    value = service_availability(variant)
    return [f"{value:.6f}", f"{value * 100:.3f}%", f"{value * 100:.4f} %"]


# dns

RECORD_FOR_GOAL = {
    "IPv4 address": "A",
    "IPv6 address": "AAAA",
    "an alias of": "CNAME",
    "e-mail for addresses": "MX",
    "authoritative name servers": "NS",
    "site-verification=": "TXT",
}
RECORD_TEACHING = {
    "A": "maps a name to an IPv4 address",
    "AAAA": "maps a name to an IPv6 address",
    "CNAME": "alias of another name",
    "MX": "accept e-mail for the domain",
}


def record_type(variant: Variant) -> str:
    found = [
        kind for goal, kind in RECORD_FOR_GOAL.items() if goal in variant.statement
    ]
    assert len(found) == 1, f"statement matches {found}"
    return found[0]


def record_answers(variant: Variant) -> list[Any]:
    kind = record_type(variant)
    article = "an" if kind[0] in "AMN" else "a"
    return [kind, kind.lower(), f" {kind}. ", f"{article} {kind} record"]


def other_record(variant: Variant) -> str:
    """Return a record type, from those with a teaching message, that is wrong."""
    kind = record_type(variant)
    return next(other for other in RECORD_TEACHING if other != kind)


def other_record_feedback(variant: Variant) -> str:
    return RECORD_TEACHING[other_record(variant)]


def mx_first(variant: Variant) -> list[Any]:
    """Pick the MX host with the lowest preference value in the statement."""
    records = re.findall(r"MX\s+(\d+)\s+(\S+)\.mailhost\.example\.", variant.statement)
    assert len(records) == 2
    preferred = min(records, key=lambda record: int(record[0]))[1]
    return [option_id(variant, f"`{preferred}.mailhost.example`")]


def mx_backup(variant: Variant) -> str:
    records = re.findall(r"MX\s+(\d+)\s+(\S+)\.mailhost\.example\.", variant.statement)
    backup = max(records, key=lambda record: int(record[0]))[1]
    return option_id(variant, f"`{backup}.mailhost.example`")


# rest-http

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
IDEMPOTENT_METHODS = SAFE_METHODS | {"PUT", "DELETE"}


def method_of(option: dict[str, str]) -> str:
    return option["text"].strip("`").split()[0]


def idempotent_not_safe(variant: Variant) -> list[Any]:
    wanted = IDEMPOTENT_METHODS - SAFE_METHODS
    return [sorted(o["id"] for o in variant.options if method_of(o) in wanted)]


def method_option(method: str) -> Answer:
    return lambda variant: next(
        option["id"] for option in variant.options if method_of(option) == method
    )


# Each situation in the status-code exercise, with the status code that RFC
# 9110 prescribes for it.
RIGHT_STATUS = {
    "replaces the account": 200,
    "has no body": 204,
    "already has": 409,
    "well-formed JSON": 422,
    "does not exist": 404,
    "without any credentials": 401,
    "not valid JSON": 400,
    "returns the list": 200,
}


def stated_status(option: dict[str, str]) -> int:
    return int(re.findall(r"\b(\d{3}) [A-Z]", option["text"])[-1])


def right_status(option: dict[str, str]) -> int:
    codes = {code for phrase, code in RIGHT_STATUS.items() if phrase in option["text"]}
    assert len(codes) == 1, f"no single situation in {option['text']!r}"
    return codes.pop()


def right_status_lines(variant: Variant) -> list[Any]:
    return [
        sorted(
            option["id"]
            for option in variant.options
            if stated_status(option) == right_status(option)
        )
    ]


def with_wrong_status(variant: Variant, count: int) -> list[str]:
    """Return the right lines plus ``count`` lines with a wrong code."""
    wrong = [
        option["id"]
        for option in variant.options
        if stated_status(option) != right_status(option)
    ]
    return right_status_lines(variant)[0] + sorted(wrong)[:count]


CASES = [
    BankCase(
        slug="speedup-two-processors",
        reference=two_processor_speedup,
        close=0.01,
        wrong=[
            Wrong(
                lambda v: f"{1 / float(two_processor_speedup(v)[0]):.3f}",
                "That is the inverse.",
            ),
            Wrong(
                lambda v: f"{two_processor_times(v)[0] / tasks_only(v):.3f}",
                "waits for its longest task",
            ),
            Wrong(constant("2"), "rarely give a speedup of exactly 2"),
            Wrong(constant("abc"), "is not a number", Verdict.INVALID_ANSWER),
        ],
    ),
    BankCase(
        slug="amdahl-speedup",
        reference=amdahl_speedup,
        close=0.01,
        wrong=[
            Wrong(lambda v: str(v.params["processors"]), "That is linear speedup"),
            Wrong(
                lambda v: f"{1 / (1 - amdahl_share(v)):.2f}",
                "limit for an unlimited number of processors",
            ),
            Wrong(
                lambda v: f"{amdahl_times(v)[1] / amdahl_times(v)[0]:.3f}",
                "The speedup is its inverse.",
            ),
            Wrong(
                lambda v: f"{gustafson(v):.2f}",
                "Gustafson's scaled speedup",
            ),
            Wrong(
                constant("50%"), "Percentages are not accepted", Verdict.INVALID_ANSWER
            ),
        ],
    ),
    BankCase(
        slug="parallel-run-time",
        reference=build_time,
        close=0.0,
        wrong=[
            Wrong(
                lambda v: around_jobs(v, sum(jobs(v))),
                "That is the sequential run time.",
            ),
            Wrong(lambda v: around_jobs(v, sum(jobs(v)) / 4), "spread evenly"),
            Wrong(lambda v: around_jobs(v, min(jobs(v))), "not the fastest one"),
            Wrong(lambda v: max(jobs(v)), "Setup and merge run on one"),
        ],
    ),
    BankCase(
        slug="link-failures-two-routes",
        reference=link_cut,
        close=0.0,
        wrong=[
            Wrong(lambda v: str(min(link_counts(v))), "their cuts add up"),
            Wrong(lambda v: str(sum(link_counts(v))), "That is every link"),
            Wrong(
                lambda v: str(min(link_counts(v)[0], link_counts(v)[5])),
                "Cutting the weaker group on each route",
            ),
            Wrong(
                lambda v: str(min(link_counts(v)[1:3]) + min(link_counts(v)[3:5])),
                "a host's own links are fewer",
            ),
            Wrong(constant("1,5.0"), "mixes separators", Verdict.INVALID_ANSWER),
        ],
    ),
    BankCase(
        slug="redundant-servers-availability",
        reference=availability_answers,
        close=0.00001,
        wrong=[
            Wrong(
                lambda v: f"{all_servers_up(v):.6f}",
                "all servers are up at the same time",
            ),
            Wrong(
                lambda v: f"{all_servers_down(v):.6f}",
                "which is the unavailability",
            ),
            Wrong(lambda v: f"{v.params['availability']:.3f}", "one server's"),
            Wrong(
                lambda v: f"{service_availability(v) * 100:.4f}",
                "percentage without its % sign",
            ),
        ],
    ),
    BankCase(
        slug="single-points-of-failure",
        reference=constant([["database", "switch", "uplink"]]),
        wrong=[
            Wrong(
                constant(["database", "switch", "uplink", "app_server"]),
                "other application servers keep serving",
                Verdict.PARTIAL,
                2 / 3,
            ),
            Wrong(
                constant(["database", "disk"]),
                "RAID 1 keeps a full copy",
            ),
            Wrong(
                constant(["switch", "power_feed"]),
                "second power supply",
            ),
            Wrong(
                constant(["uplink", "load_balancer"]),
                "takes over the shared address",
            ),
            Wrong(
                lambda v: [option["id"] for option in v.options],
                "4 wrong option(s) chosen",
            ),
        ],
    ),
    BankCase(
        slug="record-for-purpose",
        reference=record_answers,
        wrong=[
            Wrong(constant("AAA"), "There is no AAA record type."),
            Wrong(constant("PTR"), "maps an address back to a name"),
            Wrong(other_record, other_record_feedback),
            Wrong(constant("  "), "empty", Verdict.INVALID_ANSWER),
        ],
    ),
    BankCase(
        slug="mx-preference",
        reference=mx_first,
        wrong=[
            Wrong(mx_backup, "lower preference value means more preferred"),
            Wrong(constant("random"), "only among MX records with equal preference"),
            Wrong(constant("address"), "has no MX record at all"),
        ],
    ),
    BankCase(
        slug="idempotent-methods",
        reference=idempotent_not_safe,
        wrong=[
            Wrong(
                lambda v: idempotent_not_safe(v)[0] + [method_option("POST")(v)],
                "POST is neither safe nor idempotent",
                Verdict.PARTIAL,
                1 / 2,
            ),
            Wrong(
                lambda v: [method_option("GET")(v), method_option("PUT")(v)],
                "it is also safe",
            ),
            Wrong(
                lambda v: [method_option("PATCH")(v)],
                "does not define PATCH as idempotent",
            ),
            Wrong(
                lambda v: [method_option("DELETE")(v)],
                "1 of 2 correct options chosen.",
                Verdict.PARTIAL,
                1 / 2,
            ),
            Wrong(
                lambda v: [option["id"] for option in v.options],
                "5 wrong option(s) chosen",
            ),
        ],
    ),
    BankCase(
        slug="status-code-scenarios",
        reference=right_status_lines,
        wrong=[
            Wrong(
                lambda v: with_wrong_status(v, 1),
                "1 wrong option(s) chosen",
                Verdict.PARTIAL,
                3 / 4,
            ),
            Wrong(constant(["no_credentials_403"]), "gets 401 Unauthorized"),
            Wrong(constant(["broken_json_422"]), "answered with 400 Bad Request"),
            Wrong(constant(["missing_400"]), "That is 404 Not Found."),
            Wrong(constant(["list_201"]), "the answer is 200 OK"),
            Wrong(lambda v: with_wrong_status(v, 4), "4 wrong option(s) chosen"),
        ],
    ),
    BankCase(
        slug="unauthorized-or-forbidden",
        reference=lambda v: [option_id(v, "403 Forbidden")],
        wrong=[
            Wrong(lambda v: option_id(v, "401"), "the server knows who is asking"),
            Wrong(lambda v: option_id(v, "404"), "does not hide which students exist"),
            Wrong(lambda v: option_id(v, "405"), "GET is allowed on this resource"),
            Wrong(lambda v: option_id(v, "400"), "who is asking, not how"),
            Wrong(lambda v: option_id(v, "409"), "outdated version"),
        ],
    ),
    BankCase(
        slug="method-not-allowed",
        reference=constant(["405", "405 Method Not Allowed", "HTTP 405", "405."]),
        wrong=[
            Wrong(constant("404"), "The resource exists"),
            Wrong(constant("501"), "does not support the method for any resource"),
            Wrong(constant(" 403 "), "no client at all may use this method"),
            Wrong(constant("401"), "The client is logged in."),
            Wrong(constant("409"), "whatever the state"),
            Wrong(constant("4O5"), "Not the expected answer."),
        ],
    ),
]
CASES_BY_SLUG = {case.slug: case for case in CASES}


def shown_text(variant: Variant) -> tuple[str, ...]:
    """Return the statement and option texts, ignoring the option order."""
    options = sorted(option["text"] for option in variant.options)
    return (variant.statement, *options)


def case_ids(cases: list[BankCase]) -> list[str]:
    return [case.slug for case in cases]


def expected_feedback(wrong: Wrong, variant: Variant) -> str:
    if isinstance(wrong.feedback, str):
        return wrong.feedback
    return wrong.feedback(variant)


def same_value(left: Any, right: Any, close: float | None) -> bool:
    """Tell whether two answers are the same answer for the grader."""
    if close is None:
        return bool(left == right)
    try:
        values = [parse_number(str(item), allow_percent=True) for item in (left, right)]
    except NumberFormatError:
        return False
    return abs(values[0] - values[1]) <= close


def test_bank_loads_without_problems() -> None:
    assert BANK_PROBLEMS == []


def test_bank_loads_every_exercise() -> None:
    assert len(BANK) >= 11


CODE_KINDS = {"python_function", "python_program"}


def test_bank_every_exercise_has_a_case() -> None:
    # Code exercises have their own table in test_code_exercises.py.
    answer_slugs = {slug for slug, item in BANK.items() if item.kind not in CODE_KINDS}
    assert answer_slugs == set(CASES_BY_SLUG)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_reference_answer_passes(case: BankCase) -> None:
    definition = BANK[case.slug]
    grader = get_grader(definition.kind)
    for seed in SEEDS:
        variant = build_variant(definition, seed)
        for answer in case.reference(variant):
            where = f"seed {seed}, answer {answer!r}"
            result = grade(definition, variant, answer)

            assert grader.answer_error(answer) is None, where
            assert result.verdict == Verdict.PASSED, f"{where}: {result.feedback}"
            assert result.score == definition.points, where


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_wrong_answer_feedback(case: BankCase) -> None:
    definition = BANK[case.slug]
    tried = [0] * len(case.wrong)
    for seed in SEEDS:
        variant = build_variant(definition, seed)
        right = case.reference(variant)
        earlier: list[Any] = []
        for index, wrong in enumerate(case.wrong):
            answer = wrong.answer(variant)
            shadowed = [*right, *earlier]
            earlier.append(answer)
            if any(same_value(answer, other, case.close) for other in shadowed):
                continue
            tried[index] += 1
            where = f"seed {seed}, answer {answer!r}"
            result = grade(definition, variant, answer)

            assert result.verdict == wrong.verdict, f"{where}: {result.feedback}"
            assert result.score == pytest.approx(definition.points * wrong.fraction), (
                where
            )
            assert expected_feedback(wrong, variant) in result.feedback, where

    assert all(tried), f"wrong answers never tried on any seed: {tried}"


@pytest.mark.parametrize("slug", sorted(BANK))
def test_variant_deterministic_per_seed(slug: str) -> None:
    definition = BANK[slug]
    for seed in SEEDS:
        assert build_variant(definition, seed) == build_variant(definition, seed)


@pytest.mark.parametrize(
    "slug", sorted(slug for slug, d in BANK.items() if d.parameters)
)
def test_variants_differ_between_seeds(slug: str) -> None:
    definition = BANK[slug]
    seen = {shown_text(build_variant(definition, seed)) for seed in SEEDS}

    assert len(seen) >= len(SEEDS) // 2


@pytest.mark.parametrize("slug", sorted(BANK))
def test_statement_renders_without_placeholders(slug: str) -> None:
    definition = BANK[slug]
    for seed in SEEDS:
        variant = build_variant(definition, seed)
        texts = [variant.statement, *(option["text"] for option in variant.options)]
        for text in texts:
            assert "{{" not in text, f"seed {seed}: {text!r}"
            assert "}}" not in text, f"seed {seed}: {text!r}"


@pytest.mark.parametrize(
    "slug", sorted(slug for slug, d in BANK.items() if d.kind in CHOICE_KINDS)
)
def test_choice_wrong_options_have_feedback(slug: str) -> None:
    definition = BANK[slug]
    correct = definition.grading["correct"]
    correct_ids = set(correct) if isinstance(correct, list) else {correct}
    wrong_ids = {option["id"] for option in definition.options} - correct_ids

    assert wrong_ids <= set(definition.grading.get("feedback", {}))


@pytest.mark.parametrize(
    "slug", sorted(slug for slug, d in BANK.items() if d.kind == "multiple_choice")
)
def test_multiple_choice_all_options_earn_nothing(slug: str) -> None:
    definition = BANK[slug]
    variant = build_variant(definition, 0)
    everything = [option["id"] for option in variant.options]

    assert grade(definition, variant, everything).score == 0.0


@pytest.mark.parametrize(
    "slug",
    sorted(slug for slug, d in BANK.items() if d.kind in {"numeric", "short_text"}),
)
def test_typed_answer_has_hint(slug: str) -> None:
    assert BANK[slug].answer_hint.strip()
