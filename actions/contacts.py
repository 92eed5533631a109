"""The contacts directory: load, check and choose New Zealand services.

Pure helpers with no Rasa objects. The data is actions/content/contacts.yml;
every contact names a source from sources.yml and a review date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from actions.content import (
    ContentError,
    content_loader,
    content_path,
    load_content,
    mapping,
    read_content,
)

CONTACTS_FILE = "contacts.yml"

NEEDS = frozenset(
    {
        "danger_now",
        "report_police",
        "report_anonymous",
        "employment",
        "visa",
        "sexual_exploitation",
        "family_violence",
        "someone_to_talk_to",
        "legal",
        "interpreter",
        "health",
    }
)
ASKERS = frozenset({"victim", "friend_family", "worker_witness", "public"})
INTERPRETERS = frozenset({"yes", "no", "unknown"})

# 111, 105 and 1737; 0800 and 0508 free-phone numbers; +64 numbers.
NZ_PHONE = re.compile(
    r"^(111|105|1737|0800 \d{3} \d{3}|0508 \d{3} \d{3}|\+64 \d{1,2} \d{3} \d{4})$"
)
NZ_TEXT = re.compile(r"^\d{3,4}$")
WEB = re.compile(r"^https://[a-z0-9.-]+\.[a-z]{2,}(/\S*)?$")


@dataclass(frozen=True)
class Contact:
    """One service a person can be handed off to."""

    key: str
    name: str
    helps_with: frozenset[str]
    asked_by: frozenset[str]
    hours: str
    anonymous: bool
    interpreters: str
    regions: str
    source: str
    reviewed: dt.date
    phone: str | None = None
    phone_overseas: str | None = None
    phone_words: str | None = None
    text: str | None = None
    web: str | None = None

    def tel_uri(self) -> str | None:
        """A `tel:` link for the phone number (+64 form for national numbers)."""
        if not self.phone:
            return None
        digits = re.sub(r"\D", "", self.phone)
        if self.phone.startswith("+") or not digits.startswith("0"):
            return f"tel:{'+' if self.phone.startswith('+') else ''}{digits}"
        return f"tel:+64{digits[1:]}"


def _check(key: str, entry: dict, source_keys: Iterable[str]) -> Contact:
    def need(field: str):
        value = entry.get(field)
        if value in (None, "", []):
            raise ContentError(f"contact '{key}' has no {field}")
        return value

    phone, text, web = entry.get("phone"), entry.get("text"), entry.get("web")
    if not (phone or text or web or entry.get("hours")):
        raise ContentError(f"contact '{key}' has no way to reach it")
    for field in ("phone", "phone_overseas"):
        if entry.get(field) is not None and not NZ_PHONE.match(str(entry[field])):
            raise ContentError(f"contact '{key}' has a malformed {field}: {entry[field]!r}")
    if text is not None and not NZ_TEXT.match(str(text)):
        raise ContentError(f"contact '{key}' has a malformed text number: {text!r}")
    if web is not None and not WEB.match(str(web)):
        raise ContentError(f"contact '{key}' has a malformed web address: {web!r}")
    helps = frozenset(need("helps_with"))
    if not helps <= NEEDS:
        raise ContentError(f"contact '{key}' helps with unknown needs: {sorted(helps - NEEDS)}")
    asked_by = frozenset(need("for"))
    if not asked_by <= ASKERS:
        raise ContentError(f"contact '{key}' is for unknown askers: {sorted(asked_by - ASKERS)}")
    if str(need("interpreters")) not in INTERPRETERS:
        raise ContentError(f"contact '{key}' interpreters must be yes, no or unknown")
    if not isinstance(entry.get("anonymous"), bool):
        raise ContentError(f"contact '{key}' has no anonymous: true/false")
    source = need("source")
    if source not in set(source_keys):
        raise ContentError(f"contact '{key}' names an unknown source: {source}")
    reviewed = entry.get("reviewed")
    if not isinstance(reviewed, dt.date):
        raise ContentError(f"contact '{key}' has no review date (YYYY-MM-DD)")
    return Contact(
        key=key,
        name=str(need("name")),
        helps_with=helps,
        asked_by=asked_by,
        hours=str(need("hours")),
        anonymous=entry["anonymous"],
        interpreters=str(entry["interpreters"]),
        regions=str(need("regions")),
        source=source,
        reviewed=reviewed,
        phone=str(phone) if phone is not None else None,
        phone_overseas=entry.get("phone_overseas"),
        phone_words=entry.get("phone_words"),
        text=str(text) if text is not None else None,
        web=web,
    )


def parse_contacts(raw: dict, source_keys: Iterable[str]) -> dict[str, Contact]:
    """Check the parsed YAML of contacts.yml and build the directory."""
    entries = mapping(raw or {}).get("contacts") or {}
    if not entries:
        raise ContentError("contacts.yml lists no contacts")
    keys = list(source_keys)
    return {
        key: _check(key, mapping(entry or {}, f"contact '{key}'"), keys)
        for key, entry in mapping(entries, "contacts").items()
    }


@content_loader
def load_contacts(path: Path | None = None) -> dict[str, Contact]:
    """Read and check contacts.yml (and the sources.yml it names) once per process."""
    sources = load_content().sources
    return read_content(content_path(path, CONTACTS_FILE), lambda raw: parse_contacts(raw, sources))


def choose(
    need: str, asker: str | None = None, contacts: dict[str, Contact] | None = None
) -> list[Contact]:
    """The contacts for a need, in directory order, fitting the asker if known."""
    directory = contacts if contacts is not None else load_contacts()
    found = [c for c in directory.values() if need in c.helps_with]
    if asker:
        fitting = [c for c in found if asker in c.asked_by]
        found = fitting or found
    return found
