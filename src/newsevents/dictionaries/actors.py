"""Reader for PETRARCH/Phoenix actor dictionaries, and the date-ranged roles they give.

    MAHMOUD_AHMADINEJAD_
    +AHMADINEJAD
    +PRESIDENT_MAHMOUD_AHMADINEJAD
        [IRNELI 740101-000101]
        [IRNGOV 20050803-20130803]
        [IRNELI]

A name line, `+` alias lines, then roles: a CAMEO actor code with an optional date range
(`YYMMDD-YYMMDD`, `YYYYMMDD-…`, `>DATE` from, `<DATE` until). A role without dates is the
default, used when no dated role covers the day in question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from newsevents.dictionaries.phrases import normalize_phrase, without_xml_comments
from newsevents.errors import DictionaryError, raise_or_collect

_ROLE = re.compile(r"\[([^\]]*)\]")
_ROLE_BODY = re.compile(r"^([A-Z0-9]{3,}|---)\s*(.*)$")
_TWO_DIGIT_YEAR_PIVOT = 30  # YY <= 30 is 20YY, as in PETRARCH's data (070723 is 2007)


@dataclass(slots=True, frozen=True)
class Role:
    code: str | None  # None for [---]: a name known to mean no actor
    start: date | None = None
    end: date | None = None

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None


@dataclass(slots=True, frozen=True)
class ActorEntry:
    """One actor: its names (normalised) and its roles over time."""

    name: str
    phrases: tuple[str, ...]
    roles: tuple[Role, ...]
    origin: str

    def code_on(self, day: date | None) -> str | None:
        """The actor's code on `day`: the dated role covering it, else the undated default,
        else for a day after every role has ended the country's elite (ELI: a former office
        holder), else the country part of the nearest role. With no day at all, the latest
        role (the article's date is unknown: assume the present)."""
        if day is not None:
            covering = [r for r in self.roles if r.dated and r.covers(day)]
            if covering:
                return covering[-1].code
        defaults = [r for r in self.roles if not r.dated]
        if defaults:
            return defaults[-1].code  # the latest source's default wins
        if not self.roles:
            return None
        if day is None:
            return max(self.roles, key=lambda r: r.start or date.min).code
        nearest = min(self.roles, key=lambda r: _gap(r, day))
        if nearest.code is None:
            return None
        ended = all(r.end is not None and r.end < day for r in self.roles)
        return f"{nearest.code[:3]}ELI" if ended else nearest.code[:3]


def _gap(role: Role, day: date) -> int:
    if role.start is not None and day < role.start:
        return (role.start - day).days
    if role.end is not None and day > role.end:
        return (day - role.end).days
    return 0


def parse_day(text: str, where: tuple[str, int]) -> date:
    """`YYMMDD` or `YYYYMMDD` as a date (ISO `YYYY-MM-DD` is accepted too)."""
    digits = text.replace("-", "") if len(text) == 10 else text
    try:
        if len(digits) == 6 and digits.isdigit():
            year = int(digits[:2])
            year += 2000 if year <= _TWO_DIGIT_YEAR_PIVOT else 1900
            return date(year, int(digits[2:4]), int(digits[4:6]))
        if len(digits) == 8 and digits.isdigit():
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        pass
    raise DictionaryError(*where, f"bad date '{text}' (expected YYMMDD or YYYYMMDD)")


def parse_role(body: str, where: tuple[str, int]) -> Role:
    match = _ROLE_BODY.match(body.strip())
    if match is None:
        raise DictionaryError(*where, f"bad role [{body}]")
    code, span = match.group(1), match.group(2).replace(" ", "")
    code_or_none = None if code == "---" else code
    if not span:
        return Role(code_or_none)
    if span.startswith(">"):
        return Role(code_or_none, start=parse_day(span[1:], where))
    if span.startswith("<"):
        return Role(code_or_none, end=parse_day(span[1:], where))
    first, sep, last = span.partition("-")
    if not sep:
        raise DictionaryError(*where, f"bad date range '{span}' in [{body}]")
    return Role(code_or_none, parse_day(first, where), parse_day(last, where))


@dataclass(slots=True)
class _Group:
    names: list[str]
    roles: list[Role]
    origin: str


def read_actor_dictionary(path: Path, errors: list[DictionaryError] | None = None
                          ) -> list[ActorEntry]:
    """Read an actor dictionary; bad lines raise, or are collected in `errors` when given."""
    entries: list[ActorEntry] = []
    group: _Group | None = None
    lines = without_xml_comments(path.read_text("utf-8", errors="replace").splitlines())
    for number, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].rstrip()
        where = (path.name, number)
        if not line.strip():
            continue
        try:
            roles = [parse_role(m.group(1), where) for m in _ROLE.finditer(line)]
        except DictionaryError as exc:
            raise_or_collect(exc, errors)
            continue
        name = _ROLE.sub(" ", line).strip()
        if not name:  # a role line
            if group is None:
                raise_or_collect(DictionaryError(*where, "role before any actor name"), errors)
            else:
                group.roles.extend(roles)
            continue
        if line.startswith("+"):
            if group is None:
                raise_or_collect(DictionaryError(*where, "alias before any actor name"), errors)
                continue
            group.names.append(name[1:])
            group.roles.extend(roles)
            continue
        if group is not None and group.roles:
            entries.append(_entry(group))
            group = None
        if group is None:
            group = _Group([name], roles, f"{path.name}:{number}")
        else:  # names with no roles yet share the roles that follow
            group.names.append(name)
            group.roles.extend(roles)
    if group is not None:
        if group.roles:
            entries.append(_entry(group))
        else:
            number = int(group.origin.rsplit(":", 1)[1])
            raise_or_collect(DictionaryError(path.name, number, f"actor '{group.names[0]}' has no "
                                             "code"), errors)
    return entries


def _entry(group: _Group) -> ActorEntry:
    phrases = tuple(dict.fromkeys(p for p in map(normalize_phrase, group.names) if p))
    return ActorEntry(group.names[0].replace("_", " ").strip(), phrases, tuple(group.roles),
                      group.origin)
