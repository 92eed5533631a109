"""Load and check the content data that answers depend on.

Pure helpers with no Rasa objects: the action server, the tests and any
script use the same loader, so the file is read and checked in one place.

Every content file (actions/content/*.yml) is read the same way, and never
when a module is imported: each loader is a function decorated with
`content_loader` (cached once it has succeeded) that an action calls when it
runs. `read_content` turns everything that can go wrong with a file (missing,
unreadable, not valid YAML, the wrong shape: a list where a mapping belongs,
a missing key) into one `ContentError` whose message names the file and what
is wrong, so that one broken file breaks only the actions that need it, and
those answer safely (actions/fallback.py) instead of crashing.

`CONTENT_DIR` is looked up each time a file is read: tests point it at a copy
(`monkeypatch.setattr(actions.content, "CONTENT_DIR", tmp_path)`) and call
`clear_caches()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

CONTENT_DIR = Path(__file__).parent / "content"
SOURCES_FILE = "sources.yml"

_SOURCE_FIELDS = ("agency", "page", "address", "page_date")
UNDATED = "n.d."


class ContentError(ValueError):
    """A content file cannot be used: missing, not YAML, or not the expected shape.

    `file` is the file's name (e.g. "contacts.yml", never its text), and
    `problem` a short fixed description of the kind of trouble, both safe to log.
    """

    def __init__(self, message: str, file: str | None = None, problem: str = "wrong shape"):
        super().__init__(message)
        self.file = file
        self.problem = problem


T = TypeVar("T")
_LOADERS: list[Any] = []


def content_loader(load: Callable[..., T]) -> Callable[..., T]:
    """Cache a loader's result once it has succeeded.

    A failure is not cached: it is retried on the next call, so a fixed file is
    picked up without a restart. `clear_caches` forgets every cached result.
    """
    cached = lru_cache(maxsize=None)(load)
    _LOADERS.append(cached)
    return cached


def clear_caches() -> None:
    """Forget every loaded content file (tests that point CONTENT_DIR elsewhere)."""
    for loader in _LOADERS:
        loader.cache_clear()


def content_path(path: str | Path | None, default: str) -> Path:
    """The file to read: `path` if given, else the file `default` in CONTENT_DIR.

    CONTENT_DIR is looked up at call time, so tests can point it elsewhere.
    """
    return CONTENT_DIR / default if path is None else Path(path)


def read_content(path: Path, parse: Callable[[Any], T] = lambda raw: raw) -> T:
    """Read a YAML content file and `parse` it, raising ContentError naming the file.

    `parse` may raise ContentError, or index the parsed YAML freely: a missing key
    (KeyError), or a list or text where a mapping belongs (TypeError,
    AttributeError), becomes a ContentError too.
    """
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"{name}: the file is missing", name, "missing file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(
            f"{name}: the file cannot be read ({type(error).__name__})", name, "unreadable file"
        ) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ContentError(f"{name}: not valid YAML{where}", name, "invalid YAML") from None
    try:
        return parse(raw)
    except ContentError as error:
        if error.file:  # already names its file (another file this one depends on)
            raise
        raise ContentError(f"{name}: {error}", name, error.problem) from None
    except KeyError as error:
        raise ContentError(f"{name}: missing key {error}", name, "missing key") from None
    except (TypeError, AttributeError, ValueError) as error:
        raise ContentError(
            f"{name}: not the expected shape ({type(error).__name__}: {error})",
            name,
            "wrong shape",
        ) from None


def mapping(raw: Any, what: str = "the file") -> dict[str, Any]:
    """`raw` if it is a mapping; a ContentError (wrong shape) if it is not."""
    if not isinstance(raw, dict):
        found = "empty" if raw is None else f"a {type(raw).__name__}"
        raise ContentError(f"{what} must be a mapping, not {found}")
    return raw


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
    """The sources and review date of one FAQ answer (utter_faq_<topic>)."""

    key: str
    sources: tuple[Source, ...]
    reviewed: dt.date


@dataclass(frozen=True)
class Content:
    """Everything in sources.yml, checked."""

    review_every_days: int
    sources: dict[str, Source]
    topics: dict[str, Topic]

    def overdue_topics(self, today: dt.date) -> list[str]:
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

    sources: dict[str, Source] = {}
    for key, entry in (raw.get("sources") or {}).items():
        missing = [f for f in _SOURCE_FIELDS if not str((entry or {}).get(f, "")).strip()]
        if missing:
            raise ContentError(f"source '{key}' has no {', '.join(missing)}")
        sources[key] = Source(key=key, **{f: str(entry[f]).strip() for f in _SOURCE_FIELDS})

    topics: dict[str, Topic] = {}
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


@content_loader
def load_content(path: Path | None = None) -> Content:
    """Read and check sources.yml once per process; ContentError if it is unusable."""
    return read_content(content_path(path, SOURCES_FILE), parse_content)
