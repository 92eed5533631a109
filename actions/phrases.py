"""Whole-word phrase matching for answers people type or press."""

from __future__ import annotations

import re
from typing import Iterable


def words_of(text: str) -> str:
    """Lower-case words, punctuation (but ' and -) to spaces, padded with spaces."""
    return " " + " ".join(re.sub(r"[^\w\s'-]", " ", text.lower()).split()) + " "


def mentions(words: str, phrases: Iterable[str]) -> bool:
    """Whether `words` (from `words_of`) contains any phrase as whole words."""
    return any(f" {phrase} " in words for phrase in phrases)
