"""More bank exercises: parallel computing and deployment.

The cases follow the rules of ``test_bank.py`` and run through its checks.
Each reference answer is worked out here from the variant that the student
sees, never read back from the exercise's grading section.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from exercises.variants import Variant
from graders.base import Verdict
from tests.bank import test_bank as bank
from tests.bank.test_bank import BankCase, Wrong, constant, option_id

# parallel-computing


def pipeline_one_processor(variant: Variant) -> list[Any]:
    total = variant.params["load"]
    for chunk in variant.params["chunks"]:
        total += chunk
    return [str(total), total]


def chunks(variant: Variant) -> list[int]:
    return variant.params["chunks"]


def round_robin_loads(variant: Variant) -> list[int]:
    """Return the total work of each processor when task i goes to processor i mod N."""
    processors = variant.params["processors"]
    loads = [0] * processors
    for index, seconds in enumerate(variant.params["tasks"]):
        loads[index % processors] += seconds
    return loads


def round_robin_time(variant: Variant) -> list[Any]:
    finish = variant.params["setup"] + max(round_robin_loads(variant))
    return [str(finish), f" {finish}.0 "]


def after_setup(variant: Variant, seconds: float) -> float:
    return variant.params["setup"] + seconds


def run_times(variant: Variant) -> tuple[int, int]:
    """Return the run times on one processor and on four, in seconds."""
    setup, tasks = variant.params["setup"], variant.params["tasks"]
    return setup + sum(tasks), setup + max(tasks)


def efficiency(variant: Variant) -> float:
    one, four = run_times(variant)
    return one / four / 4


def efficiency_answers(variant: Variant) -> list[Any]:
    one, four = run_times(variant)
    value = efficiency(variant)
    truncated = math.floor(value * 100) / 100
    return [f"{value:.2f}", f"{truncated:.2f}", f"{value:.1%}", f"{one}/{4 * four}"]


def amdahl_seconds(variant: Variant) -> tuple[float, float]:
    """Return the total run time and its serial part, in seconds."""
    total = variant.params["total_seconds"]
    return total, total * variant.params["serial_percent"] / 100


def amdahl_limit(variant: Variant) -> list[Any]:
    total, serial = amdahl_seconds(variant)
    return [f"{total / serial:.2f}", f"{total}/{round(serial)}"]


def beyond_one_machine(variant: Variant) -> list[Any]:
    """Return the situations whose size exceeds what one machine offers."""
    p = variant.params
    picks = []
    if p["data_tb"] * 1000 > p["memory_gb"]:
        picks.append("memory")
    if p["archive_pb"] * 1000 > p["disks_tb"]:
        picks.append("storage")
    if p["peak_rps"] > p["server_rps"]:
        picks.append("throughput")
    return [sorted(picks)]


def speedup_limits(variant: Variant) -> list[Any]:
    p = variant.params
    assert p["single_minutes"] / p["parallel_minutes"] < p["machines"]
    return [["communication", "imbalance", "sequential"]]


# deployment

# Each change in the pipeline exercise, with the first stage that fails.
FAILING_STAGE = {
    "pinned to version": "build",
    "Dockerfile": "build",
    "unit test": "test",
    "integration test": "test",
    "SMTP_HOST": "deploy",
    "migration": "deploy",
}
STAGE_TEACHING = {
    "build": "fails only when the code cannot be built",
    "test": "catches code that builds but behaves wrongly",
    "deploy": "It catches problems of that environment",
}


def failing_stage(variant: Variant) -> str:
    """Read the change after "A commit", past the list of stages."""
    change = variant.statement.split("A commit", 1)[1]
    found = {stage for phrase, stage in FAILING_STAGE.items() if phrase in change}
    assert len(found) == 1, f"statement matches {found}"
    return found.pop()


def stage_answers(variant: Variant) -> list[Any]:
    stage = failing_stage(variant)
    return [stage, stage.upper(), f"the {stage} stage", f" {stage}. "]


def other_stage(variant: Variant, offset: int) -> str:
    stages = list(STAGE_TEACHING)
    index = stages.index(failing_stage(variant))
    return stages[(index + offset) % len(stages)]


def hit_ratio(variant: Variant) -> float:
    hits = variant.params["hits"]
    return hits / (hits + variant.params["misses"])


def hit_ratio_answers(variant: Variant) -> list[Any]:
    requests = variant.params["hits"] + variant.params["misses"]
    value = hit_ratio(variant)
    return [f"{value:.3f}", f"{value:.1%}", f"{variant.params['hits']}/{requests}"]


def cache_means(variant: Variant) -> tuple[float, float]:
    """Return the mean response times without and with the cache, in ms."""
    p = variant.params
    hits = p["hit_percent"] / 100
    return p["miss_ms"], hits * p["hit_ms"] + (1 - hits) * p["miss_ms"]


def cache_speedup(variant: Variant) -> list[Any]:
    without, with_cache = cache_means(variant)
    return [
        f"{without / with_cache:.2f}",
        f"{without / with_cache:.2f}".replace(".", ","),
    ]


def unweighted_cache_speedup(variant: Variant) -> float:
    """Return the speedup over the plain mean of the hit and miss times."""
    p = variant.params
    return p["miss_ms"] / ((p["hit_ms"] + p["miss_ms"]) / 2)


def sorted_times(variant: Variant) -> list[int]:
    return sorted(variant.params["times"])


def nearest_rank_p95(variant: Variant) -> list[Any]:
    times = sorted_times(variant)
    rank = math.ceil(len(times) * 95 / 100)
    return [str(times[rank - 1]), times[rank - 1]]


def median(variant: Variant) -> float:
    times = sorted_times(variant)
    return (times[9] + times[10]) / 2


CASES = [
    BankCase(
        slug="sequential-run-time",
        reference=pipeline_one_processor,
        close=0.0,
        wrong=[
            Wrong(
                lambda v: v.params["load"] + max(chunks(v)),
                "with one processor per chunk",
            ),
            Wrong(lambda v: sum(chunks(v)), "Add its time as well."),
            Wrong(
                lambda v: v.params["load"] + sum(chunks(v)) / 5,
                "the mean chunk time",
            ),
            Wrong(lambda v: max(chunks(v)), "only the longest chunk"),
            Wrong(constant("2 min"), "is not a number", Verdict.INVALID_ANSWER),
        ],
    ),
    BankCase(
        slug="round-robin-parallel-time",
        reference=round_robin_time,
        close=0.0,
        wrong=[
            Wrong(
                lambda v: after_setup(v, sum(v.params["tasks"])),
                "That is the sequential time",
            ),
            Wrong(
                lambda v: after_setup(v, max(v.params["tasks"])),
                "each processor runs several tasks",
            ),
            Wrong(
                lambda v: after_setup(
                    v, sum(v.params["tasks"]) / v.params["processors"]
                ),
                "spreads the work perfectly evenly",
            ),
            Wrong(lambda v: max(round_robin_loads(v)), "Add its time."),
            Wrong(
                lambda v: after_setup(v, min(round_robin_loads(v))),
                "the processor with the most work",
            ),
        ],
    ),
    BankCase(
        slug="parallel-efficiency",
        reference=efficiency_answers,
        close=0.01,
        wrong=[
            Wrong(lambda v: f"{efficiency(v) * 4:.3f}", "That is the speedup."),
            Wrong(lambda v: f"{1 / (efficiency(v) * 4):.3f}", "the inverse"),
            Wrong(
                lambda v: f"{sum(v.params['tasks']) / max(v.params['tasks']) / 4:.3f}",
                "The setup step is missing.",
            ),
            Wrong(lambda v: f"{efficiency(v) * 100:.1f}", "without its % sign"),
        ],
    ),
    BankCase(
        slug="amdahl-maximum-speedup",
        reference=amdahl_limit,
        close=0.01,
        wrong=[
            Wrong(
                lambda v: f"{amdahl_seconds(v)[1] / amdahl_seconds(v)[0]:.3f}",
                "That is the serial fraction itself.",
            ),
            Wrong(
                lambda v: f"{1 / (1 - v.params['serial_percent'] / 100):.3f}",
                "That divides by the parallel fraction.",
            ),
            Wrong(
                lambda v: f"{1 - v.params['serial_percent'] / 100:.2f}",
                "That is the parallel fraction.",
            ),
            Wrong(constant("infinite"), "is not a number", Verdict.INVALID_ANSWER),
        ],
    ),
    BankCase(
        slug="when-to-distribute",
        reference=beyond_one_machine,
        wrong=[
            Wrong(
                constant(["memory", "storage", "throughput", "chain"]),
                "Each step waits for the one before it",
                Verdict.PARTIAL,
                2 / 3,
            ),
            Wrong(constant(["memory", "tiny"]), "network round trips"),
            Wrong(constant(["lookup"]), "makes it slower"),
            Wrong(constant(["bug"]), "Distribution does not fix bugs"),
            Wrong(
                constant(["storage"]),
                "1 of 3 correct options chosen.",
                Verdict.PARTIAL,
                1 / 3,
            ),
            Wrong(
                lambda v: [option["id"] for option in v.options],
                "4 wrong option(s) chosen",
            ),
        ],
    ),
    BankCase(
        slug="limits-of-parallel-speedup",
        reference=speedup_limits,
        wrong=[
            Wrong(
                constant(["sequential", "communication", "identical"]),
                "do not slow the job down",
                Verdict.PARTIAL,
                1 / 3,
            ),
            Wrong(constant(["same_program"]), "the usual way to parallelize"),
            Wrong(constant(["fits_memory", "imbalance"]), "does not limit the speedup"),
            Wrong(constant(["same_result"]), "costs no extra time"),
            Wrong(
                lambda v: [option["id"] for option in v.options],
                "4 wrong option(s) chosen",
            ),
        ],
    ),
    BankCase(
        slug="secrets-in-environment",
        reference=lambda v: [option_id(v, "environment variable")],
        wrong=[
            Wrong(lambda v: option_id(v, "settings module"), "the Git history"),
            Wrong(lambda v: option_id(v, ".env file"), "listed in .gitignore"),
            Wrong(lambda v: option_id(v, "container image"), "from its layers"),
            Wrong(lambda v: option_id(v, "JavaScript bundle"), "every visitor"),
        ],
    ),
    BankCase(
        slug="pipeline-stage-catches",
        reference=stage_answers,
        wrong=[
            Wrong(
                lambda v: other_stage(v, 1),
                lambda v: STAGE_TEACHING[other_stage(v, 1)],
            ),
            Wrong(
                lambda v: other_stage(v, 2),
                lambda v: STAGE_TEACHING[other_stage(v, 2)],
            ),
            Wrong(constant("monitoring"), "watches the service after it is released"),
            Wrong(constant("Review"), "done by people"),
            Wrong(constant("lint"), "Not the expected answer."),
            Wrong(constant(" "), "empty", Verdict.INVALID_ANSWER),
        ],
    ),
    BankCase(
        slug="certificate-facts",
        reference=constant([["binds_key", "ca_signed", "expires"]]),
        wrong=[
            Wrong(
                constant(["binds_key", "ca_signed", "expires", "private_key"]),
                "The private key never leaves the server.",
                Verdict.PARTIAL,
                2 / 3,
            ),
            Wrong(constant(["ip_address"]), "DNS maps the name to an address."),
            Wrong(constant(["until_revoked", "expires"]), "even if nobody revoked"),
            Wrong(constant(["self_signed"]), "Browsers show a warning."),
            Wrong(
                lambda v: [option["id"] for option in v.options],
                "4 wrong option(s) chosen",
            ),
        ],
    ),
    BankCase(
        slug="static-file-caching",
        reference=lambda v: [option_id(v, "immutable")],
        wrong=[
            Wrong(lambda v: option_id(v, "Keep the name"), "miss the new release"),
            Wrong(lambda v: option_id(v, "no-store"), "turns caching off"),
            Wrong(lambda v: option_id(v, "Minify"), "does not stop repeated"),
            Wrong(
                lambda v: option_id(v, "both those files and the HTML"),
                "still refer to the old file names",
            ),
        ],
    ),
    BankCase(
        slug="cache-hit-ratio",
        reference=hit_ratio_answers,
        close=0.001,
        wrong=[
            Wrong(lambda v: f"{1 - hit_ratio(v):.3f}", "That is the miss ratio"),
            Wrong(
                lambda v: f"{v.params['hits'] / v.params['misses']:.3f}",
                "divides the hits by the misses",
            ),
            Wrong(lambda v: f"{hit_ratio(v) * 100:.1f}", "without its % sign"),
            Wrong(constant("23,490"), "is ambiguous", Verdict.INVALID_ANSWER),
        ],
    ),
    BankCase(
        slug="cache-speedup",
        reference=cache_speedup,
        close=0.01,
        wrong=[
            Wrong(
                lambda v: f"{v.params['miss_ms'] / v.params['hit_ms']:.2f}",
                "assumes that every request is a hit",
            ),
            Wrong(
                lambda v: f"{cache_means(v)[1] / cache_means(v)[0]:.3f}",
                "That is the inverse.",
            ),
            Wrong(
                lambda v: f"{100 / (100 - v.params['hit_percent']):.2f}",
                "treats a hit as taking no time",
            ),
            Wrong(
                lambda v: f"{unweighted_cache_speedup(v):.3f}",
                "as if half the requests were hits",
            ),
        ],
    ),
    BankCase(
        slug="database-index",
        reference=constant([["inserts_slower", "lookup", "space"]]),
        wrong=[
            Wrong(
                constant(["lookup", "space", "other_column"]),
                "only helps queries that filter or sort on",
                Verdict.PARTIAL,
                1 / 3,
            ),
            Wrong(constant(["inserts_faster"]), "extra work on every insert"),
            Wrong(constant(["every_column", "lookup"]), "slows down every write"),
            Wrong(constant(["tiny_table"]), "fits in a page or two"),
            Wrong(
                lambda v: [option["id"] for option in v.options],
                "4 wrong option(s) chosen",
            ),
        ],
    ),
    BankCase(
        slug="p95-response-time",
        reference=nearest_rank_p95,
        close=0.0,
        wrong=[
            Wrong(lambda v: max(v.params["times"]), "the 100th percentile"),
            Wrong(lambda v: sorted_times(v)[17], "the value at position 18"),
            Wrong(
                lambda v: sum(v.params["times"]) / len(v.params["times"]),
                "That is the mean.",
            ),
            Wrong(median, "That is the median"),
            Wrong(
                lambda v: 0.95 * max(v.params["times"]), "not 95% of the largest value"
            ),
        ],
    ),
    BankCase(
        slug="structured-log-lines",
        reference=lambda v: [
            sorted([option_id(v, "duration_ms="), option_id(v, '"duration_ms":')])
        ],
        wrong=[
            Wrong(
                lambda v: [
                    option_id(v, "duration_ms="),
                    option_id(v, '"duration_ms":'),
                    option_id(v, "card_number="),
                ],
                "must never contain a card number",
                Verdict.PARTIAL,
                1 / 2,
            ),
            Wrong(lambda v: [option_id(v, "Oh no")], "buried in a sentence"),
            Wrong(lambda v: [option_id(v, "ERROR:")], "Without a request id"),
            Wrong(
                lambda v: [option["id"] for option in v.options],
                "3 wrong option(s) chosen",
            ),
        ],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=bank.case_ids(CASES))
def test_more_reference_answer_passes(case: BankCase) -> None:
    bank.test_reference_answer_passes(case)


@pytest.mark.parametrize("case", CASES, ids=bank.case_ids(CASES))
def test_more_wrong_answer_feedback(case: BankCase) -> None:
    bank.test_wrong_answer_feedback(case)


def test_more_cases_name_bank_exercises() -> None:
    assert {case.slug for case in CASES} <= set(bank.BANK)
