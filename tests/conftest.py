from __future__ import annotations

from pathlib import Path

import pytest

from newsevents.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "data/seed/page.txt"
EXAMPLES = ROOT / "examples"


def article_text(n: int, topic: str = "the council") -> str:
    """A plausible English news paragraph; `n` varies it so paragraphs differ."""
    return (
        f"Members of {topic} met on Tuesday for the {n}th time this year to discuss the budget, "
        f"and officials said that the talks had been difficult but that an agreement on "
        f"spending for schools and roads could be reached before the end of the month, "
        f"according to a statement released by the office of the mayor after the meeting."
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings().with_overrides(store={"db": str(tmp_path / "test.duckdb")})


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text("utf-8")
