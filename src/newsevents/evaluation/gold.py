"""Readers for the gold sets `newsevents eval` scores against (docs/design.md, "Gold sets").

Each reader takes a path and returns a list of frozen records. A file without the expected shape
raises `GoldFormatError`, whose message names the file and the line or record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from newsevents.errors import NewsEventsError

logger = logging.getLogger(__name__)

Span = tuple[int, int]
T = TypeVar("T")

# ISO 3166-1 alpha-3 (the 249 officially assigned codes).
ISO_ALPHA3 = frozenset({
    "ABW", "AFG", "AGO", "AIA", "ALA", "ALB", "AND", "ARE", "ARG", "ARM", "ASM", "ATA", "ATF",
    "ATG", "AUS", "AUT", "AZE", "BDI", "BEL", "BEN", "BES", "BFA", "BGD", "BGR", "BHR", "BHS",
    "BIH", "BLM", "BLR", "BLZ", "BMU", "BOL", "BRA", "BRB", "BRN", "BTN", "BVT", "BWA", "CAF",
    "CAN", "CCK", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG", "COK", "COL", "COM", "CPV",
    "CRI", "CUB", "CUW", "CXR", "CYM", "CYP", "CZE", "DEU", "DJI", "DMA", "DNK", "DOM", "DZA",
    "ECU", "EGY", "ERI", "ESH", "ESP", "EST", "ETH", "FIN", "FJI", "FLK", "FRA", "FRO", "FSM",
    "GAB", "GBR", "GEO", "GGY", "GHA", "GIB", "GIN", "GLP", "GMB", "GNB", "GNQ", "GRC", "GRD",
    "GRL", "GTM", "GUF", "GUM", "GUY", "HKG", "HMD", "HND", "HRV", "HTI", "HUN", "IDN", "IMN",
    "IND", "IOT", "IRL", "IRN", "IRQ", "ISL", "ISR", "ITA", "JAM", "JEY", "JOR", "JPN", "KAZ",
    "KEN", "KGZ", "KHM", "KIR", "KNA", "KOR", "KWT", "LAO", "LBN", "LBR", "LBY", "LCA", "LIE",
    "LKA", "LSO", "LTU", "LUX", "LVA", "MAC", "MAF", "MAR", "MCO", "MDA", "MDG", "MDV", "MEX",
    "MHL", "MKD", "MLI", "MLT", "MMR", "MNE", "MNG", "MNP", "MOZ", "MRT", "MSR", "MTQ", "MUS",
    "MWI", "MYS", "MYT", "NAM", "NCL", "NER", "NFK", "NGA", "NIC", "NIU", "NLD", "NOR", "NPL",
    "NRU", "NZL", "OMN", "PAK", "PAN", "PCN", "PER", "PHL", "PLW", "PNG", "POL", "PRI", "PRK",
    "PRT", "PRY", "PSE", "PYF", "QAT", "REU", "ROU", "RUS", "RWA", "SAU", "SDN", "SEN", "SGP",
    "SGS", "SHN", "SJM", "SLB", "SLE", "SLV", "SMR", "SOM", "SPM", "SRB", "SSD", "STP", "SUR",
    "SVK", "SVN", "SWE", "SWZ", "SXM", "SYC", "SYR", "TCA", "TCD", "TGO", "THA", "TJK", "TKL",
    "TKM", "TLS", "TON", "TTO", "TUN", "TUR", "TUV", "TWN", "TZA", "UGA", "UKR", "UMI", "URY",
    "USA", "UZB", "VAT", "VCT", "VEN", "VGB", "VIR", "VNM", "VUT", "WLF", "WSM", "YEM", "ZAF",
    "ZMB", "ZWE",
})
# Misspelt country codes in PLOVER_GSR_CAMEO.txt ("Tokyo"/"Japan", "Italy", "Vietnamese-led").
COUNTRY_TYPOS = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}
PLOVER_EVENTS = frozenset({
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
    "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
})
PLOVER_RENAMES = {
    "DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT",
}
CONFLIBERT_LABELS = (
    "statement", "verbal cooperation", "material cooperation", "verbal conflict",
    "material conflict",
)  # index = label; inferred from examples, not documented upstream
NER_TAGS = frozenset({"O", "B-S", "I-S", "B-T", "I-T", "B-R", "I-R"})
CASE2021_HEADER = ("id", "EventSnippet", "SubType")
PETRARCH_DICTIONARIES = {
    "verbs": "PETR.Validate.verbs.txt", "actors": "PETR.Validate.actors.txt",
    "agents": "PETR.Validate.agents.txt", "discards": "PETR.Validate.discards.txt",
}
_LABELS = frozenset(str(label) for label in range(len(CONFLIBERT_LABELS)))
_TYPE_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


class GoldFormatError(NewsEventsError):
    """A gold file that cannot be read in its format: `path:line: reason` or `path: record R: …`."""

    def __init__(
        self, path: Path | str, reason: str, *, line: int | None = None, record: str | None = None
    ) -> None:
        where = f"{path}:{line}:" if line is not None else f"{path}:"
        if record is not None:
            where += f" record {record}:"
        super().__init__(f"{where} {reason}")
        self.path, self.reason, self.line, self.record = str(path), reason, line, record


@dataclass(slots=True, frozen=True)
class GoldActor:
    """One source or target actor of a PLOVER gold record."""

    text: str
    code: str
    sector: str | None = None

    @property
    def country(self) -> str | None:
        return country_of_code(self.code)


@dataclass(slots=True, frozen=True)
class PloverRecord:
    """A PLOVER gold sentence; `event` uses current PLOVER names, `event_original` the file's."""

    id: str
    text: str
    event: str
    event_original: str
    mode: str | None
    sources: tuple[GoldActor, ...]
    targets: tuple[GoldActor, ...]

    @property
    def source_countries(self) -> frozenset[str]:
        return frozenset(a.country for a in self.sources if a.country is not None)

    @property
    def target_countries(self) -> frozenset[str]:
        return frozenset(a.country for a in self.targets if a.country is not None)


@dataclass(slots=True, frozen=True)
class ClassRecord:
    """A ConfliBERT sentence with its label 0-4 (meanings in `CONFLIBERT_LABELS`)."""

    sentence: str
    label: int


@dataclass(slots=True, frozen=True)
class DatePlaceRecord:
    """One row of our dates-and-places test set (tests/data/DATES-PLACES.md)."""

    id: str
    published: dt.date
    text: str
    date: str  # YYYY-MM-DD, YYYY-MM or YYYY
    precision: str  # day | month | year | article
    place: str
    country: str
    geonameid: int
    tests: str

    @property
    def first_day(self) -> str:
        """The expected date as the coder writes it: the first day of its period."""
        parts = self.date.split("-")
        return "-".join([*parts, *["01"] * (3 - len(parts))])


@dataclass(slots=True, frozen=True)
class SpanRecord:
    """A tokenised sentence with [start, end) token spans of its actors.

    `others` holds the spans tagged R, a role the upstream data does not document; kept, not scored.
    """

    tokens: tuple[str, ...]
    sources: tuple[Span, ...]
    targets: tuple[Span, ...]
    others: tuple[Span, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    def char_spans(self) -> dict[str, tuple[Span, ...]]:
        """The spans of each role as [start, end) character offsets into `text`."""
        starts, offset = [], 0
        for token in self.tokens:
            starts.append(offset)
            offset += len(token) + 1
        return {
            role: tuple((starts[s], starts[e - 1] + len(self.tokens[e - 1])) for s, e in spans)
            for role, spans in (
                ("sources", self.sources), ("targets", self.targets), ("others", self.others)
            )
        }


@dataclass(slots=True, frozen=True)
class Case2021Record:
    """A CASE 2021 task 2 snippet and its ACLED-style event subtype."""

    id: str
    snippet: str
    subtype: str


@dataclass(slots=True, frozen=True)
class ExpectedCoding:
    """One event PETRARCH is expected to code: CAMEO source, target and event codes."""

    source: str
    target: str
    event: str


@dataclass(slots=True, frozen=True)
class PetrarchRecord:
    """A PETRARCH-2 unit-test record; `codings` is empty when no event is expected.

    `expected_error` names the error PETRARCH should report instead (e.g. "dateline"); `enabled` is
    False for `sentence="false"` records (features the file marks as not implemented); `options`
    are the `<Config>` settings in force, as sorted (option, value) pairs.
    """

    id: str
    date: dt.date
    category: str
    text: str
    codings: tuple[ExpectedCoding, ...]
    expected_error: str | None = None
    enabled: bool = True
    options: tuple[tuple[str, str], ...] = ()


def country_of_code(code: str) -> str | None:
    """The ISO alpha-3 country starting a CAMEO actor code, if any ("IGOUNO", "" have none)."""
    prefix = code[:3].upper()
    prefix = COUNTRY_TYPOS.get(prefix, prefix)
    return prefix if prefix in ISO_ALPHA3 else None


def bio_spans(tags: Sequence[str], role: str) -> tuple[Span, ...]:
    """[start, end) spans of `role` in BIO tags such as "B-S", "I-S", "O".

    Lenient, like seqeval's default mode: an I- tag that does not continue a span of its role
    (after O, after another role, at the start) begins a new span.
    """
    spans: list[Span] = []
    start: int | None = None
    for index, tag in enumerate(tags):
        prefix, _, kind = tag.partition("-")
        if start is not None and not (kind == role and prefix == "I"):
            spans.append((start, index))
            start = None
        if kind == role and start is None:
            start = index
    if start is not None:
        spans.append((start, len(tags)))
    return tuple(spans)


def sha256(path: Path) -> str:
    """The file's SHA-256 (hex): how a model records which gold files it learned from."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


DATE_PLACE_HEADER = ["id", "published", "text", "date", "precision", "place", "country",
                     "geonameid", "tests"]
_PRECISIONS = {"day": 3, "month": 2, "year": 1, "article": 3}


def read_dates_places(path: Path) -> list[DatePlaceRecord]:
    """Our dates-and-places TSV: a header, then one row of nine tab-separated fields each."""
    lines = [(n, line) for n, line in _lines(path) if line.strip()]
    if not lines or lines[0][1].split("\t") != DATE_PLACE_HEADER:
        raise GoldFormatError(path, f"header must be {' '.join(DATE_PLACE_HEADER)}", line=1)
    records = []
    for number, line in lines[1:]:
        fields = line.split("\t")
        if len(fields) != len(DATE_PLACE_HEADER):
            raise GoldFormatError(path, f"{len(fields)} fields, expected 9", line=number)
        rid, published, text, when, precision, place, country, geonameid, tests = fields
        if precision not in _PRECISIONS or len(when.split("-")) != _PRECISIONS[precision]:
            raise GoldFormatError(path, f"date '{when}' does not match precision "
                                  f"'{precision}'", line=number)
        try:
            records.append(DatePlaceRecord(rid, dt.date.fromisoformat(published), text, when,
                                           precision, place, country, int(geonameid), tests))
        except ValueError as exc:
            raise GoldFormatError(path, str(exc), line=number) from exc
    return _nonempty(path, records)


def read_plover_gsr(path: Path) -> list[PloverRecord]:
    """PLOVER gold-standard records (a JSON array); DOCUMENT (header) records are skipped."""
    try:
        items = json.loads(_read_bytes(path).decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise GoldFormatError(path, "not UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise GoldFormatError(path, f"invalid JSON: {exc.msg}", line=exc.lineno) from exc
    if not isinstance(items, list):
        raise GoldFormatError(path, "expected a JSON array of records")
    records = [
        _plover_record(path, index, item)
        for index, item in enumerate(items, start=1)
        if not (isinstance(item, dict) and item.get("event") == "DOCUMENT")
    ]
    return _nonempty(path, records)


def read_conflibert_class(path: Path) -> list[ClassRecord]:
    """ConfliBERT `sentence<TAB>label` lines (CRLF or LF); blank lines are skipped."""
    records = []
    for number, line in _lines(path):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not fields[0].strip() or fields[1].strip() not in _LABELS:
            raise GoldFormatError(path, "expected 'sentence<TAB>label', label 0-4", line=number)
        records.append(ClassRecord(fields[0], int(fields[1])))
    return _nonempty(path, records)


def read_conflibert_ner(path: Path) -> list[SpanRecord]:
    """ConfliBERT CoNLL `token tag` lines, sentences separated by blank lines; see `bio_spans`."""
    records: list[SpanRecord] = []
    tokens: list[str] = []
    tags: list[str] = []
    for number, line in [*_lines(path), (-1, "")]:
        fields = line.split()
        if not fields and tokens:
            records.append(SpanRecord(
                tuple(tokens), bio_spans(tags, "S"), bio_spans(tags, "T"), bio_spans(tags, "R")
            ))
            tokens, tags = [], []
        elif fields:
            if len(fields) != 2 or fields[1] not in NER_TAGS:
                reason = "expected 'token tag', tag one of " + ", ".join(sorted(NER_TAGS))
                raise GoldFormatError(path, reason, line=number)
            tokens.append(fields[0])
            tags.append(fields[1])
    return _nonempty(path, records)


def read_case2021(path: Path) -> list[Case2021Record]:
    """CASE 2021 task 2 TSV with the header `id<TAB>EventSnippet<TAB>SubType`."""
    records: list[Case2021Record] = []
    header_seen = False
    for number, line in _lines(path):
        if not line.strip():
            continue
        fields = tuple(field.strip() for field in line.split("\t"))
        if not header_seen:
            if fields != CASE2021_HEADER:
                raise GoldFormatError(path, "expected header 'id<TAB>EventSnippet<TAB>SubType'",
                                      line=number)
            header_seen = True
        elif len(fields) != 3 or not all(fields):
            raise GoldFormatError(path, "expected 'id<TAB>EventSnippet<TAB>SubType'", line=number)
        else:
            records.append(Case2021Record(*fields))
    return _nonempty(path, records)


def read_case2021_types(path: Path) -> tuple[str, ...]:
    """Distinct event-type names, in order, from a type list such as event-types-note.txt.

    A non-blank line without spaces is a type name (e.g. MOB_VIOL); lines with spaces are headings.
    """
    names: dict[str, None] = {}
    for number, line in _lines(path):
        text = line.strip()
        if not text or len(text.split()) > 1:
            continue
        if not _TYPE_NAME.fullmatch(text):
            raise GoldFormatError(path, f"expected an event type name, got {text!r}", line=number)
        names.setdefault(text, None)
    return tuple(_nonempty(path, list(names)))


def read_petrarch_unit(path: Path) -> list[PetrarchRecord]:
    """PETRARCH-2 unit-test records (`<Sentence>` elements); `<Parse>` trees are ignored."""
    try:
        root = ET.fromstring(_read_bytes(path))
    except ET.ParseError as exc:
        reason = "not well-formed XML: " + str(exc).split(": line")[0]
        raise GoldFormatError(path, reason, line=exc.position[0]) from exc
    container = root.find("Sentences")
    options: dict[str, str] = {}
    records: list[PetrarchRecord] = []
    for element in root if container is None else container:
        if element.tag == "Config":
            option, value = element.get("option"), element.get("value")
            if not option or value is None:
                raise GoldFormatError(path, "<Config> needs option and value",
                                      record=f"after {len(records)}")
            options[option.strip()] = value.strip()
        elif element.tag == "Sentence":
            options_now = tuple(sorted(options.items()))
            records.append(_petrarch_record(path, len(records) + 1, element, options_now))
    return _nonempty(path, records)


def petrarch_dictionary_paths(folder: Path) -> dict[str, Path]:
    """Paths of the PETRARCH validation dictionaries: verbs, actors, agents, discards."""
    paths = {kind: folder / name for kind, name in PETRARCH_DICTIONARIES.items()}
    missing = [path.name for path in paths.values() if not path.is_file()]
    if missing:
        raise GoldFormatError(folder, "missing PETRARCH dictionaries: " + ", ".join(missing))
    return paths


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise GoldFormatError(path, f"cannot read: {exc.strerror or exc}") from exc


def _lines(path: Path) -> list[tuple[int, str]]:
    """Numbered lines without LF or CRLF endings (a UTF-8 BOM is dropped)."""
    lines = []
    for number, raw in enumerate(_read_bytes(path).split(b"\n"), start=1):
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise GoldFormatError(path, "not UTF-8", line=number) from exc
        lines.append((number, text.removesuffix("\r")))
    return lines


def _nonempty(path: Path, records: list[T]) -> list[T]:
    if not records:
        raise GoldFormatError(path, "no records")
    logger.debug("read %d records from %s", len(records), path)
    return records


def _plover_record(path: Path, index: int, item: Any) -> PloverRecord:
    label = f"{index} ({item.get('id')})" if isinstance(item, dict) else str(index)
    if not isinstance(item, dict):
        raise GoldFormatError(path, "expected a JSON object", record=label)
    for key in ("id", "text", "event"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise GoldFormatError(path, f"missing or empty {key!r}", record=label)
    original = item["event"]
    event = PLOVER_RENAMES.get(original, original)
    if event not in PLOVER_EVENTS:
        raise GoldFormatError(path, f"unknown event {original!r}", record=label)
    mode = item.get("mode")
    if mode is not None and not isinstance(mode, str):
        raise GoldFormatError(path, "'mode' must be a string", record=label)
    return PloverRecord(
        id=item["id"], text=item["text"], event=event, event_original=original,
        mode=mode or None,
        sources=_plover_actors(path, label, "source", item.get("source")),
        targets=_plover_actors(path, label, "target", item.get("target")),
    )


def _plover_actors(path: Path, label: str, key: str, value: Any) -> tuple[GoldActor, ...]:
    """Actors of one role; missing, null, "" and [] all mean none."""
    if isinstance(value, str) and value:
        # PLOVER-GSR01-AGREE-0007 has "target": "diplomatic" (a context word in the wrong field).
        logger.warning("%s: record %s: %s is the string %r; read as no actor", path, label, key,
                       value)
    if value is None or isinstance(value, str):
        return ()
    if not isinstance(value, list):
        raise GoldFormatError(path, f"{key!r} must be a list of actors", record=label)
    actors = []
    for actor in value:
        actor = actor if isinstance(actor, dict) else {"code": None}
        text, code, sector = actor.get("actorText", ""), actor.get("code", ""), actor.get("sector")
        if not (isinstance(text, str) and isinstance(code, str) and isinstance(sector, str | None)):
            raise GoldFormatError(path, f"{key!r} actors need string actorText, code, sector",
                                  record=label)
        actors.append(GoldActor(text, code.strip(), sector or None))
    return tuple(actors)


def _petrarch_record(
    path: Path, ordinal: int, element: ET.Element, options: tuple[tuple[str, str], ...]
) -> PetrarchRecord:
    record_id = element.get("id", "").strip()
    label = f"{ordinal} ({record_id or 'no id'})"
    date_text = element.get("date", "").strip()
    text_element = element.find("Text")
    text = " ".join("".join(text_element.itertext()).split()) if text_element is not None else ""
    if not record_id or not text:
        raise GoldFormatError(path, "<Sentence> needs an id and a non-empty <Text>", record=label)
    try:
        if not re.fullmatch(r"\d{8}", date_text):
            raise ValueError(date_text)
        date = dt.datetime.strptime(date_text, "%Y%m%d").date()
    except ValueError as exc:
        raise GoldFormatError(path, f"date {date_text!r} is not YYYYMMDD", record=label) from exc
    codings, error = _petrarch_codings(path, label, element.findall("EventCoding"))
    return PetrarchRecord(
        id=record_id, date=date, category=element.get("category", "").strip(), text=text,
        codings=codings, expected_error=error,
        enabled=element.get("sentence", "true").strip().lower() != "false", options=options,
    )


def _petrarch_codings(
    path: Path, label: str, elements: Iterable[ET.Element]
) -> tuple[tuple[ExpectedCoding, ...], str | None]:
    """Codings and expected error; `noevents="True"`, `error=…` and no element all mean no event."""
    codings, errors, no_events = [], [], False
    for element in elements:
        attrs = {key: value.strip() for key, value in element.attrib.items()}
        if {"sourcecode", "targetcode", "eventcode"} <= attrs.keys():
            codings.append(ExpectedCoding(
                attrs["sourcecode"], attrs["targetcode"], attrs["eventcode"]
            ))
        elif attrs.get("noevents", "").lower() == "true":
            no_events = True
        elif attrs.get("error"):
            errors.append(attrs["error"])
        else:
            raise GoldFormatError(path, f"<EventCoding> with unknown form {attrs}", record=label)
    if codings and (no_events or errors):
        raise GoldFormatError(path, "event codings together with noevents or error", record=label)
    return tuple(codings), ",".join(errors) or None

