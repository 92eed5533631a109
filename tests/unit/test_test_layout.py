"""The tests' own layout: helpers live in tests/support, never in a test module."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_no_test_module_imports_another():
    modules = "|".join(sorted(p.stem for p in TESTS.rglob("test_*.py")))
    imports_one = re.compile(
        rf"^\s*(from|import)\s+((tests|unit|model|integration|e2e)\.)*({modules})\b", re.M
    )
    offenders = [
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("*.py")
        if imports_one.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "move shared helpers to tests/support/"
