"""Read zone-file records that a student typed, keeping each record's line.

The text follows the master file format of RFC 1035 section 5.1, without
the SOA. Each entry is one record, and relative names are completed with the
exercise's origin, which ``@`` stands for. Comments start with ``;``, and
parentheses continue a record over several lines. dnspython's tokenizer and rdata
parsers do the lexing and the per-type parsing. The entry loop lives here,
rather than in ``dns.zonefile``, so that every record keeps its line number
and a CNAME beside other data is reported as a mistake instead of stopping
the parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.tokenizer
import dns.ttl

DEFAULT_TTL = 3600
MAX_RECORDS = 500
# dnspython 2.9 reports text left over after the data as
# 'expected EOL or EOF, got 3 "extra"', where 3 is the token type.
_EXTRA_TOKEN = re.compile(r'^expected EOL or EOF, got \d+ (".*")$', re.IGNORECASE)


@dataclass(frozen=True)
class ZoneRecord:
    """One resource record and the source lines it was read from."""

    line: int
    name: dns.name.Name
    ttl: int
    rdata: dns.rdata.Rdata
    source: str

    @property
    def rdtype(self) -> dns.rdatatype.RdataType:
        return self.rdata.rdtype

    def to_text(self) -> str:
        return f"{self.name} {self.ttl} IN {self.rdtype.name} {self.rdata}"


class ZoneSyntaxError(Exception):
    """Invalid zone-file syntax, found in the record that starts at ``line``."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"Line {line}: {message}")
        self.line = line
        self.message = message


def parse_records(text: str, origin: dns.name.Name) -> list[ZoneRecord]:
    """Parse every record in ``text``, raising ZoneSyntaxError at the first error.

    ``$TTL`` sets the TTL of the records that follow without one, and
    ``$ORIGIN`` is accepted only when it repeats ``origin``. Other
    directives are rejected: ``$INCLUDE`` would read a file on the server.
    """
    reader = _EntryReader(text, origin)
    return reader.read_all()


class _EntryReader:
    def __init__(self, text: str, origin: dns.name.Name) -> None:
        self.tokens = dns.tokenizer.Tokenizer(text)
        self.lines = text.splitlines()
        self.origin = origin
        self.default_ttl = DEFAULT_TTL
        self.last_name = origin
        self.records: list[ZoneRecord] = []

    def read_all(self) -> list[ZoneRecord]:
        while True:
            # Read the line number first: the tokenizer counts a newline that
            # ends the first token before it returns that token.
            line = self.tokens.line_number
            token = self.tokens.get(want_leading=True)
            if token.is_eof():
                return self.records
            if token.is_eol():
                continue
            try:
                if token.is_identifier() and token.value.startswith("$"):
                    self._directive(token.value.upper())
                else:
                    self._record(token, line)
            except dns.exception.DNSException as exc:
                raise ZoneSyntaxError(line, _describe(exc)) from None
            if len(self.records) > MAX_RECORDS:
                raise ZoneSyntaxError(
                    line, f"more than {MAX_RECORDS} records; write fewer records."
                )

    def _directive(self, directive: str) -> None:
        if directive == "$TTL":
            self.default_ttl = dns.ttl.from_text(self._identifier("a TTL"))
        elif directive == "$ORIGIN":
            name = dns.name.from_text(self._identifier("a domain name"), self.origin)
            if name != self.origin:
                raise dns.exception.SyntaxError(
                    f"the zone's origin is {self.origin}, but $ORIGIN sets {name}. "
                    "Remove the $ORIGIN line and write names relative to the zone."
                )
        else:
            raise dns.exception.SyntaxError(
                f"the directive {directive} is not supported here. Only $TTL "
                "and $ORIGIN are."
            )
        self.tokens.get_eol()

    def _record(self, first: dns.tokenizer.Token, line: int) -> None:
        if first.is_whitespace():
            following = self.tokens.get()
            self.tokens.unget(following)
            if following.is_eol_or_eof():
                return  # A line of spaces, or of spaces and a comment.
            name = self.last_name
        else:
            name = self.tokens.as_name(first, self.origin)
            self.last_name = name

        ttl = self._optional_ttl()
        self._optional_class()
        if ttl is None:
            ttl = self._optional_ttl()
        type_text = self._identifier("a record type")
        try:
            rdtype = dns.rdatatype.from_text(type_text)
        except dns.rdatatype.UnknownRdatatype:
            raise dns.exception.SyntaxError(
                _unknown_type_message(type_text, first)
            ) from None

        rdata = _parse_rdata(rdtype, self.tokens, self.origin)
        source = "\n".join(self.lines[line - 1 : self.tokens.line_number - 1])
        self.records.append(
            ZoneRecord(
                line=line,
                name=name,
                ttl=self.default_ttl if ttl is None else ttl,
                rdata=rdata,
                source=source.strip() or self.lines[line - 1].strip(),
            )
        )

    def _optional_ttl(self) -> int | None:
        token = self.tokens.get()
        if token.is_identifier():
            try:
                return dns.ttl.from_text(token.value)
            except dns.ttl.BadTTL:
                pass
        self.tokens.unget(token)
        return None

    def _optional_class(self) -> None:
        token = self.tokens.get()
        if token.is_identifier():
            try:
                rdclass = dns.rdataclass.from_text(token.value)
            except dns.rdataclass.UnknownRdataclass:
                rdclass = None
            if rdclass is not None:
                if rdclass != dns.rdataclass.IN:
                    raise dns.exception.SyntaxError(
                        f"class {token.value} is not supported. Write IN or leave "
                        "the class out."
                    )
                return
        self.tokens.unget(token)

    def _identifier(self, description: str) -> str:
        token = self.tokens.get()
        if not token.is_identifier():
            raise dns.exception.SyntaxError(f"expected {description} here")
        return token.value


def _parse_rdata(
    rdtype: dns.rdatatype.RdataType,
    tokens: dns.tokenizer.Tokenizer,
    origin: dns.name.Name,
) -> dns.rdata.Rdata:
    try:
        return dns.rdata.from_text(
            dns.rdataclass.IN, rdtype, tokens, origin, relativize=False
        )
    except Exception as exc:
        # The per-type parsers raise ValueError, TypeError and others besides
        # DNSException for malformed data, such as an invalid IPv6 address.
        # All of them mean that the student's text cannot be read.
        detail = str(exc).strip().rstrip(".") or "invalid syntax"
        extra = _EXTRA_TOKEN.search(detail)
        if extra:
            detail = f"unexpected text {extra.group(1)} after the data"
        raise dns.exception.SyntaxError(
            f"the {rdtype.name} record data cannot be read: {detail}."
        ) from None


def _unknown_type_message(type_text: str, first: dns.tokenizer.Token) -> str:
    message = f"{type_text!r} is not a record type."
    if first.is_identifier() and _is_record_type(first.value):
        message += (
            f" The line starts with {first.value!r}, which is read as the owner "
            "name. Start the line with a name or @, or indent it to reuse the "
            "owner of the record above."
        )
    return message


def _is_record_type(text: str) -> bool:
    try:
        dns.rdatatype.from_text(text)
    except dns.rdatatype.UnknownRdatatype:
        return False
    return not text.isdigit()


def _describe(exc: dns.exception.DNSException) -> str:
    message = str(exc).strip() or "invalid syntax"
    return message[0].upper() + message[1:]
