"""Our annotated corpus: records in the format of the annotation guide, validated on reading.

One JSON object a line (`docs/annotation` section 7). A record that breaks the format is
refused with `FILE:LINE: reason`: bad JSON, a missing field, a type outside the 16, a snippet
or trigger that is not in the text. Splits are fixed by a hash of the document id.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from newsevents.errors import NewsEventsError

PLOVER_TYPES = frozenset((
    "AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT", "REQUEST", "ACCUSE",
    "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"))
SECTORS = frozenset((
    "GOV", "LEG", "JUD", "COP", "MIL", "SPY", "OPP", "PTY", "REB", "CVL", "ACT", "MED", "BUS",
    "NGO", "IGO", "REL", "LAB", "EDU", "HLH", "REF", "CRM", "ELI"))
ATTRIBUTIONS = frozenset({"named", "anonymous", "official_media", "none"})
# Reserved for the project's held-out evaluation: never annotated, trained or tuned on.
RESERVED_IDS = frozenset(f"vanatteveldt-{suffix}" for suffix in (
    "2020-r001", "2020-r002", "2020-r008", "2019-r015", "2019-r114", "2019-r143",
    "2020-r072", "2019-r137", "2020-r006", "2019-r064"))
_COUNTRY = re.compile(r"^[A-Z]{3}$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_CAMEO = re.compile(r"^\d{2,4}$")

Split = Literal["train", "dev", "test"]


class CorpusError(NewsEventsError):
    """An annotation record that breaks the guide's format; the message names file and line."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}" if line else f"{path}: {reason}")
        self.path, self.line, self.reason = path, line, reason


@dataclass(slots=True, frozen=True)
class GoldActor:
    text: str | None
    country: str | None
    sector: str | None


@dataclass(slots=True, frozen=True)
class GoldEvent:
    in_sentence: str
    trigger: str
    plover: str
    plover_alt: tuple[str, ...]
    cameo: str
    source: GoldActor | None
    target: GoldActor | None
    negated: bool
    hypothetical: bool
    attribution: str
    date: str | None
    place: tuple[str, str | None] | None
    symmetric: bool
    offset: int  # where in_sentence starts in the text

    @property
    def plain(self) -> bool:
        """What section 8 scores: neither negated nor hypothetical."""
        return not self.negated and not self.hypothetical


@dataclass(slots=True, frozen=True)
class GoldDocument:
    doc_id: str
    text: str
    date: str | None
    title: str
    annotator: str
    sentences: int
    events: tuple[GoldEvent, ...]
    synthetic: bool
    path: str
    line: int

    @property
    def split(self) -> Split:
        return split_of(self.doc_id)

    @property
    def words(self) -> int:
        return len(self.text.split())


def split_of(doc_id: str) -> Split:
    """train / dev / test, about 70/15/15, fixed by a hash of the document id."""
    bucket = int(hashlib.sha256(doc_id.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def _actor(value: Any, where: str) -> GoldActor | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"{where} is not an object or null")
    country, sector = value.get("country"), value.get("sector")
    if country is not None and not _COUNTRY.match(str(country)):
        raise ValueError(f"{where}.country {country!r} is not an ISO alpha-3 code, IGO, NGO "
                         "or MNC")
    if sector is not None and sector not in SECTORS:
        raise ValueError(f"{where}.sector {sector!r} is not one of the guide's sectors")
    return GoldActor(value.get("text"), country, sector)


def _event(value: Any, text: str, n: int) -> GoldEvent:
    where = f"event {n}"
    if not isinstance(value, dict):
        raise ValueError(f"{where} is not an object")
    snippet, trigger = value.get("in_sentence"), value.get("trigger")
    if not isinstance(snippet, str) or not snippet:
        raise ValueError(f"{where}: in_sentence is missing")
    offset = text.find(snippet)
    if offset < 0:
        raise ValueError(f"{where}: in_sentence is not in the text: {snippet[:60]!r}")
    if not isinstance(trigger, str) or not trigger or trigger not in text:
        raise ValueError(f"{where}: trigger {trigger!r} is not in the text")
    plover = value.get("plover")
    if plover not in PLOVER_TYPES:
        raise ValueError(f"{where}: type {plover!r} is not one of the 16 PLOVER types")
    alt = value.get("plover_alt") or []
    bad = [a for a in alt if a not in PLOVER_TYPES]
    if bad:
        raise ValueError(f"{where}: plover_alt {bad[0]!r} is not one of the 16 PLOVER types")
    cameo = str(value.get("cameo", ""))
    if not _CAMEO.match(cameo):
        raise ValueError(f"{where}: CAMEO code {cameo!r} is not 2-4 digits")
    attribution = value.get("attribution", "none")
    if attribution not in ATTRIBUTIONS:
        raise ValueError(f"{where}: attribution {attribution!r} is not one of "
                         f"{', '.join(sorted(ATTRIBUTIONS))}")
    day = value.get("date")
    if day is not None and not _DATE.match(str(day)):
        raise ValueError(f"{where}: date {day!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    place = value.get("place")
    return GoldEvent(
        snippet, trigger, plover, tuple(alt), cameo,
        _actor(value.get("source"), f"{where}.source"),
        _actor(value.get("target"), f"{where}.target"),
        bool(value.get("negated", False)), bool(value.get("hypothetical", False)),
        attribution, day,
        (str(place.get("name")), place.get("country")) if isinstance(place, dict) else None,
        bool(value.get("symmetric", False)), offset)


def _document(record: Any, path: str, line: int) -> GoldDocument:
    if not isinstance(record, dict):
        raise ValueError("a record is one JSON object")
    for key in ("doc_id", "text", "events"):
        if key not in record:
            raise ValueError(f"missing field '{key}'")
    text, doc_id = record["text"], record["doc_id"]
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text is empty")
    if doc_id in RESERVED_IDS:
        raise ValueError(f"{doc_id} is reserved for evaluation and must not be annotated")
    if record.get("exhaustive") is not True:
        raise ValueError("only exhaustive annotations can be scored (exhaustive: true)")
    if not isinstance(record["events"], list):
        raise ValueError("events is not a list")
    events = tuple(_event(e, text, n) for n, e in enumerate(record["events"], 1))
    return GoldDocument(str(doc_id), text, record.get("date"), record.get("title") or "",
                        str(record.get("annotator", "")), int(record.get("sentences", 0)),
                        events, bool(record.get("synthetic", False)), path, line)


def read_corpus(path: Path) -> Iterator[GoldDocument]:
    """The documents of one guide-format file; the first bad record raises CorpusError."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise CorpusError(str(path), 0, f"cannot read: {exc.strerror}") from exc
    with handle:
        for number, raw in enumerate(handle, 1):
            try:
                line = raw.decode("utf-8")
                if not line.strip():
                    continue
                yield _document(json.loads(line), str(path), number)
            except json.JSONDecodeError as exc:
                reason = exc.msg.removesuffix(" at")
                raise CorpusError(str(path), number,
                                  f"not JSON ({reason}, column {exc.colno})") from exc
            except UnicodeDecodeError as exc:
                raise CorpusError(str(path), number, "not UTF-8") from exc
            except (ValueError, TypeError) as exc:
                raise CorpusError(str(path), number, str(exc)) from exc


def load_corpus(paths: Sequence[Path], split: Split | None = None,
                synthetic: bool | None = None) -> list[GoldDocument]:
    """Documents of several files, optionally of one split, with or without synthetic ones.
    Synthetic documents are training data only: they are never in dev or test."""
    out = []
    for path in paths:
        for document in read_corpus(path):
            if synthetic is not None and document.synthetic != synthetic:
                continue
            if split is not None and ((document.synthetic and split != "train")
                                      or (not document.synthetic and document.split != split)):
                continue
            out.append(document)
    return out


def corpus_files(folder: Path) -> list[Path]:
    """The corpus files of a folder, in a fixed order."""
    return sorted(folder.glob("*.jsonl"))
