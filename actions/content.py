"""Load and check the content data that answers depend on.

Pure helpers with no Rasa objects: the action server, the tests and any
script use the same loader, so the file is read and checked in one place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

CONTENT_DIR = Path(__file__).parent / "content"
SOURCES_FILE = CONTENT_DIR / "sources.yml"

_SOURCE_FIELDS = ("agency", "page", "address", "page_date")
UNDATED = "n.d."


class ContentError(ValueError):
    """The content data is missing a field or refers to something undefined."""


@dataclass(frozen=True)
class Source:
    """One public page that an answer's facts come from."""

    key: str
    agency: str
    page: str
    address: str
    page_date: str

    def citation(self) -> str:
        """Render the source as 'Agency, "Page" (address, date)', no date if n.d."""
        where = self.address if self.page_date == UNDATED else f"{self.address}, {self.page_date}"
        return f'{self.agency}, "{self.page}" ({where})'


@dataclass(frozen=True)
class Topic:
    """The sources and review date of one retrieval answer."""

    key: str
    sources: Tuple[Source, ...]
    reviewed: dt.date


@dataclass(frozen=True)
class Content:
    """Everything in sources.yml, checked."""

    review_every_days: int
    sources: Dict[str, Source]
    topics: Dict[str, Topic]

    def overdue_topics(self, today: dt.date) -> List[str]:
        """Topics whose last review is older than the review interval."""
        limit = dt.timedelta(days=self.review_every_days)
        return sorted(k for k, t in self.topics.items() if today - t.reviewed > limit)


def format_date(day: dt.date) -> str:
    """Write a date the way people in New Zealand read it: 28 November 2026."""
    return f"{day.day} {day:%B %Y}"


def parse_content(raw: dict) -> Content:
    """Build and check Content from the parsed YAML of sources.yml."""
    if not isinstance(raw, dict):
        raise ContentError("sources.yml must be a mapping")
    interval = raw.get("review_every_days")
    if not isinstance(interval, int) or interval <= 0:
        raise ContentError("review_every_days must be a positive whole number")

    sources: Dict[str, Source] = {}
    for key, entry in (raw.get("sources") or {}).items():
        missing = [f for f in _SOURCE_FIELDS if not str((entry or {}).get(f, "")).strip()]
        if missing:
            raise ContentError(f"source '{key}' has no {', '.join(missing)}")
        sources[key] = Source(key=key, **{f: str(entry[f]).strip() for f in _SOURCE_FIELDS})

    topics: Dict[str, Topic] = {}
    for key, entry in (raw.get("topics") or {}).items():
        entry = entry or {}
        refs = entry.get("sources") or []
        if not refs:
            raise ContentError(f"topic '{key}' names no source")
        unknown = [r for r in refs if r not in sources]
        if unknown:
            raise ContentError(f"topic '{key}' names unknown sources: {unknown}")
        reviewed = entry.get("reviewed")
        if not isinstance(reviewed, dt.date):
            raise ContentError(f"topic '{key}' has no review date (YYYY-MM-DD)")
        topics[key] = Topic(key=key, sources=tuple(sources[r] for r in refs), reviewed=reviewed)
    if not topics:
        raise ContentError("sources.yml lists no topics")
    return Content(review_every_days=interval, sources=sources, topics=topics)


@lru_cache(maxsize=None)
def load_content(path: Path = SOURCES_FILE) -> Content:
    """Read and check sources.yml once per process."""
    with open(path, encoding="utf-8") as handle:
        return parse_content(yaml.safe_load(handle))
