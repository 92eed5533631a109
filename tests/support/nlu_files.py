"""Reading Rasa NLU YAML files in tests: intent -> example texts."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

_ENTITY = re.compile(r"\[([^\]]+)\]\([^)]*\)")  # "[tauranga](place)" -> "tauranga"


def read_examples(path: Path) -> dict[str, list[str]]:
    """Intent -> example texts (entity markup removed) of one file; lookup tables are skipped."""
    examples: dict[str, list[str]] = {}
    for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
        if "intent" not in block:
            continue
        lines = [line.strip() for line in block["examples"].splitlines() if line.strip()]
        assert all(line.startswith("- ") for line in lines), f"bad example line in {path}"
        texts = (_ENTITY.sub(r"\1", line[2:]) for line in lines)
        examples.setdefault(block["intent"], []).extend(texts)
    return examples
