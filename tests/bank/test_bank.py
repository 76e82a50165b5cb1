"""Every exercise in the bank, graded with answers worked out independently.

Each reference answer is derived here from the variant the student sees (its
drawn parameters, statement or option texts), never read back from the
exercise's grading section, so a wrong key or a statement that does not match
its key makes a test fail.
"""

from __future__ import annotations

import itertools
import json
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
        fields=definition.fields,
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


# fault-tolerance: per-student networks
#
# Each network is rebuilt here from the links that the statement lists, and
# every answer is computed with networkx, not with exercises/networks.py.


def stated_graph(variant: Variant) -> networkx.Graph:
    """Rebuild the network from the statement's "The links are ..." line."""
    text = re.search(r"The links are (.+?)\.\n", variant.statement, re.DOTALL)
    assert text is not None, "the statement lists no links"
    graph = networkx.Graph()
    graph.add_nodes_from(variant.params["net"]["nodes"])
    graph.add_edges_from(stated_links(" ".join(text.group(1).split())))
    assert len(graph.edges) == len(variant.params["net"]["edges"])
    return graph


def stated_links(text: str) -> list[tuple[str, str]]:
    """Read ``r1-r2, r2-r3 and r3-atlas`` as pairs of node names."""
    links = []
    for item in re.split(r", | and ", text):
        left, right = item.split("-")
        links.append((left, right))
    return links


def chosen_routers(variant: Variant) -> tuple[str, str]:
    net, ends = variant.params["net"], variant.params["ends"]
    return net["routers"][ends[0]], net["routers"][ends[1]]


def edge_cut(variant: Variant) -> int:
    return int(
        networkx.edge_connectivity(stated_graph(variant), *chosen_routers(variant))
    )


def edge_cut_answers(variant: Variant) -> list[Any]:
    return [str(edge_cut(variant)), edge_cut(variant)]


def links_at_ends(variant: Variant) -> list[int]:
    graph = stated_graph(variant)
    return sorted(graph.degree(router) for router in chosen_routers(variant))


def split_routers(variant: Variant) -> list[str]:
    """Remove each router in turn and keep those that disconnect the rest."""
    graph = stated_graph(variant)
    found = []
    for router in variant.params["net"]["routers"]:
        rest = graph.copy()
        rest.remove_node(router)
        if not networkx.is_connected(rest):
            found.append(router)
    return found


def split_router_answers(variant: Variant) -> list[Any]:
    routers = split_routers(variant)
    if not routers:
        return ["none", "None."]
    return [", ".join(routers), " ".join(reversed(routers)), " and ".join(routers)]


def split_routers_plus_one(variant: Variant) -> str:
    extra = [
        r for r in variant.params["net"]["routers"] if r not in split_routers(variant)
    ]
    return ", ".join([*split_routers(variant), extra[0]])


def scenario_links(variant: Variant) -> dict[str, list[tuple[str, str]]]:
    """Read the failure scenarios from the statement's table."""
    rows = re.findall(r"^\| ([A-D]) \| (.+?) \|$", variant.statement, re.MULTILINE)
    assert len(rows) == 4, rows
    return {letter: stated_links(links) for letter, links in rows}


def surviving_scenarios(variant: Variant) -> list[str]:
    source, target = variant.params["net"]["hosts"]
    letters = []
    for letter, failed in scenario_links(variant).items():
        graph = stated_graph(variant)
        graph.remove_edges_from(failed)
        if networkx.has_path(graph, source, target):
            letters.append(letter)
    return letters


def surviving_answers(variant: Variant) -> list[Any]:
    letters = surviving_scenarios(variant)
    if not letters:
        return ["none", "NONE"]
    return [", ".join(letters), " ".join(reversed(letters)).lower()]


def scenarios_but_one(variant: Variant) -> str:
    """Return a list that leaves out one surviving scenario, or adds a cut one."""
    letters = surviving_scenarios(variant)
    if len(letters) > 1:
        return ", ".join(letters[1:])
    cut = [letter for letter in "ABCD" if letter not in letters]
    return ", ".join([*letters, cut[0]])


def more_links_feedback(variant: Variant) -> str:
    """Name the mistake that the larger count of links at an end matches first.

    When both ends have as many links, the count also matches the mistake
    of cutting every link of one end, which the grader tries before.
    """
    fewer, more = links_at_ends(variant)
    return "fewer failures are enough here" if fewer == more else "already separates"


def link_disjoint(variant: Variant) -> list[Any]:
    graph = stated_graph(variant)
    paths = networkx.edge_disjoint_paths(graph, *chosen_routers(variant))
    return [str(len(list(paths)))]


# The kind of each incident in kind-of-failure, found by a phrase of its text.
INCIDENT_KINDS = {
    "wears out": "hardware",
    "power supply": "hardware",
    "apostrophe": "software bug",
    "uses up all memory": "software bug",
    "DNS record": "misconfiguration",
    "firewall rule": "misconfiguration",
    "hijacked computers": "attack",
    "guesses the administrator password": "attack",
    "excavator": "physical damage",
    "burst pipe": "physical damage",
}
KIND_FEEDBACK = {
    "hardware": "a component breaking by itself",
    "software bug": "a mistake in a program's code",
    "misconfiguration": "a wrong setting made by a person",
    "attack": "harming the service on purpose",
    "physical damage": "comes from outside the equipment",
}


def incident_kind(variant: Variant) -> str:
    kinds = {
        kind for phrase, kind in INCIDENT_KINDS.items() if phrase in variant.statement
    }
    assert len(kinds) == 1, f"no single incident in {variant.statement!r}"
    return kinds.pop()


def incident_answers(variant: Variant) -> list[Any]:
    kind = incident_kind(variant)
    return [kind, f" {kind.upper()}. "]


def other_kind(variant: Variant) -> str:
    return next(kind for kind in KIND_FEEDBACK if kind != incident_kind(variant))


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


# rest-http: answers made of fields

CRUD_OPERATIONS = ("list", "get", "create", "update", "delete")


def crud_collection(variant: Variant) -> str:
    return re.findall(r"at the path\s+`(/\w+)`", variant.statement)[0]


def crud_answer(variant: Variant, id_form: str = "{id}") -> dict[str, Any]:
    """Work out the REST design from the statement and the field labels."""
    collection = crud_collection(variant)
    item = f"{collection}/{id_form}"
    labels = {field["name"]: field["label"] for field in variant.fields}
    update = "PUT" if labels["update_method"].startswith("Replace") else "PATCH"
    design = {
        "list": ("GET", collection, 200),
        "get": ("GET", item, 200),
        "create": ("POST", collection, 201),
        "update": (update, item, 200),
        "delete": ("DELETE", item, 204),
    }
    answer: dict[str, Any] = {}
    for operation, (method, path, status) in design.items():
        answer[f"{operation}_method"] = method
        answer[f"{operation}_path"] = path
        answer[f"{operation}_status"] = status
    return answer


def crud_answers(variant: Variant) -> list[Any]:
    as_text = {name: str(value) for name, value in crud_answer(variant, ":id").items()}
    return [crud_answer(variant), crud_answer(variant, "{task_id}"), as_text]


def crud_with(**changes: Any) -> Answer:
    """Return the reference answer with some fields replaced.

    A value may be a function of the collection path, such as a wrong path.
    """

    def answer(variant: Variant) -> dict[str, Any]:
        collection = crud_collection(variant)
        replaced = {
            name: value(collection) if callable(value) else value
            for name, value in changes.items()
        }
        return {**crud_answer(variant), **replaced}

    return answer


def other_update_method(variant: Variant) -> dict[str, Any]:
    right = crud_answer(variant)["update_method"]
    return {
        **crud_answer(variant),
        "update_method": "PATCH" if right == "PUT" else "PUT",
    }


def other_update_feedback(variant: Variant) -> str:
    if crud_answer(variant)["update_method"] == "PATCH":
        return "To change only one field, use PATCH."
    return "To replace the whole item with a complete new version, use PUT."


# The status code that RFC 9110 gives for each situation, found by a phrase of
# its field label.
SITUATION_FIELDS = (
    "broken_json",
    "invalid_value",
    "no_credentials",
    "not_permitted",
    "not_found",
    "wrong_method",
    "name_taken",
)
SITUATION_STATUS = {
    "not valid JSON": 400,
    "negative quantity": 422,
    "without any credentials": 401,
    "by the viewer": 403,
    "which does not exist": 404,
    "/receipt": 405,
    "taken username": 409,
}


def situation_answer(variant: Variant) -> dict[str, Any]:
    answer: dict[str, Any] = {}
    for answer_field in variant.fields:
        label = answer_field["label"]
        codes = [code for phrase, code in SITUATION_STATUS.items() if phrase in label]
        assert len(codes) == 1, f"no single situation in {label!r}"
        answer[answer_field["name"]] = codes[0]
    return answer


def situation_with(**changes: Any) -> Answer:
    return lambda variant: {**situation_answer(variant), **changes}


def jwt_claims(variant: Variant) -> dict[str, Any]:
    payload = re.findall(r"^\{\"sub\".*\}$", variant.statement, re.MULTILINE)
    assert len(payload) == 1
    claims: dict[str, Any] = json.loads(payload[0])
    return claims


def jwt_request_time(variant: Variant) -> int:
    return int(re.findall(r"arrives at Unix time (\d+)", variant.statement)[0])


def jwt_answer(variant: Variant) -> dict[str, Any]:
    claims = jwt_claims(variant)
    expired = jwt_request_time(variant) >= claims["exp"]
    return {
        "subject": claims["sub"],
        "lifetime": (claims["exp"] - claims["iat"]) // 60,
        "decision": (
            "reject the token, because it has expired"
            if expired
            else "accept the token"
        ),
        "readable": "anyone who has a copy of the token",
        "tampered": "the signature no longer matches, so the API rejects the token",
        "why_expire": "to limit how long a stolen copy of the token can be used",
    }


def jwt_answers(variant: Variant) -> list[Any]:
    answer = jwt_answer(variant)
    return [answer, {**answer, "lifetime": f" {answer['lifetime']}.0 "}]


def jwt_with(**changes: Any) -> Answer:
    return lambda variant: {**jwt_answer(variant), **changes}


def jwt_other_decision(variant: Variant) -> dict[str, Any]:
    answer = jwt_answer(variant)
    choices = ["accept the token", "reject the token, because it has expired"]
    choices.remove(answer["decision"])
    return {**answer, "decision": choices[0]}


def jwt_other_decision_feedback(variant: Variant) -> str:
    if jwt_answer(variant)["decision"] == "accept the token":
        return "so the token is still valid"
    return "must not be accepted on or after that time"


def retry_counts(variant: Variant) -> dict[str, int]:
    """Read the starting size and each request's number of copies."""
    start = int(re.findall(r"holds \*\*(\d+) items", variant.statement)[0])
    tries = re.findall(
        r"`(POST|PUT|DELETE) [^`]*`.*?\*\*(\d+)\s+times", variant.statement, re.DOTALL
    )
    return {"start": start, **{method: int(count) for method, count in tries}}


def retry_answer(variant: Variant) -> list[Any]:
    counts = retry_counts(variant)
    # Every POST creates an item, PUT replaces an existing one, and only the
    # first DELETE removes one.
    final = counts["start"] + counts["POST"] - 1
    return [str(final), final]


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
        slug="network-link-cut",
        reference=edge_cut_answers,
        close=0.0,
        wrong=[
            Wrong(lambda v: str(edge_cut(v) - 1), "at least one path still works"),
            Wrong(lambda v: str(links_at_ends(v)[1]), more_links_feedback),
            Wrong(
                lambda v: str(len(v.params["net"]["edges"])),
                "That is every link in the network.",
            ),
            Wrong(constant("two"), "is not a number", Verdict.INVALID_ANSWER),
        ],
    ),
    BankCase(
        slug="network-cut-routers",
        reference=split_router_answers,
        wrong=[
            Wrong(constant("none"), "only connection between two parts"),
            Wrong(
                lambda v: ", ".join(v.params["net"]["routers"]),
                "Not the expected answer.",
            ),
            Wrong(constant("all"), "neighbours stay connected"),
            Wrong(split_routers_plus_one, "Not the expected answer."),
        ],
    ),
    BankCase(
        slug="network-failure-scenarios",
        reference=surviving_answers,
        wrong=[
            Wrong(constant("none"), "a path of working links remains"),
            Wrong(constant("A, B, C, D"), "include every link of some cut"),
            Wrong(scenarios_but_one, "Not the expected answer."),
            Wrong(constant(" "), "empty", Verdict.INVALID_ANSWER),
        ],
    ),
    BankCase(
        slug="network-disjoint-paths",
        reference=link_disjoint,
        close=0.0,
        wrong=[
            Wrong(lambda v: str(int(link_disjoint(v)[0]) - 1), "One more path fits."),
            Wrong(
                lambda v: str(sum(links_at_ends(v))),
                "not the sum of both",
            ),
            Wrong(lambda v: str(int(link_disjoint(v)[0]) + 1), "is not the expected"),
        ],
    ),
    BankCase(
        slug="shared-cause-failures",
        reference=lambda v: [
            sorted(
                option_id(v, text)
                for text in (
                    "bug in the new release",
                    "firewall rule",
                    "DDoS",
                    "A fire",
                )
            )
        ],
        wrong=[
            Wrong(
                lambda v: [
                    option_id(v, text)
                    for text in ("bug in the new", "firewall rule", "DDoS", "disk")
                ],
                "A disk failure is a hardware fault",
                Verdict.PARTIAL,
                2 / 4,
            ),
            Wrong(
                lambda v: [option_id(v, "memory module"), option_id(v, "A fire")],
                "crashes only the server that contains it",
            ),
            Wrong(
                lambda v: [option_id(v, "power supply"), option_id(v, "unplugs")],
                "The load balancer sends all",
            ),
            Wrong(
                lambda v: [option["id"] for option in v.options],
                "4 wrong option(s) chosen",
            ),
        ],
    ),
    BankCase(
        slug="dynamic-routing-protocols",
        reference=lambda v: [
            sorted(
                option_id(v, text)
                for text in (
                    "OSPF is used inside",
                    "BGP exchanges routes",
                    "OSPF routers flood",
                    "operator's policy",
                )
            )
        ],
        wrong=[
            Wrong(
                lambda v: [
                    option_id(v, "OSPF is used inside"),
                    option_id(v, "BGP exchanges routes"),
                    option_id(v, "Static routes"),
                ],
                "A static route stays as typed.",
                Verdict.PARTIAL,
                1 / 4,
            ),
            Wrong(
                lambda v: [option_id(v, "use OSPF with each other")],
                "interior gateway protocol",
            ),
            Wrong(
                lambda v: [option_id(v, "floods every link")],
                "path-vector protocol",
            ),
            Wrong(
                lambda v: [option_id(v, "no packet is lost")],
                "and TCP resends them",
            ),
            Wrong(
                lambda v: [option["id"] for option in v.options],
                "4 wrong option(s) chosen",
            ),
        ],
    ),
    BankCase(
        slug="packet-switching-reroute",
        reference=lambda v: [option_id(v, "sent again by TCP")],
        wrong=[
            Wrong(lambda v: option_id(v, "circuit"), "there is no circuit to break"),
            Wrong(lambda v: option_id(v, "Every packet"), "already arrived"),
            Wrong(lambda v: option_id(v, "repaired"), "does not hold packets"),
            Wrong(
                lambda v: option_id(v, "sending computer"),
                "only writes the destination address",
            ),
        ],
    ),
    BankCase(
        slug="kind-of-failure",
        reference=incident_answers,
        wrong=[
            Wrong(other_kind, lambda v: KIND_FEEDBACK[other_kind(v)]),
            Wrong(constant("flood"), "Not the expected answer."),
            Wrong(constant(""), "empty", Verdict.INVALID_ANSWER),
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
    BankCase(
        slug="crud-endpoints-design",
        reference=crud_answers,
        wrong=[
            Wrong(
                crud_with(
                    create_method="PUT",
                    create_path=lambda c: f"{c}/{{id}}",
                    create_status=200,
                ),
                "The new item has no id yet",
                Verdict.PARTIAL,
                12 / 15,
            ),
            Wrong(
                crud_with(delete_status=200),
                "204 No Content says exactly that.",
                Verdict.PARTIAL,
                14 / 15,
            ),
            Wrong(
                other_update_method,
                other_update_feedback,
                Verdict.PARTIAL,
                14 / 15,
            ),
            Wrong(
                crud_with(
                    create_path=lambda c: f"{c}/create", list_path=lambda c: c[:-1]
                ),
                "leave verbs such as create out of it",
                Verdict.PARTIAL,
                13 / 15,
            ),
            Wrong(
                crud_with(delete_path=lambda c: c, get_method="POST", list_status=""),
                "DELETE on the collection path would ask to delete every item",
                Verdict.PARTIAL,
                12 / 15,
            ),
            Wrong(
                crud_with(list_status="two hundred"),
                "is not a number",
                Verdict.PARTIAL,
                14 / 15,
            ),
            Wrong(constant({}), "fills in no field", Verdict.INVALID_ANSWER),
        ],
    ),
    BankCase(
        slug="status-code-per-situation",
        reference=lambda v: [
            situation_answer(v),
            {k: str(c) for k, c in situation_answer(v).items()},
        ],
        wrong=[
            Wrong(
                situation_with(no_credentials=403),
                "the server does not know who is asking",
                Verdict.PARTIAL,
                6 / 7,
            ),
            Wrong(
                situation_with(not_permitted=401),
                "The token is valid",
                Verdict.PARTIAL,
                6 / 7,
            ),
            Wrong(
                situation_with(broken_json=422, invalid_value=400),
                "A body that is not even valid JSON is a syntax error",
                Verdict.PARTIAL,
                5 / 7,
            ),
            Wrong(
                situation_with(name_taken=422, wrong_method=404),
                "clashes with the current state of the server",
                Verdict.PARTIAL,
                5 / 7,
            ),
            Wrong(
                situation_with(not_found=410),
                "This order never existed",
                Verdict.PARTIAL,
                6 / 7,
            ),
            Wrong(
                constant({name: 200 for name in SITUATION_FIELDS}),
                "0 of 7 fields correct.",
            ),
        ],
    ),
    BankCase(
        slug="jwt-claims-and-expiry",
        reference=jwt_answers,
        wrong=[
            Wrong(
                lambda v: {**jwt_answer(v), "lifetime": jwt_answer(v)["lifetime"] * 60},
                "That is in seconds.",
                Verdict.PARTIAL,
                5 / 6,
            ),
            Wrong(
                jwt_other_decision, jwt_other_decision_feedback, Verdict.PARTIAL, 5 / 6
            ),
            Wrong(
                jwt_with(readable="nobody, because the payload is encrypted"),
                "A signed JWT is not encrypted.",
                Verdict.PARTIAL,
                5 / 6,
            ),
            Wrong(
                jwt_with(
                    tampered="the API accepts the token until it expires",
                    why_expire="because HTTPS rejects tokens older than an hour",
                ),
                "The API checks the signature on every request.",
                Verdict.PARTIAL,
                4 / 6,
            ),
            Wrong(
                lambda v: {**jwt_answer(v), "subject": jwt_claims(v)["role"]},
                "That is the role claim.",
                Verdict.PARTIAL,
                5 / 6,
            ),
            Wrong(
                lambda v: {**jwt_answer(v), "subject": jwt_claims(v)["sub"].upper()},
                "Not the expected answer.",
                Verdict.PARTIAL,
                5 / 6,
            ),
        ],
    ),
    BankCase(
        slug="send-bearer-token",
        reference=lambda v: [option_id(v, "Authorization: Bearer")],
        wrong=[
            Wrong(lambda v: option_id(v, "Basic"), "user name and a password"),
            Wrong(lambda v: option_id(v, "?access_token="), "server logs"),
            Wrong(lambda v: option_id(v, "WWW-Authenticate"), "is a response header"),
            Wrong(lambda v: option_id(v, "`Authentication"), "no Authentication"),
            Wrong(lambda v: option_id(v, "JSON body"), "has no defined meaning"),
        ],
    ),
    BankCase(
        slug="what-https-adds",
        reference=constant(
            [["confidentiality", "integrity", "path_hidden", "server_authentication"]]
        ),
        wrong=[
            Wrong(
                constant(["confidentiality", "integrity", "server_authentication"]),
                "3 of 4 correct options chosen.",
                Verdict.PARTIAL,
                3 / 4,
            ),
            Wrong(
                constant(["confidentiality", "integrity", "host_hidden"]),
                "Server Name Indication",
                Verdict.PARTIAL,
                1 / 4,
            ),
            Wrong(constant(["client_authentication"]), "authenticates only the server"),
            Wrong(constant(["stolen_token"]), "only in transit"),
            Wrong(
                constant(["valid_input", "integrity"]), "says nothing about the content"
            ),
            Wrong(
                lambda v: [option["id"] for option in v.options],
                "4 wrong option(s) chosen",
            ),
        ],
    ),
    BankCase(
        slug="retries-and-idempotency",
        reference=retry_answer,
        close=0.0,
        wrong=[
            Wrong(lambda v: retry_counts(v)["start"], "POST is not idempotent."),
            Wrong(
                lambda v: (
                    retry_counts(v)["start"]
                    + retry_counts(v)["POST"]
                    - retry_counts(v)["DELETE"]
                ),
                "DELETE is idempotent.",
            ),
            Wrong(
                lambda v: (
                    retry_counts(v)["start"]
                    + retry_counts(v)["POST"]
                    + retry_counts(v)["PUT"]
                    - 1
                ),
                "It creates no new item.",
            ),
            Wrong(
                lambda v: retry_counts(v)["start"] + retry_counts(v)["POST"],
                "The DELETE removed one item",
            ),
            Wrong(constant("about 30"), "is not a number", Verdict.INVALID_ANSWER),
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


CODE_KINDS = {"python_function", "python_program", "python_flask_api"}


def test_bank_every_exercise_has_a_case() -> None:
    # Code exercises have their own tables in test_code_exercises.py and
    # test_flask_api_exercises.py. Answer exercises may also sit in the
    # tables of the modules imported here.
    from tests.bank import test_dns_bank, test_more_bank

    tables = [CASES, test_more_bank.CASES, test_dns_bank.CASES]
    covered = {case.slug for table in tables for case in table}
    answer_slugs = {slug for slug, item in BANK.items() if item.kind not in CODE_KINDS}
    assert answer_slugs == covered


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
