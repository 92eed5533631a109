"""The repository's fact sheet (docs/nz-facts.md) is the mission's, word for word.

The answers and contacts are checked against docs/nz-facts.md, so a clone
stands on its own. When the mission's shared/mission/nz-facts.md is beside the
project (as on the team's machines), the two must be the same: a fact updated
there must be brought in here, and the answers checked again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = ROOT / "docs" / "nz-facts.md"
SHARED = ROOT.parent / "shared" / "mission" / "nz-facts.md"


def test_the_fact_sheet_is_in_the_repository():
    text = OURS.read_text(encoding="utf-8")
    assert "111" in text and len(text) > 1000


@pytest.mark.skipif(not SHARED.is_file(), reason="no shared/mission/nz-facts.md beside the project")
def test_the_fact_sheet_matches_the_missions():
    assert OURS.read_text(encoding="utf-8") == SHARED.read_text(encoding="utf-8"), (
        "docs/nz-facts.md differs from shared/mission/nz-facts.md: copy the shared one "
        "over it, then run the tests to see which answers or contacts need checking."
    )
