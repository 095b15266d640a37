"""One settings object: package defaults, then a user file, then flags."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

from newsevents.errors import SettingsError

USER_FILE = Path("~/.config/newsevents/settings.toml").expanduser()
ENV_VAR = "NEWSEVENTS_SETTINGS"


@dataclass(slots=True, frozen=True)
class NlpSettings:
    model: str
    batch_size: int
    n_process: int


@dataclass(slots=True, frozen=True)
class IngestSettings:
    max_bytes: int
    languages: tuple[str, ...]
    min_words: int
    clean_records: bool


@dataclass(slots=True, frozen=True)
class DictionarySettings:
    use_builtin: bool
    overlays: tuple[str, ...]


@dataclass(slots=True, frozen=True)
class CoderSettings:
    engine: str
    min_confidence: float
    encoder_threads: int

    def __post_init__(self) -> None:
        if self.engine not in ("learned", "dictionary"):
            raise SettingsError(f"coder.engine must be \"learned\" or \"dictionary\", not "
                                f"{self.engine!r}")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise SettingsError("coder.min_confidence must be between 0 and 1")
        if self.encoder_threads < 0:
            raise SettingsError("coder.encoder_threads must be 0 (automatic) or more")


@dataclass(slots=True, frozen=True)
class StoreSettings:
    db: str
    batch_size: int


@dataclass(slots=True, frozen=True)
class DedupSettings:
    window_days: int
    max_km: float
    symmetric: tuple[str, ...]
    keys: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.window_days < 0:
            raise SettingsError("dedup.window_days must be 0 or more")
        if self.max_km < 0:
            raise SettingsError("dedup.max_km must be 0 or more")
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
        if self.shard_records < 1 or self.shard_files < 1:
            raise SettingsError("scale.shard_records and scale.shard_files must be 1 or more")
        if self.workers < 1:
            raise SettingsError("scale.workers must be 1 or more")


@dataclass(slots=True, frozen=True)
class ServeSettings:
    host: str
    port: int
    row_limit: int
    time_limit: float

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536:
            raise SettingsError("serve.port must be between 1 and 65535")
        if self.row_limit < 1:
            raise SettingsError("serve.row_limit must be 1 or more")
        if self.time_limit <= 0:
            raise SettingsError("serve.time_limit must be more than 0 seconds")


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
            merged[name][key] = value
    return merged


def _user_file(explicit: Path | None) -> Path | None:
    if explicit is not None:
        if not explicit.is_file():
            raise SettingsError(f"{explicit}: settings file not found")
        return explicit
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return _user_file(Path(from_env))
    return USER_FILE if USER_FILE.is_file() else None


def package_defaults() -> Settings:
    """The package's own defaults, with no user file (for spaCy component defaults)."""
    return load_settings(user_file=None, user=False)


def load_settings(user_file: Path | None = None, user: bool = True) -> Settings:
    """Defaults from the package, overlaid by the user's file if there is one."""
    defaults = resources.files("newsevents").joinpath("data/settings.toml").read_text("utf-8")
    raw = _read_toml(defaults, "package settings.toml")
    path = _user_file(user_file) if user else None
    if path is not None:
        raw = _merge(raw, _read_toml(path.read_text("utf-8"), str(path)), str(path))
    sections = {}
    for name, cls in _SECTIONS.items():
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in raw[name].items()}
        sections[name] = cls(**values)
    return Settings(**sections)
