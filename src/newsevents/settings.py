"""One settings object: package defaults, then a user file, then flags."""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

from newsevents.errors import SettingsError

USER_FILE = Path("~/.config/newsevents/settings.toml").expanduser()
ENV_VAR = "NEWSEVENTS_SETTINGS"
PACKAGE_FILE = "package settings.toml"


def _require(ok: bool, key: str, rule: str, value: object) -> None:
    """A value outside its range is a SettingsError naming the key, the rule and the value."""
    if not ok:
        raise SettingsError(f"{key} must be {rule}, not {value!r}")


def _at_least(key: str, value: float, low: float) -> None:
    _require(value >= low, key, f"{low:g} or more", value)  # NaN is refused too


def _strings(key: str, values: tuple[str, ...], rule: str = "a list of strings") -> None:
    _require(all(isinstance(v, str) and v for v in values), key, rule, list(values))


@dataclass(slots=True, frozen=True)
class NlpSettings:
    model: str
    batch_size: int
    n_process: int
    chunk_chars: int = 50_000
    batch_tokens: int = 10_000

    def __post_init__(self) -> None:
        _require(isinstance(self.model, str) and bool(self.model.strip()), "nlp.model",
                 "the name or path of a spaCy pipeline", self.model)
        _at_least("nlp.batch_size", self.batch_size, 1)
        _at_least("nlp.n_process", self.n_process, 1)
        _at_least("nlp.chunk_chars", self.chunk_chars, 1_000)
        _at_least("nlp.batch_tokens", self.batch_tokens, 100)


@dataclass(slots=True, frozen=True)
class IngestSettings:
    max_bytes: int
    languages: tuple[str, ...]
    min_words: int
    clean_records: bool
    stage_seconds: float = 60.0

    def __post_init__(self) -> None:
        _at_least("ingest.max_bytes", self.max_bytes, 1)
        _strings("ingest.languages", self.languages, "a list of language codes like \"en\"")
        _require(bool(self.languages), "ingest.languages", "at least one language code",
                 list(self.languages))
        _at_least("ingest.min_words", self.min_words, 1)
        if not self.stage_seconds > 0:
            raise SettingsError("ingest.stage_seconds must be more than 0, not "
                                f"{self.stage_seconds}")


@dataclass(slots=True, frozen=True)
class DictionarySettings:
    use_builtin: bool
    overlays: tuple[str, ...]

    def __post_init__(self) -> None:
        _strings("dictionaries.overlays", self.overlays, "a list of file paths")


@dataclass(slots=True, frozen=True)
class CoderSettings:
    engine: str
    min_confidence: float
    encoder_threads: int
    max_sentence_tokens: int = 150

    def __post_init__(self) -> None:
        if self.max_sentence_tokens < 1:
            raise SettingsError("coder.max_sentence_tokens must be 1 or more, not "
                                f"{self.max_sentence_tokens}")
        _require(self.engine in ("learned", "dictionary"), "coder.engine",
                 "\"learned\" or \"dictionary\"", self.engine)
        _require(0.0 <= self.min_confidence <= 1.0, "coder.min_confidence", "between 0 and 1",
                 self.min_confidence)
        _require(self.encoder_threads >= 0, "coder.encoder_threads", "0 (automatic) or more",
                 self.encoder_threads)


@dataclass(slots=True, frozen=True)
class StoreSettings:
    db: str
    batch_size: int

    def __post_init__(self) -> None:
        _require(isinstance(self.db, str) and bool(self.db.strip()), "store.db",
                 "a file name", self.db)
        _at_least("store.batch_size", self.batch_size, 1)


@dataclass(slots=True, frozen=True)
class DedupSettings:
    window_days: int
    max_km: float
    symmetric: tuple[str, ...]
    keys: tuple[str, ...]

    def __post_init__(self) -> None:
        _at_least("dedup.window_days", self.window_days, 0)
        _at_least("dedup.max_km", self.max_km, 0)
        _require(all(isinstance(c, str) and c.isdigit() and len(c) >= 3 for c in self.symmetric),
                 "dedup.symmetric", "a list of CAMEO codes like \"040\"", list(self.symmetric))
        _strings("dedup.keys", self.keys)
        allowed = {"source", "target", "plover", "cameo_root", "cameo"}
        unknown = [k for k in self.keys if k not in allowed]
        if unknown or not {"source", "plover"} <= set(self.keys):
            raise SettingsError("dedup.keys must include \"source\" and \"plover\" and name "
                                f"only {sorted(allowed)}")


@dataclass(slots=True, frozen=True)
class ScaleSettings:
    shard_records: int
    shard_files: int
    workers: int

    def __post_init__(self) -> None:
        _at_least("scale.shard_records", self.shard_records, 1)
        _at_least("scale.shard_files", self.shard_files, 1)
        _at_least("scale.workers", self.workers, 1)


@dataclass(slots=True, frozen=True)
class ServeSettings:
    host: str
    port: int
    row_limit: int
    time_limit: float

    def __post_init__(self) -> None:
        _require(bool(self.host.strip()), "serve.host", "an address like \"127.0.0.1\"",
                 self.host)
        _require(0 < self.port < 65536, "serve.port", "between 1 and 65535", self.port)
        _at_least("serve.row_limit", self.row_limit, 1)
        _require(0 < self.time_limit < math.inf, "serve.time_limit", "more than 0 seconds",
                 self.time_limit)


@dataclass(slots=True, frozen=True)
class EvalSettings:
    gold_dir: str
    dates_places: str
    corpus: str
    nonpolitical: str
    pages: str


@dataclass(slots=True, frozen=True)
class Settings:
    nlp: NlpSettings
    ingest: IngestSettings
    dictionaries: DictionarySettings
    coder: CoderSettings
    store: StoreSettings
    eval: EvalSettings
    dedup: DedupSettings
    serve: ServeSettings
    scale: ScaleSettings

    def with_overrides(self, **sections: dict[str, Any]) -> Settings:
        """A copy with some keys replaced, e.g. `with_overrides(nlp={"model": "en_core_web_md"})`.

        None values are ignored so that unset CLI flags can be passed straight through.
        """
        updated = self
        for section_name, values in sections.items():
            section = getattr(self, section_name)
            known = {f.name for f in fields(section)}
            changes = {k: v for k, v in values.items() if v is not None}
            unknown = set(changes) - known
            if unknown:
                raise SettingsError(f"unknown setting {section_name}.{sorted(unknown)[0]}")
            updated = replace(updated, **{section_name: replace(section, **changes)})
        return updated


_SECTIONS = {"nlp": NlpSettings, "ingest": IngestSettings,
             "dictionaries": DictionarySettings, "coder": CoderSettings, "store": StoreSettings,
             "eval": EvalSettings, "dedup": DedupSettings, "serve": ServeSettings,
             "scale": ScaleSettings}


def _read_toml(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{origin}: {exc}") from exc


def _merge(base: dict[str, Any], user: dict[str, Any], origin: str) -> dict[str, Any]:
    merged = {name: dict(values) for name, values in base.items()}
    for name, values in user.items():
        if name not in merged or not isinstance(values, dict):
            raise SettingsError(f"{origin}: unknown settings section [{name}]")
        for key, value in values.items():
            if key not in merged[name]:
                raise SettingsError(f"{origin}: unknown setting {name}.{key}")
            if isinstance(merged[name][key], float) and type(value) is int:
                value = float(value)
            if type(value) is not type(merged[name][key]):
                expected = type(merged[name][key]).__name__
                raise SettingsError(f"{origin}: {name}.{key} must be a {expected}")
            if isinstance(value, list) and not all(isinstance(v, str) for v in value):
                raise SettingsError(f"{origin}: {name}.{key} must be a list of strings, "
                                    f"not {value!r}")
            merged[name][key] = value
    return merged


def user_settings_file(explicit: Path | None = None) -> Path | None:
    """The user's settings file that `load_settings(explicit)` reads, if any: `explicit`,
    else $NEWSEVENTS_SETTINGS, else ~/.config/newsevents/settings.toml when it exists."""
    if explicit is not None:
        if not explicit.is_file():
            raise SettingsError(f"{explicit}: settings file not found")
        return explicit
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return user_settings_file(Path(from_env))
    return USER_FILE if USER_FILE.is_file() else None


def _read_user_file(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SettingsError(f"{path}: line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                            "save the file as UTF-8") from exc


def package_defaults() -> Settings:
    """The package's own defaults, with no user file (for spaCy component defaults)."""
    return load_settings(user_file=None, user=False)


def load_settings(user_file: Path | None = None, user: bool = True) -> Settings:
    """Defaults from the package, overlaid by the user's file if there is one."""
    defaults = resources.files("newsevents").joinpath("data/settings.toml").read_text("utf-8")
    raw = _read_toml(defaults, PACKAGE_FILE)
    path = user_settings_file(user_file) if user else None
    if path is not None:
        raw = _merge(raw, _read_toml(_read_user_file(path), str(path)), str(path))
    origin = PACKAGE_FILE if path is None else str(path)  # the defaults are all in range
    sections = {}
    for name, cls in _SECTIONS.items():
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in raw[name].items()}
        try:
            sections[name] = cls(**values)
        except SettingsError as exc:
            raise SettingsError(f"{origin}: {exc}") from exc
    return Settings(**sections)
