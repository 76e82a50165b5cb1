"""Code exercises of the bank, graded in the local sandbox as the worker does.

Each reference solution is written here from the exercise's statement, never
from its grading section, so a wrong expected value or a statement that does
not match its cases makes a test fail. The wrong solutions are mistakes that
students typically make. Each must lose points on the cases built to catch
it, with the verdict that a student would see.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from exercises.definition import ExerciseDefinition
from exercises.loader import load_bank
from exercises.variants import draw_parameters
from graders.base import Check, GradeResult, GradingContext, Verdict
from graders.registry import get_grader

CODE_KINDS = {"python_function", "python_program"}
REFERENCE_SEEDS = (0, 1, 42, 2**61 + 17)
WRONG_SEED = 3

CODE_BANK = {
    definition.slug: definition
    for definition in load_bank()
    if definition.kind in CODE_KINDS
}


@pytest.fixture(autouse=True)
def local_sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run every grading in the local sandbox, which needs no Docker engine."""
    monkeypatch.setenv("GRADEWELL_SANDBOX_BACKEND", "local")
    monkeypatch.delenv("GRADEWELL_SANDBOX_REQUIRE_DOCKER", raising=False)
    yield


@dataclass(frozen=True)
class WrongSolution:
    """A typical mistake and how the grader must score it.

    ``failing`` maps names of hidden cases that must fail to the verdict of
    their check. The overall ``verdict`` is ``partial`` when some hidden case
    still passes.
    """

    name: str
    source: str
    verdict: Verdict
    failing: dict[str, Verdict] = field(default_factory=dict)


def grade(definition: ExerciseDefinition, seed: int, source: str) -> GradeResult:
    """Grade ``source`` with the parameters of ``seed``, as ``run_grader`` does."""
    context = GradingContext(
        slug=definition.slug,
        kind=definition.kind,
        version=1,
        points=definition.points,
        spec=definition.grading,
        params=draw_parameters(definition, seed),
        submission_id=f"bank-test-{definition.slug}-{seed}",
    )
    return get_grader(definition.kind).grade(context, source)


def hidden_checks(result: GradeResult) -> dict[str, Check]:
    """Return the scored checks by case name, leaving out the unscored samples."""
    scored = [check for check in result.checks if check.max_score > 0]
    names = [check.name for check in scored]
    assert len(set(names)) == len(names), f"hidden case names repeat: {names}"
    return {check.name: check for check in scored}


# parallel-computing: longest-first-makespan

MAKESPAN_REFERENCE = """\
import heapq


def makespan_and_speedup(sequential, durations, processors):
    # Processors beyond the number of tasks stay idle and change nothing.
    loads = [0] * min(processors, len(durations))
    for duration in sorted(durations, reverse=True):
        heapq.heapreplace(loads, loads[0] + duration)
    makespan = sequential + max(loads)
    return makespan, (sequential + sum(durations)) / makespan
"""

MAKESPAN_WRONG = [
    WrongSolution(
        name="tasks in input order",
        source="""\
def makespan_and_speedup(sequential, durations, processors):
    loads = [0] * processors
    for duration in durations:
        loads[loads.index(min(loads))] += duration
    makespan = sequential + max(loads)
    return makespan, (sequential + sum(durations)) / makespan
""",
        verdict=Verdict.PARTIAL,
        failing={
            "longest first changes the result": Verdict.WRONG_ANSWER,
            "forty tasks on six processors": Verdict.WRONG_ANSWER,
        },
    ),
    WrongSolution(
        name="one processor too few",
        source="""\
def makespan_and_speedup(sequential, durations, processors):
    loads = [0] * (processors - 1)
    for duration in sorted(durations, reverse=True):
        loads[loads.index(min(loads))] += duration
    makespan = sequential + max(loads)
    return makespan, (sequential + sum(durations)) / makespan
""",
        verdict=Verdict.PARTIAL,
        failing={
            "one processor": Verdict.RUNTIME_ERROR,
            "longest first changes the result": Verdict.WRONG_ANSWER,
            "worse than the optimal schedule": Verdict.WRONG_ANSWER,
        },
    ),
    WrongSolution(
        name="sequential part left out",
        source="""\
def makespan_and_speedup(sequential, durations, processors):
    loads = [0] * processors
    for duration in sorted(durations, reverse=True):
        loads[loads.index(min(loads))] += duration
    return max(loads), sum(durations) / max(loads)
""",
        verdict=Verdict.PARTIAL,
        failing={
            "equal loads": Verdict.WRONG_ANSWER,
            "one processor": Verdict.WRONG_ANSWER,
        },
    ),
    WrongSolution(
        name="speedup rounded to two decimals",
        source="""\
def makespan_and_speedup(sequential, durations, processors):
    loads = [0] * processors
    for duration in sorted(durations, reverse=True):
        loads[loads.index(min(loads))] += duration
    makespan = sequential + max(loads)
    return makespan, round((sequential + sum(durations)) / makespan, 2)
""",
        verdict=Verdict.PARTIAL,
        failing={
            "worse than the optimal schedule": Verdict.WRONG_ANSWER,
            "forty tasks on six processors": Verdict.WRONG_ANSWER,
        },
    ),
    WrongSolution(
        name="makespan only",
        source="""\
def makespan_and_speedup(sequential, durations, processors):
    loads = [0] * processors
    for duration in sorted(durations, reverse=True):
        loads[loads.index(min(loads))] += duration
    return sequential + max(loads)
""",
        verdict=Verdict.WRONG_ANSWER,
    ),
    WrongSolution(
        name="syntax error",
        source="""\
def makespan_and_speedup(sequential, durations, processors)
    return 0, 1.0
""",
        verdict=Verdict.SYNTAX_ERROR,
    ),
]


# fault-tolerance: reroute-around-failed-links

REROUTE_REFERENCE = """\
from collections import deque


def reroute(links, source, destination, failed):
    down = {frozenset(link) for link in failed}
    previous = {source: None}
    queue = deque([source])
    while queue:
        router = queue.popleft()
        if router == destination:
            path = []
            while router is not None:
                path.append(router)
                router = previous[router]
            return path[::-1]
        # Sorted neighbours keep the queue in lexicographic order of the
        # routes, so the first route to reach a router is the smallest one.
        for neighbour in sorted(links[router]):
            if neighbour not in previous and {router, neighbour} not in down:
                previous[neighbour] = router
                queue.append(neighbour)
    return None
"""


def breadth_first_route(*, failed_check: str, order: str, empty: str) -> str:
    """Return the source of a breadth-first search with one part made wrong."""
    return f"""\
from collections import deque


def reroute(links, source, destination, failed):
    previous = {{source: None}}
    queue = deque([source])
    while queue:
        router = queue.popleft()
        if router == destination:
            path = []
            while router is not None:
                path.append(router)
                router = previous[router]
            return path[::-1]
        for neighbour in {order}:
            if neighbour not in previous and not ({failed_check}):
                previous[neighbour] = router
                queue.append(neighbour)
    return {empty}
"""


CORRECT_FAILED_CHECK = "{router, neighbour} in [set(link) for link in failed]"

REROUTE_WRONG = [
    WrongSolution(
        name="failed links ignored",
        source=breadth_first_route(
            failed_check="False", order="sorted(links[router])", empty="None"
        ),
        verdict=Verdict.PARTIAL,
        failing={
            "failed link written in the other order": Verdict.WRONG_ANSWER,
            "ring cut on both sides": Verdict.WRONG_ANSWER,
            "detour around a wall in a grid of 64 routers": Verdict.WRONG_ANSWER,
        },
    ),
    WrongSolution(
        name="failed links in one direction only",
        source=breadth_first_route(
            failed_check="[router, neighbour] in failed",
            order="sorted(links[router])",
            empty="None",
        ),
        verdict=Verdict.PARTIAL,
        failing={"failed link written in the other order": Verdict.WRONG_ANSWER},
    ),
    WrongSolution(
        name="neighbours in the given order",
        source=breadth_first_route(
            failed_check=CORRECT_FAILED_CHECK, order="links[router]", empty="None"
        ),
        verdict=Verdict.PARTIAL,
        failing={"tie broken by the second router": Verdict.WRONG_ANSWER},
    ),
    WrongSolution(
        name="empty list when unreachable",
        source=breadth_first_route(
            failed_check=CORRECT_FAILED_CHECK,
            order="sorted(links[router])",
            empty="[]",
        ),
        verdict=Verdict.PARTIAL,
        failing={
            "destination without links": Verdict.WRONG_ANSWER,
            "ring cut on both sides": Verdict.WRONG_ANSWER,
        },
    ),
    WrongSolution(
        name="search from the destination",
        source=f"""\
{REROUTE_REFERENCE}

_forward = reroute


def reroute(links, source, destination, failed):
    path = _forward(links, destination, source, failed)
    return None if path is None else path[::-1]
""",
        verdict=Verdict.PARTIAL,
        failing={"tie broken by the second router": Verdict.WRONG_ANSWER},
    ),
    WrongSolution(
        name="first route of a depth-first search",
        source="""\
def reroute(links, source, destination, failed):
    down = {frozenset(link) for link in failed}

    def search(router, path):
        if router == destination:
            return path
        for neighbour in sorted(links[router]):
            if neighbour not in path and {router, neighbour} not in down:
                found = search(neighbour, path + [neighbour])
                if found:
                    return found
        return None

    return search(source, [source])
""",
        verdict=Verdict.PARTIAL,
        failing={"fewest links before name order": Verdict.WRONG_ANSWER},
    ),
    WrongSolution(
        name="every route listed",
        source="""\
def reroute(links, source, destination, failed):
    down = {frozenset(link) for link in failed}
    routes = []

    def extend(path):
        router = path[-1]
        if router == destination:
            routes.append(path)
            return
        for neighbour in links[router]:
            if neighbour not in path and {router, neighbour} not in down:
                extend(path + [neighbour])

    extend([source])
    return min(routes, key=lambda route: (len(route), route), default=None)
""",
        verdict=Verdict.PARTIAL,
        failing={
            "detour around a wall in a grid of 64 routers": (
                Verdict.TIME_LIMIT_EXCEEDED
            ),
        },
    ),
]


# dns: follow-cname-chain

RESOLVE_REFERENCE = """\
def resolve(records, name):
    seen = set()
    while name not in seen:
        seen.add(name)
        if name not in records:
            return None
        record_type, value = records[name]
        if record_type == "A":
            return value
        if record_type != "CNAME":
            return None
        name = value
    return None
"""

RESOLVE_WRONG = [
    WrongSolution(
        name="no loop detection",
        source="""\
def resolve(records, name):
    while name in records:
        record_type, value = records[name]
        if record_type == "A":
            return value
        if record_type != "CNAME":
            return None
        name = value
    return None
""",
        verdict=Verdict.PARTIAL,
        failing={
            "loop back to the first name": Verdict.TIME_LIMIT_EXCEEDED,
            "name that is an alias of itself": Verdict.TIME_LIMIT_EXCEEDED,
            "loop that does not return to the first name": (
                Verdict.TIME_LIMIT_EXCEEDED
            ),
        },
    ),
    WrongSolution(
        name="loop detected only at the first name",
        source="""\
def resolve(records, name):
    start = name
    while name in records:
        record_type, value = records[name]
        if record_type == "A":
            return value
        if record_type != "CNAME" or value == start:
            return None
        name = value
    return None
""",
        verdict=Verdict.PARTIAL,
        failing={
            "loop that does not return to the first name": (
                Verdict.TIME_LIMIT_EXCEEDED
            ),
        },
    ),
    WrongSolution(
        name="recursion",
        source="""\
def resolve(records, name, seen=()):
    if name in seen or name not in records:
        return None
    record_type, value = records[name]
    if record_type == "A":
        return value
    if record_type != "CNAME":
        return None
    return resolve(records, value, seen + (name,))
""",
        verdict=Verdict.PARTIAL,
        failing={"chain of 1000 names": Verdict.RUNTIME_ERROR},
    ),
    WrongSolution(
        name="limit of 16 steps",
        source="""\
def resolve(records, name):
    for _ in range(16):
        if name not in records:
            return None
        record_type, value = records[name]
        if record_type == "A":
            return value
        if record_type != "CNAME":
            return None
        name = value
    return None
""",
        verdict=Verdict.PARTIAL,
        failing={"chain of 1000 names": Verdict.WRONG_ANSWER},
    ),
    WrongSolution(
        name="missing names not checked",
        source="""\
def resolve(records, name):
    seen = set()
    while name not in seen:
        seen.add(name)
        record_type, value = records[name]
        if record_type == "A":
            return value
        if record_type != "CNAME":
            return None
        name = value
    return None
""",
        verdict=Verdict.PARTIAL,
        failing={
            "name that is not in the records": Verdict.RUNTIME_ERROR,
            "alias of a missing name": Verdict.RUNTIME_ERROR,
        },
    ),
    WrongSolution(
        name="value of any record type",
        source="""\
def resolve(records, name):
    seen = set()
    while name in records and name not in seen:
        seen.add(name)
        record_type, value = records[name]
        if record_type != "CNAME":
            return value
        name = value
    return None
""",
        verdict=Verdict.PARTIAL,
        failing={
            "chain that ends at an AAAA record": Verdict.WRONG_ANSWER,
            "chain that ends at a TXT record": Verdict.WRONG_ANSWER,
        },
    ),
]


# parallel-computing: list-scheduling-report

REPORT_REFERENCE = """\
import sys

numbers = [int(word) for word in sys.stdin.read().split()]
processors, durations = numbers[0], numbers[1:]
loads = [0] * processors
for duration in durations:
    loads[loads.index(min(loads))] += duration
total = sum(durations)
parallel = max(loads)
print(f"{total:.2f}")
print(f"{parallel:.2f}")
print(f"{total / parallel:.2f}")
"""


def report_program(*, order: str, speedup: str) -> str:
    """Return the source of a report program with its own task order and speedup."""
    return f"""\
processors = int(input())
durations = [int(word) for word in input().split()]
loads = [0] * processors
for duration in {order}:
    loads[loads.index(min(loads))] += duration
total = sum(durations)
parallel = max(loads)
print(f"{{total:.2f}}")
print(f"{{parallel:.2f}}")
print({speedup})
"""


REPORT_WRONG = [
    WrongSolution(
        name="longest tasks first",
        source=report_program(
            order="sorted(durations, reverse=True)",
            speedup='f"{total / parallel:.2f}"',
        ),
        verdict=Verdict.PARTIAL,
        failing={
            "tasks keep their input order": Verdict.WRONG_ANSWER,
            "thirty tasks on four processors": Verdict.WRONG_ANSWER,
        },
    ),
    WrongSolution(
        name="speedup truncated",
        source=report_program(
            order="durations",
            speedup='f"{int(total / parallel * 100) / 100:.2f}"',
        ),
        verdict=Verdict.PARTIAL,
        failing={
            "speedup rounded up": Verdict.WRONG_ANSWER,
            "speedup rounded up on three processors": Verdict.WRONG_ANSWER,
        },
    ),
    WrongSolution(
        name="numbers without two decimals",
        source="""\
processors = int(input())
durations = [int(word) for word in input().split()]
loads = [0] * processors
for duration in durations:
    loads[loads.index(min(loads))] += duration
print(sum(durations))
print(max(loads))
print(round(sum(durations) / max(loads), 2))
""",
        verdict=Verdict.WRONG_ANSWER,
    ),
    WrongSolution(
        name="durations read from the first line",
        source="""\
processors, *durations = [int(word) for word in input().split()]
loads = [0] * processors
for duration in durations:
    loads[loads.index(min(loads))] += duration
print(f"{sum(durations):.2f}")
print(f"{max(loads):.2f}")
print(f"{sum(durations) / max(loads):.2f}")
""",
        verdict=Verdict.RUNTIME_ERROR,
    ),
    WrongSolution(
        name="syntax error",
        source='print(f"{1.0:.2f}"\n',
        verdict=Verdict.SYNTAX_ERROR,
    ),
]


REFERENCES = {
    "longest-first-makespan": MAKESPAN_REFERENCE,
    "reroute-around-failed-links": REROUTE_REFERENCE,
    "follow-cname-chain": RESOLVE_REFERENCE,
    "list-scheduling-report": REPORT_REFERENCE,
}
WRONG_SOLUTIONS = {
    "longest-first-makespan": MAKESPAN_WRONG,
    "reroute-around-failed-links": REROUTE_WRONG,
    "follow-cname-chain": RESOLVE_WRONG,
    "list-scheduling-report": REPORT_WRONG,
}
WRONG_CASES = [
    pytest.param(slug, wrong, id=f"{slug}: {wrong.name}")
    for slug, solutions in WRONG_SOLUTIONS.items()
    for wrong in solutions
]


def test_code_exercises_all_have_solutions() -> None:
    assert set(CODE_BANK) == set(REFERENCES)
    assert set(CODE_BANK) == set(WRONG_SOLUTIONS)


@pytest.mark.parametrize("slug", sorted(REFERENCES))
def test_code_exercise_reference_passes(slug: str) -> None:
    definition = CODE_BANK[slug]
    for seed in REFERENCE_SEEDS:
        result = grade(definition, seed, REFERENCES[slug])
        failed = [check.name for check in result.checks if not check.passed]

        assert result.verdict == Verdict.PASSED, f"seed {seed}: {result.feedback}"
        assert result.score == definition.points, f"seed {seed}"
        assert failed == [], f"seed {seed}: samples or cases failed"


@pytest.mark.parametrize(("slug", "wrong"), WRONG_CASES)
def test_code_exercise_wrong_solution(slug: str, wrong: WrongSolution) -> None:
    definition = CODE_BANK[slug]

    result = grade(definition, WRONG_SEED, wrong.source)

    assert result.verdict == wrong.verdict, result.feedback
    if wrong.verdict == Verdict.PARTIAL:
        assert 0 < result.score < definition.points
    else:
        assert result.score == 0
    checks = hidden_checks(result)
    for case_name, verdict in wrong.failing.items():
        assert case_name in checks, f"no hidden case named {case_name!r}"
        assert checks[case_name].verdict == verdict, checks[case_name].message
