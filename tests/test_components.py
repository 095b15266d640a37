"""newsevents as a citizen of spaCy: factories by entry point, records on the Doc, disk I/O."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from newsevents.settings import load_settings

TEXT = "Iranian forces shelled positions of Kurdish rebels in northern Iraq on Monday."

DICTIONARY = {"engine": "dictionary"}

def _pipeline() -> spacy.language.Language:
    return spacy.load(load_settings().nlp.model)


def test_add_pipe_by_name_codes_events_and_actors() -> None:
    nlp = _pipeline()
    nlp.add_pipe("newsevents_paragraphs", before="parser")
    nlp.add_pipe("newsevents_coder", config=DICTIONARY)
    doc = nlp(TEXT)
    (event,) = doc._.newsevents_events
    assert (event.source.code, event.target.code, event.cameo_root) == ("IRNMIL", "IRQREB", "19")
    actors = doc._.newsevents_actors
    assert any(a.code == "IRNMIL" and a.text == "Iranian forces" for a in actors.values())


def test_the_default_component_is_the_learned_coder() -> None:
    nlp = _pipeline()
    nlp.add_pipe("newsevents_coder")
    assert nlp.get_pipe("newsevents_coder").config["engine"] == "learned"
    events = nlp(TEXT)._.newsevents_events
    assert events and all(e.rule.startswith("learned: ") for e in events)
    assert any(e.plover["event"] == "ASSAULT" and (e.source.code or "").startswith("IRN")
               for e in events if e.source is not None)


def test_the_document_date_picks_the_role() -> None:
    nlp = _pipeline()
    nlp.add_pipe("newsevents_coder", config=DICTIONARY)
    doc = nlp.make_doc("Ebrahim Raisi accused European governments of hostility on Monday.")
    doc._.newsevents_date = "2020-01-01"
    before = nlp(doc)._.newsevents_events[0].source.code
    doc = nlp.make_doc("Ebrahim Raisi accused European governments of hostility on Monday.")
    doc._.newsevents_date = "2022-01-01"
    during = nlp(doc)._.newsevents_events[0].source.code
    assert during == "IRNGOV" and before != "IRNGOV"


@pytest.mark.parametrize("engine", ["learned", "dictionary"])
def test_events_survive_worker_processes(engine: str) -> None:
    nlp = _pipeline()
    nlp.add_pipe("newsevents_coder", config={"engine": engine})
    one = [d._.newsevents_events for d in nlp.pipe([TEXT] * 4)]
    two = [d._.newsevents_events for d in nlp.pipe([TEXT] * 4, n_process=2, batch_size=2)]
    assert one == two and all(events for events in two)


def test_the_pipeline_round_trips_through_disk(tmp_path: Path) -> None:
    overlay = tmp_path / "actors.csv"
    overlay.write_text("name,aliases,code,start,end,note\nKurdish rebels,,KURREB,,,\n")
    nlp = _pipeline()
    nlp.add_pipe("newsevents_coder", config={"overlays": [str(overlay)], **DICTIONARY})
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    config = loaded.get_pipe("newsevents_coder").config
    assert {k: config[k] for k in ("use_builtin", "overlays", "engine")} == {
        "use_builtin": True, "overlays": [str(overlay)], "engine": "dictionary"}
    (event,) = loaded(TEXT)._.newsevents_events
    assert event.target.code == "KURREB"


def test_placeholder_documents_are_tokenised_in_the_pipeline_with_their_context() -> None:
    from newsevents.coder.components import placeholder, register_extensions
    from newsevents.nlp import coding_pipeline

    settings = load_settings().with_overrides(coder={"engine": "dictionary"})
    nlp = coding_pipeline(settings.nlp.model, settings.dictionaries, settings.coder)
    register_extensions()
    text = "Ebrahim Raisi accused European governments of hostility on Monday."

    def docs(make):  # type: ignore[no-untyped-def]
        for n in range(4):
            doc = make(text)
            doc._.newsevents_date, doc._.newsevents_id = "2022-01-01", f"a{n}"
            yield doc

    plain = list(nlp.pipe(docs(nlp.make_doc)))
    one = list(nlp.pipe(docs(lambda t: placeholder(nlp, t))))
    two = list(nlp.pipe(docs(lambda t: placeholder(nlp, t)), n_process=2, batch_size=2))
    assert len(placeholder(nlp, text)) == 1
    for a, b, c in zip(plain, one, two, strict=True):
        assert [t.text for t in a] == [t.text for t in b] == [t.text for t in c]
        assert a._.newsevents_events == b._.newsevents_events == c._.newsevents_events
        assert c._.newsevents_events[0].source.code == "IRNGOV"  # the date travelled
        assert c._.newsevents_id == a._.newsevents_id
