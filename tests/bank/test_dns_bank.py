"""DNS exercises of the bank, run through the checks of ``test_bank.py``.

Each reference answer is worked out here from what the student sees: the
rendered statement, option texts and field choices. Nothing is read back
from an exercise's grading section, so a wrong key or a statement that does
not match its key makes a test fail.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from exercises.variants import Variant
from graders.base import Verdict
from tests.bank import test_bank as bank
from tests.bank.test_bank import Answer, BankCase, Wrong, constant, option_id

# dns: write-zone-records


def stated(pattern: str, variant: Variant) -> str:
    """Return the group of the only match of ``pattern`` in the statement.

    Runs of whitespace in the statement, line breaks included, become single
    spaces first.
    """
    found = re.findall(pattern, " ".join(variant.statement.split()))
    assert len(found) == 1, f"{pattern!r} matches {found}"
    return str(found[0])


def zone_facts(variant: Variant) -> dict[str, str]:
    """Read the requested values from the zone exercise's statement."""
    texts = re.findall(
        r"Publish exactly this text at the domain itself: `([^`]+)`",
        " ".join(variant.statement.split()),
    )
    assert len(texts) == 2, texts
    return {
        "domain": stated(r"run the DNS zone of `([^`]+)`", variant),
        "web_ip": stated(r"web server at\s+`([\d.]+)`", variant),
        "mail_name": stated(r"goes to the mail server\s+`([^`]+)`", variant),
        "preference": stated(r"with preference (\d+)\.", variant),
        "mail_ip": stated(r"has the address `([\d.]+)`", variant),
        "spf": texts[0],
        "verification": texts[1],
    }


def relative_zone(variant: Variant, **lines: str) -> str:
    """Write the zone with relative names, replacing the records named in ``lines``."""
    facts = zone_facts(variant)
    mail = facts["mail_name"].removesuffix("." + facts["domain"])
    records = {
        "apex": f"@ A {facts['web_ip']}",
        "www": "www CNAME @",
        "mx": f"@ MX {facts['preference']} {mail}",
        "mail": f"{mail} A {facts['mail_ip']}",
        "spf": f'@ TXT "{facts["spf"]}"',
        "verification": f'@ TXT "{facts["verification"]}"',
    }
    records.update(lines)
    return "\n".join(records.values()) + "\n"


def absolute_zone(variant: Variant) -> str:
    facts = zone_facts(variant)
    domain = facts["domain"]
    return f"""\
$TTL 600
; every name is written in full
{domain}.  IN  A  {facts["web_ip"]}
www.{domain}.  300  IN  CNAME  {domain}.
{domain}.  IN  MX  (
    {facts["preference"]}   ; the preference
    {facts["mail_name"]}. )
{facts["mail_name"]}.  A  {facts["mail_ip"]}
{domain}.  TXT  "{facts["spf"]}"
{domain}.  TXT  "{facts["verification"]}"
"""


def zone_answers(variant: Variant) -> list[Any]:
    return [relative_zone(variant), absolute_zone(variant)]


def zone_with(**lines: Answer) -> Answer:
    """Return the relative zone with some records replaced, each by a function."""

    def answer(variant: Variant) -> str:
        return relative_zone(
            variant, **{key: make(variant) for key, make in lines.items()}
        )

    return answer


def mail_label(variant: Variant) -> str:
    facts = zone_facts(variant)
    return facts["mail_name"].removesuffix("." + facts["domain"])


def zone_fraction(met: int) -> float:
    return met / 6


ZONE_CASE = BankCase(
    slug="write-zone-records",
    reference=zone_answers,
    wrong=[
        Wrong(
            zone_with(www=lambda v: f"www CNAME {zone_facts(v)['domain']}"),
            "has no trailing dot",
            Verdict.PARTIAL,
            zone_fraction(5),
        ),
        Wrong(
            zone_with(
                apex=constant("@ CNAME www"),
                www=lambda v: f"www A {zone_facts(v)['web_ip']}",
            ),
            "cannot be an alias",
            Verdict.PARTIAL,
            zone_fraction(1),
        ),
        Wrong(
            zone_with(
                mx=lambda v: (
                    f"@ MX {int(zone_facts(v)['preference']) + 10} {mail_label(v)}"
                )
            ),
            "Senders try the mail servers in order of preference",
            Verdict.PARTIAL,
            zone_fraction(5),
        ),
        Wrong(
            zone_with(
                mx=lambda v: (
                    f"@ MX {zone_facts(v)['preference']} {zone_facts(v)['mail_ip']}"
                )
            ),
            "gives the IP address",
            Verdict.PARTIAL,
            zone_fraction(5),
        ),
        Wrong(
            zone_with(mail=lambda v: f"{mail_label(v)} CNAME @"),
            "RFC 2181 section 10.3",
            Verdict.PARTIAL,
            zone_fraction(4),
        ),
        Wrong(
            zone_with(spf=lambda v: f"@ TXT {zone_facts(v)['spf']}"),
            "has spaces but no double quotes",
            Verdict.PARTIAL,
            zone_fraction(5),
        ),
        Wrong(
            zone_with(
                verification=lambda v: '@ TXT "{}=" "{}"'.format(
                    *zone_facts(v)["verification"].split("=")
                )
            ),
            "split into 2 strings",
            Verdict.PARTIAL,
            zone_fraction(5),
        ),
        Wrong(
            lambda v: relative_zone(v) + f"www A {zone_facts(v)['web_ip']}\n",
            "CNAME beside other data",
            Verdict.PARTIAL,
            zone_fraction(5),
        ),
        Wrong(
            zone_with(apex=constant("@ A")),
            "Line 1: The A record data cannot be read",
            Verdict.SYNTAX_ERROR,
        ),
        Wrong(
            constant("; nothing yet\n"), "contains no records", Verdict.INVALID_ANSWER
        ),
    ],
)


# dns: iterative-lookup-steps


def server_for(variant: Variant, zone_phrase: str) -> str:
    rows = re.findall(r"^\| `([\d.]+)` \| (.+) \|$", variant.statement, re.MULTILINE)
    found = [address for address, zone in rows if zone_phrase in zone]
    assert len(found) == 1, f"{zone_phrase!r} matches {found} in {rows}"
    return found[0]


def lookup_facts(variant: Variant) -> dict[str, str]:
    query = stated(r"IPv4 address of\s+`([^`]+)`", variant)
    canonical, address = re.findall(
        r"^(\S+)\.\s+300\s+IN\s+A\s+([\d.]+)$", variant.statement, re.MULTILINE
    )[0]
    domain = query.removeprefix("www.")
    cdn_domain = canonical.split(".", 1)[1]
    return {
        "root": server_for(variant, "the root zone"),
        "tld": server_for(variant, "the top-level domain"),
        "domain": server_for(variant, f"`{domain}.`"),
        "cdn": server_for(variant, f"`{cdn_domain}.`"),
        "canonical": canonical,
        "cdn_domain": cdn_domain,
        "address": address,
    }


def reply(variant: Variant, start: str) -> str:
    choices = variant.fields[1]["choices"]
    found = [choice for choice in choices if choice.startswith(start)]
    assert len(found) == 1, f"{start!r} matches {found}"
    return found[0]


def lookup_answer(variant: Variant) -> dict[str, Any]:
    """Follow the lookup: the resolver caches the top-level domain's servers."""
    facts = lookup_facts(variant)
    referral = reply(variant, "A referral")
    return {
        "server_1": facts["root"],
        "reply_1": referral,
        "server_2": facts["tld"],
        "reply_2": referral,
        "server_3": facts["domain"],
        "reply_3": reply(variant, "A CNAME"),
        "canonical_name": facts["canonical"],
        "server_4": facts["tld"],
        "reply_4": referral,
        "server_5": facts["cdn"],
        "reply_5": reply(variant, "An A record"),
        "address": facts["address"],
    }


def lookup_answers(variant: Variant) -> list[Any]:
    right = lookup_answer(variant)
    # Choices must match exactly, so only typed fields get extra spaces.
    spaced = {
        name: value if name.startswith("reply") else f" {value} "
        for name, value in right.items()
    }
    dotted = {**right, "canonical_name": right["canonical_name"] + "."}
    return [right, spaced, dotted]


def lookup_with(field: str, value: Any) -> Answer:
    """Replace one field by a fact's value, a reply's choice or the text ``value``."""

    def answer(variant: Variant) -> dict[str, Any]:
        facts = lookup_facts(variant)
        if value in facts:
            replaced = facts[value]
        elif field.startswith("reply"):
            replaced = reply(variant, value)
        else:
            replaced = value
        return {**lookup_answer(variant), field: replaced}

    return answer


def lookup_fraction(right_fields: int) -> float:
    return right_fields / 12


LOOKUP_CASE = BankCase(
    slug="iterative-lookup-steps",
    reference=lookup_answers,
    wrong=[
        Wrong(
            lookup_with("server_4", "root"),
            "so it skips the root server",
            Verdict.PARTIAL,
            lookup_fraction(11),
        ),
        Wrong(
            lookup_with("server_1", "tld"),
            "from its root hints",
            Verdict.PARTIAL,
            lookup_fraction(11),
        ),
        Wrong(
            lookup_with("reply_3", "An A record"),
            "www has no A record but a CNAME record",
            Verdict.PARTIAL,
            lookup_fraction(11),
        ),
        Wrong(
            lookup_with("reply_1", "NXDOMAIN"),
            "The name exists.",
            Verdict.PARTIAL,
            lookup_fraction(11),
        ),
        Wrong(
            lookup_with("canonical_name", "cdn_domain"),
            "give the whole name",
            Verdict.PARTIAL,
            lookup_fraction(11),
        ),
        Wrong(
            lookup_with("address", "cdn"),
            "not of the web server",
            Verdict.PARTIAL,
            lookup_fraction(11),
        ),
        Wrong(constant({}), "fills in no field", Verdict.INVALID_ANSWER),
    ],
)


# dns: domain-name-hierarchy


def hierarchy_statement_true(text: str, name: str) -> bool:
    """Judge one option about ``name`` by the rules of the DNS name space."""
    labels = name.split(".")
    quoted = re.findall(r"`([^`]+)`", text)
    if "is the top-level domain" in text:
        return quoted[0] == labels[-1]
    if "is a second-level domain" in text:
        return quoted[0] == ".".join(labels[-2:])
    if text.startswith("The root zone holds the NS records"):
        return "." not in quoted[0]
    if "zone holds the NS records that delegate" in text:
        parent, child = quoted
        return child.split(".", 1)[1] == parent
    # The remaining claims are false for every name: root servers hold no
    # records below the top-level domains, a label has at most 63 octets, and
    # a name needs no zone of its own.
    return False


def hierarchy_name(variant: Variant) -> str:
    return stated(r"Consider the domain name `([^`]+)`", variant)


def true_options(variant: Variant) -> list[str]:
    name = hierarchy_name(variant)
    return sorted(
        option["id"]
        for option in variant.options
        if hierarchy_statement_true(option["text"], name)
    )


def option_with(variant: Variant, text: str) -> str:
    return option_id(variant, text)


HIERARCHY_CASE = BankCase(
    slug="domain-name-hierarchy",
    reference=lambda v: [true_options(v)],
    wrong=[
        Wrong(
            lambda v: true_options(v) + [option_with(v, "comes first in the name")],
            "read from right to left",
            Verdict.PARTIAL,
            3 / 4,
        ),
        Wrong(
            lambda v: [option_with(v, "up to 255 characters")],
            "at most 63 octets",
        ),
        Wrong(
            lambda v: [
                option_with(v, "store the A record"),
                option_with(v, "is the top-level domain of"),
            ],
            "holds only the delegations of the top-level domains",
        ),
        Wrong(
            lambda v: [option_with(v, "must be a zone of its own")],
            "delegates the name with NS records",
        ),
        Wrong(
            lambda v: [option["id"] for option in v.options],
            "4 wrong option(s) chosen",
        ),
    ],
)


# dns: reverse-lookup-ptr


def reverse_facts(variant: Variant) -> dict[str, str]:
    address = stated(r"A mail server at `([\d.]+)`", variant)
    octets = address.split(".")
    return {
        "address": address,
        "owner": ".".join(reversed(octets)) + ".in-addr.arpa",
        "zone": ".".join(reversed(octets[:3])) + ".in-addr.arpa",
        "unreversed": address + ".in-addr.arpa",
        "no_arpa": ".".join(reversed(octets)),
    }


def delegation_choice(variant: Variant, start: str) -> str:
    choices = variant.fields[3]["choices"]
    found = [choice for choice in choices if choice.startswith(start)]
    assert len(found) == 1, f"{start!r} matches {found}"
    return found[0]


def reverse_answer(variant: Variant) -> dict[str, Any]:
    facts = reverse_facts(variant)
    return {
        "owner": facts["owner"],
        "record_type": "PTR",
        "zone": facts["zone"],
        "delegated_by": delegation_choice(variant, "The holder of the address block"),
    }


def reverse_answers(variant: Variant) -> list[Any]:
    right = reverse_answer(variant)
    dotted = {
        **right,
        "owner": right["owner"] + ".",
        "zone": right["zone"].upper() + ".",
        "record_type": "ptr record",
    }
    return [right, dotted]


def reverse_with(field: str, make: Answer) -> Answer:
    return lambda variant: {**reverse_answer(variant), field: make(variant)}


REVERSE_CASE = BankCase(
    slug="reverse-lookup-ptr",
    reference=reverse_answers,
    wrong=[
        Wrong(
            reverse_with("owner", lambda v: reverse_facts(v)["unreversed"]),
            "go in reverse order",
            Verdict.PARTIAL,
            3 / 4,
        ),
        Wrong(
            reverse_with("owner", lambda v: reverse_facts(v)["no_arpa"]),
            "lives under the domain in-addr.arpa",
            Verdict.PARTIAL,
            3 / 4,
        ),
        Wrong(
            reverse_with("record_type", constant("A")),
            "The reverse direction uses a PTR record.",
            Verdict.PARTIAL,
            3 / 4,
        ),
        Wrong(
            reverse_with("zone", constant("in-addr.arpa")),
            "three levels below it",
            Verdict.PARTIAL,
            3 / 4,
        ),
        Wrong(
            reverse_with(
                "delegated_by", lambda v: delegation_choice(v, "The registrar")
            ),
            "follow the allocation of addresses",
            Verdict.PARTIAL,
            3 / 4,
        ),
    ],
)


# dns: ttl-cache-expiry


def cache_times(variant: Variant) -> tuple[int, int]:
    """Return the record's TTL and the seconds from caching to the change."""
    records = re.findall(r"^www\.\S+\s+(\d+)\s+IN\s+A\s", variant.statement, re.M)
    assert len(records) == 1, records
    ttl = int(records[0])
    change = int(stated(r"Exactly\s+(\d+) seconds later", variant))
    return ttl, change


def remaining_cache(variant: Variant) -> list[Any]:
    ttl, change = cache_times(variant)
    return [str(ttl - change), ttl - change]


TTL_EXPIRY_CASE = BankCase(
    slug="ttl-cache-expiry",
    reference=remaining_cache,
    close=0.0,
    wrong=[
        Wrong(lambda v: str(cache_times(v)[0]), "That is the whole TTL."),
        Wrong(lambda v: str(sum(cache_times(v))), "not from the change"),
        Wrong(lambda v: str(cache_times(v)[1]), "between caching the record"),
        Wrong(constant("0"), "does not learn of the change"),
        Wrong(constant("soon"), "is not a number", Verdict.INVALID_ANSWER),
    ],
)


# dns: registrar-or-dns-host


def registrar_tasks(variant: Variant) -> list[str]:
    """Keep the tasks about the registration itself or the parent's delegation."""
    return sorted(
        option["id"]
        for option in variant.options
        if "registration" in option["text"] or "delegates" in option["text"]
    )


# dns: record-type-of-each-line


def record_type_of(line: str) -> str:
    """Tell a record's type from the shape of its owner and data."""
    parts = re.match(r"^(\S+)\s+\d+\s+IN\s+\?\?\?\?\s+(.+)$", line)
    assert parts is not None, line
    owner, data = parts.groups()
    fields = data.split()
    if owner.endswith(".in-addr.arpa."):
        return "PTR"
    if len(fields) == 7:
        return "SOA"
    if data.startswith('"'):
        return "TXT"
    if ":" in data:
        return "AAAA"
    if len(fields) == 2 and fields[0].isdigit():
        return "MX"
    if owner.count(".") == 2:
        return "NS"
    return "CNAME"


def record_types(variant: Variant) -> dict[str, str]:
    lines = re.findall(r"^\S+\s+\d+ IN \?\?\?\?.*$", variant.statement, re.MULTILINE)
    assert len(lines) == 7, lines
    return {f"line_{n}": record_type_of(line) for n, line in enumerate(lines, 1)}


def lowercase(answer: dict[str, str]) -> dict[str, str]:
    return {name: f" {value.lower()} " for name, value in answer.items()}


CASES = [
    ZONE_CASE,
    LOOKUP_CASE,
    HIERARCHY_CASE,
    REVERSE_CASE,
    TTL_EXPIRY_CASE,
    BankCase(
        slug="ttl-before-migration",
        reference=lambda v: [option_id(v, "at least")],
        wrong=[
            Wrong(lambda v: option_id(v, "at the moment"), "with the old TTL"),
            Wrong(lambda v: option_id(v, "Raise the TTL"), "opposite of what"),
            Wrong(
                lambda v: option_id(v, "root servers"),
                "authoritative only for the root zone",
            ),
            Wrong(lambda v: option_id(v, "registrar"), "name servers stay the same"),
        ],
    ),
    BankCase(
        slug="registrar-or-dns-host",
        reference=lambda v: [registrar_tasks(v)],
        wrong=[
            Wrong(
                lambda v: registrar_tasks(v) + [option_id(v, "Add an MX record")],
                "MX records are records of the domain's own zone",
                Verdict.PARTIAL,
                3 / 4,
            ),
            Wrong(
                lambda v: [option_id(v, "Change the A record")],
                "changed at the DNS host",
            ),
            Wrong(
                lambda v: [option_id(v, "Add a TXT record"), option_id(v, "Renew")],
                "served by the DNS host",
            ),
            Wrong(
                lambda v: [option["id"] for option in v.options],
                "4 wrong option(s) chosen",
            ),
        ],
    ),
    BankCase(
        slug="record-type-of-each-line",
        reference=lambda v: [record_types(v), lowercase(record_types(v))],
        wrong=[
            Wrong(
                lambda v: {**record_types(v), "line_4": "AAA"},
                "There is no AAA record type.",
                Verdict.PARTIAL,
                6 / 7,
            ),
            Wrong(
                lambda v: {**record_types(v), "line_6": "SPF"},
                "discontinued the separate SPF record type",
                Verdict.PARTIAL,
                6 / 7,
            ),
            Wrong(
                lambda v: {**record_types(v), "line_1": "NS"},
                "start of authority",
                Verdict.PARTIAL,
                6 / 7,
            ),
            Wrong(
                lambda v: {**record_types(v), "line_7": "CNAME"},
                "a reverse mapping, a PTR record",
                Verdict.PARTIAL,
                6 / 7,
            ),
            Wrong(
                lambda v: {name: "A" for name in record_types(v)},
                "0 of 7 fields correct.",
            ),
        ],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=bank.case_ids(CASES))
def test_dns_reference_answer_passes(case: BankCase) -> None:
    bank.test_reference_answer_passes(case)


@pytest.mark.parametrize("case", CASES, ids=bank.case_ids(CASES))
def test_dns_wrong_answer_feedback(case: BankCase) -> None:
    bank.test_wrong_answer_feedback(case)


def test_dns_cases_name_bank_exercises() -> None:
    assert {case.slug for case in CASES} <= set(bank.BANK)


def test_dns_topic_has_ten_exercises() -> None:
    dns = [slug for slug, item in bank.BANK.items() if item.topic == "dns"]

    assert len(dns) >= 10
