"""The CAMEO event codebook and its mappings to PLOVER, penta classes and ACLED-style types.

The tables are package data (`data/cameo/*.tsv`, built by `tools/build_codebook.py`), read once
per process by `load_codebook()`:

    >>> book = load_codebook()
    >>> book.quad_class("173"), book.plover("173")
    (4, {'event': 'COERCE', 'mode': 'arrest'})
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from newsevents.errors import DictionaryError, NewsEventsError

log = logging.getLogger(__name__)

DATA = "data/cameo"
CODEBOOK_FILE = "codebook.tsv"
PENTA_FILE = "penta_class.tsv"
ACLED_FILE = "acled_types.tsv"
CODEBOOK_HEADER = ("code", "root", "name", "goldstein", "quad_class", "plover_event",
                   "plover_mode", "plover_context")
PENTA_HEADER = ("root", "penta_class", "label")
ACLED_HEADER = ("cameo_prefix", "acled_type", "note")
CODE = re.compile(r"(0[1-9]|1[0-9]|20)\d{0,2}")


class UnknownCameoCode(NewsEventsError, KeyError):
    """A CAMEO event code that is not in the codebook."""

    def __init__(self, code: object) -> None:
        super().__init__(f"unknown CAMEO event code {code!r} (codes are 2-4 digits, e.g. '043')")
        self.code = code

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(slots=True, frozen=True)
class CameoCode:
    """One CAMEO event code with its Goldstein value, quad class and PLOVER mapping."""

    code: str
    root: str
    name: str
    goldstein: float | None
    quad_class: int
    plover_event: str | None
    plover_mode: str | None
    plover_context: str | None


def _rows(text: str, source: str, header: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of a TSV table after its `#` comments and its header line."""
    seen_header = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            continue
        cells = line.split("\t")
        if not seen_header:
            if tuple(cells) != header:
                raise DictionaryError(source, number, f"expected the header {'|'.join(header)}")
            seen_header = True
            continue
        if len(cells) != len(header):
            raise DictionaryError(source, number, f"expected {len(header)} tab-separated "
                                                  f"fields, got {len(cells)}")
        yield number, cells
    if not seen_header:
        raise DictionaryError(source, 1, "empty table: no header line")


def _number(value: str, kind: type[int] | type[float], source: str, line: int) -> int | float:
    try:
        return kind(value)
    except ValueError:
        raise DictionaryError(source, line, f"{value!r} is not a number") from None


def parse_codebook(text: str, source: str = CODEBOOK_FILE) -> dict[str, CameoCode]:
    """Codes of a codebook table; a bad line raises `DictionaryError` naming source and line."""
    codes: dict[str, CameoCode] = {}
    for line, cells in _rows(text, source, CODEBOOK_HEADER):
        code, root, name, goldstein, quad, event, mode, context = cells
        if not CODE.fullmatch(code) or root != code[:2] or code in codes:
            raise DictionaryError(source, line, f"bad or repeated code {code!r} (root {root!r})")
        if len(code) > 2 and code[:-1] not in codes:
            raise DictionaryError(source, line, f"code {code} comes before its parent")
        quad_class = int(_number(quad, int, source, line))
        if not name or quad_class not in (1, 2, 3, 4):
            raise DictionaryError(source, line, f"code {code} needs a name and a quad class 1-4")
        value = float(_number(goldstein, float, source, line)) if goldstein else None
        codes[code] = CameoCode(code, root, name, value, quad_class, event or None,
                                mode or None, context or None)
    return codes


def parse_penta(text: str, source: str = PENTA_FILE) -> dict[str, int]:
    """CAMEO root -> penta class (0-4) from a penta-class table."""
    penta: dict[str, int] = {}
    for line, (root, value, _label) in _rows(text, source, PENTA_HEADER):
        number = int(_number(value, int, source, line))
        if len(root) != 2 or not CODE.fullmatch(root) or root in penta or number not in range(5):
            raise DictionaryError(source, line, f"bad row for root {root!r}: class {value!r}")
        penta[root] = number
    return penta


def parse_acled(text: str, source: str = ACLED_FILE) -> dict[str, str]:
    """CAMEO code prefix -> ACLED-style event type from an ACLED-type table."""
    acled: dict[str, str] = {}
    for line, (prefix, acled_type, _note) in _rows(text, source, ACLED_HEADER):
        if not CODE.fullmatch(prefix) or prefix in acled or not acled_type.isupper():
            raise DictionaryError(source, line, f"bad row for prefix {prefix!r}: {acled_type!r}")
        acled[prefix] = acled_type
    return acled


class Codebook:
    """CAMEO codes and their mappings; look codes up as strings with leading zeros ('043')."""

    def __init__(self, codes: dict[str, CameoCode], penta: dict[str, int],
                 acled: dict[str, str]) -> None:
        self._codes = dict(codes)
        self._penta = dict(penta)
        self._acled = dict(acled)

    @staticmethod
    def load() -> Codebook:
        """The package's codebook, read once per process (the same as `load_codebook()`)."""
        return load_codebook()

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._codes

    def __len__(self) -> int:
        return len(self._codes)

    def __iter__(self) -> Iterator[CameoCode]:
        return iter(self._codes.values())

    def get(self, code: str) -> CameoCode:
        """The entry for `code`; raises `UnknownCameoCode` (a `KeyError`) if there is none."""
        try:
            return self._codes[code]
        except (KeyError, TypeError):
            raise UnknownCameoCode(code) from None

    def root(self, code: str) -> str:
        return self.get(code).root

    def quad_class(self, code: str) -> int:
        """1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict."""
        return self.get(code).quad_class

    def goldstein(self, code: str) -> float | None:
        """The Goldstein value of `code`, else of its nearest parent that has one."""
        entry = self.get(code)
        for prefix in (entry.code, entry.code[:3], entry.code[:2]):
            value = self._codes[prefix].goldstein if prefix in self._codes else None
            if value is not None:
                return value
        return None

    def plover(self, code: str) -> dict[str, str | None]:
        """`{"event": …, "mode": …}` from CAMEO2PLOVER; None where PLOVER gives nothing.

        CAMEO2PLOVER leaves root 02 (appeals) unmapped; the PLOVER manual folds appeals into
        REQUEST, so 02x codes get REQUEST here (docs/mappings.md).
        """
        entry = self.get(code)
        if entry.plover_event is None and entry.root == "02":
            return {"event": "REQUEST", "mode": None}
        return {"event": entry.plover_event, "mode": entry.plover_mode}

    def penta_class(self, code: str) -> int:
        """0 statement/appeal, 1 verbal coop., 2 material coop., 3 verbal conflict, 4 material."""
        return self._penta[self.root(code)]

    def acled_type(self, code: str) -> str:
        """The ACLED-style type of the longest matching prefix of `code`, else OTHER."""
        entry = self.get(code)
        for end in range(len(entry.code), 1, -1):
            if entry.code[:end] in self._acled:
                return self._acled[entry.code[:end]]
        return "OTHER"


def _read(name: str) -> tuple[str, str]:
    path = resources.files("newsevents").joinpath(DATA, name)
    return path.read_text("utf-8"), str(path)


@functools.cache
def load_codebook() -> Codebook:
    """The package's codebook, read once per process."""
    codes = parse_codebook(*_read(CODEBOOK_FILE))
    penta_text, penta_source = _read(PENTA_FILE)
    penta = parse_penta(penta_text, penta_source)
    acled = parse_acled(*_read(ACLED_FILE))
    missing = sorted({entry.root for entry in codes.values()} - set(penta))
    if missing:
        raise DictionaryError(penta_source, 1, f"no row for root(s) {', '.join(missing)}")
    log.debug("CAMEO codebook: %d codes, %d ACLED prefixes", len(codes), len(acled))
    return Codebook(codes, penta, acled)
