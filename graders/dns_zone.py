"""Grade zone-file records that a student writes for a per-student domain.

The student writes only resource records. The exercise fixes the origin,
and the grader stands in for the SOA and NS records that a real zone needs.
The grader checks what the records mean, with one check per requirement of
the grading section. It also names the classic mistakes: a name without its
trailing dot, a CNAME at the apex or beside other data, an MX or NS record
that points to an alias or an IP address, a wrong MX preference, and a TXT
value split into several strings.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Iterable
from typing import Any

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype

from exercises.variants import render
from graders.base import (
    Check,
    GradeResult,
    GradingContext,
    InfrastructureError,
    Verdict,
    invalid_answer_result,
)
from graders.registry import register
from graders.zone_text import ZoneRecord, ZoneSyntaxError, parse_records

MAX_ZONE_ANSWER = 10_000
SPEC_KEYS = {"origin", "requirements"}
COMMON_KEYS = {"name", "type", "weight"}
# For each record type: the keys a requirement must have, and those it may have.
TYPE_KEYS: dict[str, tuple[set[str], set[str]]] = {
    "A": ({"value"}, set()),
    "AAAA": ({"value"}, set()),
    "CNAME": ({"target"}, set()),
    "NS": ({"target"}, set()),
    "PTR": ({"target"}, set()),
    "MX": ({"exchange"}, {"preference"}),
    "TXT": (set(), {"value", "contains"}),
}
NAME_TARGET_TYPES = {dns.rdatatype.CNAME, dns.rdatatype.NS, dns.rdatatype.PTR}
HOST_TARGET_TYPES = {dns.rdatatype.MX, dns.rdatatype.NS}


@dataclasses.dataclass(frozen=True)
class Requirement:
    """One record that the zone must contain, with its placeholders filled in.

    ``target`` is the name a CNAME, NS or PTR record points to, or the
    exchange of an MX record. ``text`` is a TXT value that must be one whole
    string, and ``contains`` a text that one TXT string must include.
    """

    label: str
    name: dns.name.Name
    rdtype: dns.rdatatype.RdataType
    weight: float
    address: dns.rdata.Rdata | None = None
    target: dns.name.Name | None = None
    preference: int | None = None
    text: str | None = None
    contains: str | None = None


@dataclasses.dataclass(frozen=True)
class ZoneProblem:
    """A mistake in the zone as a whole, found without looking at requirements.

    ``breaks`` is the owner name whose data the mistake makes unusable, or
    None when the mistake only deserves a comment.
    """

    title: str
    where: str
    detail: str
    breaks: dns.name.Name | None = None

    @property
    def message(self) -> str:
        return f"{self.where}: {self.detail}"


class ZoneIndex:
    """The parsed records, looked up by owner name and type."""

    def __init__(self, records: list[ZoneRecord]) -> None:
        self.records = records
        self.by_name: dict[dns.name.Name, list[ZoneRecord]] = {}
        for record in records:
            self.by_name.setdefault(record.name, []).append(record)

    def at(
        self, name: dns.name.Name, rdtype: dns.rdatatype.RdataType
    ) -> list[ZoneRecord]:
        return [r for r in self.by_name.get(name, []) if r.rdtype == rdtype]

    def is_alias(self, name: dns.name.Name) -> bool:
        return bool(self.at(name, dns.rdatatype.CNAME))


@register("dns_zone")
class DnsZoneGrader:
    """Records in zone-file syntax, checked against a list of requirements.

    Each requirement earns ``points * weight / total weight`` when the zone
    contains its record and no zone rule breaks the record's name.
    """

    kind = "dns_zone"

    def validate_spec(self, spec: dict[str, Any]) -> list[str]:
        problems = [
            f"{key}: unknown key (known keys: origin, requirements)"
            for key in sorted(spec.keys() - SPEC_KEYS)
        ]
        if not isinstance(spec.get("origin"), str) or not spec["origin"].strip():
            problems.append("origin: must be the zone's domain name, as a string")
        requirements = spec.get("requirements")
        if not isinstance(requirements, list) or not requirements:
            problems.append("requirements: must be a non-empty list")
            return problems
        for index, raw in enumerate(requirements):
            where = f"requirements[{index}]"
            problems.extend(f"{where}{p}" for p in _requirement_problems(raw))
        return problems

    def answer_error(self, answer: Any) -> str | None:
        if not isinstance(answer, str):
            return "must be the zone records as text"
        if len(answer) > MAX_ZONE_ANSWER:
            return f"is longer than {MAX_ZONE_ANSWER} characters"
        return None

    def grade(self, context: GradingContext, answer: Any) -> GradeResult:
        error = self.answer_error(answer)
        if error:
            return invalid_answer_result(context, f"The answer {error}.")
        origin, requirements = _requirements(context)
        try:
            records = parse_records(answer, origin)
        except ZoneSyntaxError as exc:
            return _syntax_error_result(context, exc)
        if not records:
            return invalid_answer_result(
                context,
                "The answer contains no records. Write one record per line, "
                "such as: www A 192.0.2.10",
            )

        index = ZoneIndex(records)
        problems = find_zone_problems(index, origin)
        total = sum(requirement.weight for requirement in requirements)
        checks = [
            _requirement_check(requirement, index, problems, origin, context, total)
            for requirement in requirements
        ]
        return _result(context, checks, problems)


def zone_sample_problems(spec: dict[str, Any], params: dict[str, Any]) -> list[str]:
    """Fill in one variant's placeholders, so that typos fail at load time.

    Call it only with a grading section that ``validate_spec`` accepted.
    """
    try:
        origin = _origin(spec, params)
    except (KeyError, ValueError, dns.exception.DNSException) as exc:
        return [f"origin: {_problem_text(exc)}"]
    problems = []
    for index, raw in enumerate(spec["requirements"]):
        try:
            _build_requirement(raw, params, origin)
        except (KeyError, ValueError, dns.exception.DNSException) as exc:
            problems.append(f"requirements[{index}]: {_problem_text(exc)}")
    return problems


def find_zone_problems(index: ZoneIndex, origin: dns.name.Name) -> list[ZoneProblem]:
    """List the rule violations of the zone, in the order of their lines."""
    found: list[tuple[int, ZoneProblem]] = []
    for record in index.records:
        for problem in _record_problems(record, index, origin):
            found.append((record.line, problem))
    for name, records in index.by_name.items():
        problem = _cname_conflict(name, records)
        if problem:
            found.append((min(r.line for r in records), problem))
    found.sort(key=lambda item: item[0])
    return [problem for _, problem in found]


def _record_problems(
    record: ZoneRecord, index: ZoneIndex, origin: dns.name.Name
) -> Iterable[ZoneProblem]:
    where = _where(record)
    if not record.name.is_subdomain(origin):
        yield ZoneProblem(
            "name outside the zone",
            where,
            f"{_q(record.name)} is outside the zone {_q(origin)}, so servers for "
            "this zone ignore the record. Write names relative to the zone, "
            "such as www, or as full names ending in the zone's name and a dot.",
        )
    elif _undotted(record.name, origin):
        yield ZoneProblem(
            "owner name without its trailing dot",
            where,
            _missing_dot(record.name, origin),
        )
    if record.rdtype == dns.rdatatype.CNAME and record.name == origin:
        yield ZoneProblem(
            "CNAME at the zone apex",
            where,
            f"the zone apex {_q(origin)} cannot be an alias, because it holds "
            "the zone's SOA and NS records and a CNAME allows no other data at "
            "its name (RFC 1034 section 3.6.2). Give the apex an A record, and "
            "put aliases on names such as www.",
            breaks=origin,
        )

    target = _target_of(record)
    if target is None:
        return
    if _undotted(target, origin):
        yield ZoneProblem(
            "target without its trailing dot", where, _missing_dot(target, origin)
        )
    if record.rdtype in HOST_TARGET_TYPES and _ip_text(target, origin):
        yield ZoneProblem(
            f"{record.rdtype.name} record pointing to an IP address",
            where,
            _host_is_ip(record, target, origin),
        )
    elif record.rdtype in HOST_TARGET_TYPES and index.is_alias(target):
        yield ZoneProblem(
            f"{record.rdtype.name} record pointing to an alias",
            where,
            _host_is_alias(record, target),
        )


def _cname_conflict(
    name: dns.name.Name, records: list[ZoneRecord]
) -> ZoneProblem | None:
    aliases = [r for r in records if r.rdtype == dns.rdatatype.CNAME]
    others = sorted({r.rdtype.name for r in records} - {"CNAME"})
    if not aliases:
        return None
    where = "Lines " + ", ".join(str(r.line) for r in records)
    if others:
        return ZoneProblem(
            "CNAME beside other data",
            where,
            f"{_q(name)} has a CNAME record and also {', '.join(others)} data. "
            "A name with a CNAME record may have no other records (RFC 1034 "
            "section 3.6.2), and name servers such as BIND refuse to load such "
            "a zone. Keep either the alias or the other records.",
            breaks=name,
        )
    if len({r.rdata for r in aliases}) > 1:
        return ZoneProblem(
            "several CNAME records at one name",
            where,
            f"{_q(name)} has {len(aliases)} CNAME records, but a name can be an "
            "alias of only one other name.",
            breaks=name,
        )
    return None


def _requirement_check(
    requirement: Requirement,
    index: ZoneIndex,
    problems: list[ZoneProblem],
    origin: dns.name.Name,
    context: GradingContext,
    total_weight: float,
) -> Check:
    failure = _requirement_failure(requirement, index, origin)
    if failure is None:
        broken = [p for p in problems if p.breaks == requirement.name]
        if broken:
            failure = (
                f"The {requirement.rdtype.name} record of {_q(requirement.name)} "
                f"is there, but the name breaks a rule: {broken[0].title}."
            )
    max_score = round(context.points * requirement.weight / total_weight, 4)
    return Check(
        name=requirement.label,
        passed=failure is None,
        message=failure or "Correct.",
        score=max_score if failure is None else 0.0,
        max_score=max_score,
    )


def _requirement_failure(
    requirement: Requirement, index: ZoneIndex, origin: dns.name.Name
) -> str | None:
    """Return why the zone does not meet ``requirement``, or None if it does."""
    name, type_name = requirement.name, requirement.rdtype.name
    records = index.at(name, requirement.rdtype)
    if not records:
        return _missing_record(requirement, index, origin)

    if requirement.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
        if any(r.rdata == requirement.address for r in records):
            return None
        found = ", ".join(str(r.rdata) for r in records)
        return (
            f"The {type_name} record of {_q(name)} has {found}, but the "
            f"statement asks for {requirement.address}."
        )
    if requirement.rdtype == dns.rdatatype.TXT:
        return _txt_failure(requirement, records)
    return _target_failure(requirement, records, index, origin)


def _missing_record(
    requirement: Requirement, index: ZoneIndex, origin: dns.name.Name
) -> str:
    name, type_name = requirement.name, requirement.rdtype.name
    doubled = dns.name.Name(name.labels[:-1] + origin.labels)
    if index.at(doubled, requirement.rdtype):
        return (
            f"There is no {type_name} record at {_q(name)}, but there is one at "
            f"{_q(doubled)}: {_missing_dot(doubled, origin)}"
        )
    if requirement.rdtype != dns.rdatatype.CNAME and index.is_alias(name):
        return (
            f"{_q(name)} is an alias (CNAME), so it cannot have "
            f"{_article(type_name)} {type_name} record, but the statement asks "
            "for one there."
        )
    return f"There is no {type_name} record at {_q(name)}."


def _target_failure(
    requirement: Requirement,
    records: list[ZoneRecord],
    index: ZoneIndex,
    origin: dns.name.Name,
) -> str | None:
    name, type_name = requirement.name, requirement.rdtype.name
    expected = requirement.target
    assert expected is not None
    pointing = [r for r in records if _target_of(r) == expected]
    matching = [r for r in pointing if _preference_matches(requirement, r)]
    if matching:
        if requirement.rdtype in HOST_TARGET_TYPES and index.is_alias(expected):
            return f"{_where(matching[0])}: {_host_is_alias(matching[0], expected)}"
        return None
    if pointing:
        found = getattr(pointing[0].rdata, "preference", None)
        return (
            f"The MX record of {_q(name)} for {_q(expected)} has preference "
            f"{found}, but the statement asks for {requirement.preference}. "
            "Senders try the mail servers in order of preference, lowest value "
            "first."
        )

    for record in records:
        target = _target_of(record)
        assert target is not None
        if (
            target.is_subdomain(origin)
            and target != origin
            and target.relativize(origin).derelativize(dns.name.root) == expected
        ):
            return f"{_where(record)}: {_missing_dot(target, origin)}"
        if requirement.rdtype in HOST_TARGET_TYPES and _ip_text(target, origin):
            return f"{_where(record)}: {_host_is_ip(record, target, origin)}"
    found = ", ".join(_q(_target_of(r)) for r in records)
    return (
        f"The {type_name} record of {_q(name)} points to {found}, but the "
        f"statement asks for {_q(expected)}."
    )


def _txt_failure(requirement: Requirement, records: list[ZoneRecord]) -> str | None:
    expected = (
        requirement.text if requirement.text is not None else requirement.contains
    )
    assert expected is not None
    for record in records:
        strings = [s.decode("utf-8", "replace") for s in record.rdata.strings]
        if len(strings) == 1 and _txt_matches(requirement, strings[0]):
            return None

    for record in records:
        strings = [s.decode("utf-8", "replace") for s in record.rdata.strings]
        if len(strings) < 2:
            continue
        if _txt_matches(requirement, " ".join(strings)) and '"' not in record.source:
            return (
                f"{_where(record)}: the TXT value has spaces but no double "
                f"quotes, so it became {len(strings)} separate strings: "
                f"{record.rdata}. Put the whole value in one pair of double "
                'quotes, such as "v=spf1 mx -all".'
            )
        if _txt_matches(requirement, "".join(strings)) or _txt_matches(
            requirement, " ".join(strings)
        ):
            return (
                f"{_where(record)}: the TXT value is split into {len(strings)} "
                f"strings: {record.rdata}. Readers that take the first string, "
                "or join the strings differently, miss part of it. A value up "
                "to 255 characters fits in one quoted string; write it as one."
            )
    kind = "the value" if requirement.text is not None else "a value containing"
    return f"No TXT record of {_q(requirement.name)} has {kind} {_q(expected)}."


def _txt_matches(requirement: Requirement, text: str) -> bool:
    if requirement.text is not None:
        return text == requirement.text
    return requirement.contains is not None and requirement.contains in text


def _preference_matches(requirement: Requirement, record: ZoneRecord) -> bool:
    if requirement.preference is None:
        return True
    return getattr(record.rdata, "preference", None) == requirement.preference


def _target_of(record: ZoneRecord) -> dns.name.Name | None:
    if record.rdtype == dns.rdatatype.MX:
        return record.rdata.exchange
    if record.rdtype in NAME_TARGET_TYPES:
        return record.rdata.target
    return None


def _undotted(name: dns.name.Name, origin: dns.name.Name) -> dns.name.Name | None:
    """Return the full name meant, when ``name`` repeats the origin at its end.

    Without a trailing dot, ``www.example.com`` in the zone example.com
    becomes www.example.com.example.com.
    """
    if name == origin or not name.is_subdomain(origin):
        return None
    meant = name.relativize(origin).derelativize(dns.name.root)
    return meant if meant.is_subdomain(origin) else None


def _missing_dot(name: dns.name.Name, origin: dns.name.Name) -> str:
    written = name.relativize(origin).to_text()
    meant = name.relativize(origin).derelativize(dns.name.root)
    return (
        f"{_q(written)} has no trailing dot, so it is relative to the zone and "
        f"means {_q(name)}. Write a full name with a final dot, such as "
        f"{_q(meant)}."
    )


def _ip_text(name: dns.name.Name, origin: dns.name.Name) -> str | None:
    """Return the IP address that ``name`` was typed as, if it was one."""
    if name.is_subdomain(origin) and name != origin:
        typed = name.relativize(origin).to_text()
    else:
        typed = name.to_text(omit_final_dot=True)
    try:
        ipaddress.ip_address(typed)
    except ValueError:
        return None
    return typed


def _host_is_ip(
    record: ZoneRecord, target: dns.name.Name, origin: dns.name.Name
) -> str:
    field = "exchange" if record.rdtype == dns.rdatatype.MX else "server"
    return (
        f"the {record.rdtype.name} record gives the IP address "
        f"{_ip_text(target, origin)} as its {field}, which the zone reads as the "
        f"name {_q(target)}. {_article(record.rdtype.name).capitalize()} "
        f"{record.rdtype.name} record must name a host, "
        "and that host gets its address from its own A or AAAA record."
    )


def _host_is_alias(record: ZoneRecord, target: dns.name.Name) -> str:
    return (
        f"the {record.rdtype.name} record points to {_q(target)}, which is an alias "
        f"(CNAME). RFC 2181 section 10.3 forbids this: point the "
        f"{record.rdtype.name} record at a name with its own A or AAAA record."
    )


def _article(type_name: str) -> str:
    """Return "an" before a type whose spoken name starts with a vowel sound."""
    return "an" if type_name[0] in "AEFHILMNORSX" else "a"


def _q(value: object) -> str:
    """Quote a name or value, so that its final dot does not end a sentence."""
    return f'"{value}"'


def _where(record: ZoneRecord) -> str:
    first_line = record.source.splitlines()[0] if record.source else ""
    if len(first_line) > 80:
        first_line = first_line[:77] + "..."
    return f"Line {record.line} ({first_line})"


def _result(
    context: GradingContext, checks: list[Check], problems: list[ZoneProblem]
) -> GradeResult:
    score = round(sum(check.score for check in checks), 4)
    met = sum(check.passed for check in checks)
    if met == len(checks):
        verdict = Verdict.PASSED
        score = context.points
    elif met:
        verdict = Verdict.PARTIAL
    else:
        verdict = Verdict.WRONG_ANSWER

    # A problem that a failed requirement already explains is not repeated in
    # the feedback, but it keeps its own check.
    notes = [check.message for check in checks if not check.passed]
    for problem in problems:
        if not any(problem.detail in note for note in notes):
            notes.append(problem.message)
    summary = f"{met} of {len(checks)} requirements met."
    if not notes:
        summary += " Correct."
    problem_checks = [
        Check(name=problem.title, passed=False, message=problem.message)
        for problem in problems
    ]
    return GradeResult(
        score=score,
        max_score=context.points,
        verdict=verdict,
        checks=[*checks, *problem_checks],
        feedback=" ".join(_unique([summary, *notes])),
    )


def _syntax_error_result(context: GradingContext, exc: ZoneSyntaxError) -> GradeResult:
    """Return a zero score: servers refuse to load a zone with a syntax error."""
    message = f"{exc} No record was graded. Fix this line and submit again."
    check = Check(
        name="zone syntax",
        passed=False,
        message=message,
        verdict=Verdict.SYNTAX_ERROR,
    )
    return GradeResult(
        score=0.0,
        max_score=context.points,
        verdict=Verdict.SYNTAX_ERROR,
        checks=[check],
        feedback=message,
        details={"line": exc.line},
    )


def _requirements(
    context: GradingContext,
) -> tuple[dns.name.Name, list[Requirement]]:
    try:
        origin = _origin(context.spec, context.params)
        requirements = [
            _build_requirement(raw, context.params, origin)
            for raw in context.spec["requirements"]
        ]
    except (KeyError, ValueError, dns.exception.DNSException) as exc:
        raise InfrastructureError(
            f"grading section of {context.slug} is invalid: {_problem_text(exc)}"
        ) from exc
    return origin, _unique_labels(requirements)


def _origin(spec: dict[str, Any], params: dict[str, Any]) -> dns.name.Name:
    text = render(spec["origin"], params).strip()
    return dns.name.from_text(text, dns.name.root)


def _build_requirement(
    raw: dict[str, Any], params: dict[str, Any], origin: dns.name.Name
) -> Requirement:
    rdtype = dns.rdatatype.from_text(raw["type"])
    name = _name(raw["name"], params, origin)
    fields: dict[str, Any] = {}
    if rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
        value = render(raw["value"], params)
        fields["address"] = dns.rdata.from_text(dns.rdataclass.IN, rdtype, value)
    elif rdtype == dns.rdatatype.MX:
        fields["target"] = _name(raw["exchange"], params, origin)
        fields["preference"] = _preference(raw.get("preference"), params)
    elif rdtype in NAME_TARGET_TYPES:
        fields["target"] = _name(raw["target"], params, origin)
    elif "value" in raw:
        fields["text"] = render(raw["value"], params)
        if len(fields["text"].encode()) > 255:
            raise ValueError("a TXT value longer than 255 bytes needs several strings")
    else:
        fields["contains"] = render(raw["contains"], params)
    return Requirement(
        label=f"{name} {rdtype.name}",
        name=name,
        rdtype=rdtype,
        weight=float(raw.get("weight", 1)),
        **fields,
    )


def _preference(value: int | str | None, params: dict[str, Any]) -> int | None:
    """Return the preference as a number, filling in a placeholder string."""
    if not isinstance(value, str):
        return value
    rendered = render(value, params).strip()
    if not rendered.isdigit() or not 0 <= int(rendered) <= 65535:
        raise ValueError(f"preference {rendered!r} is not a number from 0 to 65535")
    return int(rendered)


def _name(text: str, params: dict[str, Any], origin: dns.name.Name) -> dns.name.Name:
    rendered = render(text, params).strip()
    return dns.name.from_text(rendered, origin)


def _unique_labels(requirements: list[Requirement]) -> list[Requirement]:
    """Number requirements that share a name and type, such as two TXT records."""
    counts: dict[str, int] = {}
    for requirement in requirements:
        counts[requirement.label] = counts.get(requirement.label, 0) + 1
    seen: dict[str, int] = {}
    unique = []
    for requirement in requirements:
        label = requirement.label
        if counts[label] > 1:
            seen[label] = seen.get(label, 0) + 1
            label = f"{label} ({seen[label]})"
        unique.append(dataclasses.replace(requirement, label=label))
    return unique


def _requirement_problems(raw: Any) -> Iterable[str]:
    if not isinstance(raw, dict):
        yield ": must be a mapping with the keys name, type and the record's fields"
        return
    type_name = raw.get("type")
    if not isinstance(type_name, str) or type_name not in TYPE_KEYS:
        yield f".type: must be one of {', '.join(TYPE_KEYS)}"
        return

    required, optional = TYPE_KEYS[type_name]
    for key in sorted((required | {"name"}) - raw.keys()):
        yield f".{key}: missing (required for type {type_name})"
    for key in sorted(raw.keys() - required - optional - COMMON_KEYS):
        yield f".{key}: unknown key for type {type_name}"
    for key in sorted((raw.keys() & (required | optional)) | ({"name"} & raw.keys())):
        if key != "preference" and not isinstance(raw[key], str):
            yield f".{key}: must be a string"

    if type_name == "TXT" and len({"value", "contains"} & raw.keys()) != 1:
        yield ": a TXT requirement needs exactly one of value and contains"
    preference = raw.get("preference")
    if (
        "preference" in raw
        and not isinstance(preference, str)
        and (
            isinstance(preference, bool)
            or not isinstance(preference, int)
            or not 0 <= preference <= 65535
        )
    ):
        yield ".preference: must be a whole number from 0 to 65535 or a placeholder"
    weight = raw.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
        yield ".weight: must be a positive number"


def _problem_text(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"placeholder {exc} names no parameter"
    return str(exc) or type(exc).__name__


def _unique(messages: list[str]) -> list[str]:
    return list(dict.fromkeys(messages))
