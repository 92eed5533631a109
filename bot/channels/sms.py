"""SMS-sized answers: GSM-7 text, pages of at most two SMS parts, MORE and SOURCE.

An SMS in the GSM-7 alphabet carries 160 characters, or 153 a part when it is
split; one character outside it ("•", "–", "ō", "’") makes the whole message
UCS-2, at 70 characters, or 67 a part. So on SMS:

* `to_gsm7` turns bullets, dashes, curly quotes and letters with macrons or
  accents into their GSM-7 forms, unless the text needs another script, which
  stays as it is (UCS-2);
* an answer longer than one page (`PAGE_SEPTETS`, two GSM-7 parts, or
  `PAGE_UCS2`, two UCS-2 parts) is cut into pages at line and sentence ends,
  never inside a character: the first is sent, with "Reply MORE", and each
  MORE sends the next (`Pager`);
* the source line of an answer is sent only on request: the SMS variation of
  `utter_source` says "Reply SOURCE" and carries the source in `custom`.

The words people see here (the MORE hint) are in `HINTS`, with the channel's
other fixed strings; the answers themselves are the domain's responses.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from bot.channels.messaging import RecentValues, split_text

# The GSM 03.38 default alphabet, and its extension table (2 septets each).
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "^{}\\[~]|€\f"
_GSM7 = frozenset(GSM7_BASIC + GSM7_EXTENSION)

# Characters our answers use that GSM-7 lacks, and what SMS shows instead.
REPLACEMENTS = {
    "•": "-",
    "·": "-",
    "–": "-",
    "—": "-",
    "‑": "-",
    "−": "-",
    "‘": "'",
    "’": "'",
    "ʻ": "'",  # the ʻokina of Samoan and Tongan
    "“": '"',
    "”": '"',
    "…": "...",
    "\u00a0": " ",
    "\t": " ",
}

SEPTETS_PER_PART, UCS2_UNITS_PER_PART = 153, 67  # per part of a split message
PAGE_SEPTETS = 2 * SEPTETS_PER_PART  # 306: one page is at most two SMS parts
PAGE_UCS2 = 2 * UCS2_UNITS_PER_PART  # 134 UTF-16 code units

MORE_WORDS = frozenset({"more", "more please", "next", "continue"})
SOURCE_WORDS = frozenset({"source", "sources", "source please"})
HINTS = {
    "more": "Reply MORE for the rest.",
}


def is_gsm7(text: str) -> bool:
    """Whether every character of `text` is in the GSM-7 alphabet (with its extension)."""
    return all(c in _GSM7 for c in text)


def septets(text: str) -> int:
    """The length of GSM-7 text in septets: extension characters take two."""
    return len(text) + sum(1 for c in text if c in GSM7_EXTENSION)


def ucs2_units(text: str) -> int:
    """The length of text in UTF-16 code units (characters beyond the BMP take two)."""
    return len(text.encode("utf-16-le")) // 2


def to_gsm7(text: str, keep_letters: bool = False) -> str:
    """`text` in the GSM-7 alphabet where it can be: "ō" -> "o", "•" -> "-".

    Characters with no GSM-7 form (Chinese, Devanagari and so on) stay as they
    are, so a message in another script keeps its words (and is sent as UCS-2).
    With `keep_letters` (an answer in a language whose letters carry meaning:
    tone marks in Vietnamese, macrons in te reo Māori), only punctuation is
    replaced and the letters stay as written.
    """
    out = []
    for char in text:
        if char in _GSM7:
            out.append(char)
            continue
        char = REPLACEMENTS.get(char, char)
        if not is_gsm7(char) and not keep_letters:
            bare = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            char = bare if bare and is_gsm7(bare) else char
        out.append(char)
    return "".join(out)


def measure(text: str) -> int:
    """How much of a page `text` fills: septets for GSM-7, code units for UCS-2."""
    return septets(text) if is_gsm7(text) else ucs2_units(text)


def page_limit(text: str) -> int:
    """The page size for `text`'s encoding."""
    return PAGE_SEPTETS if is_gsm7(text) else PAGE_UCS2


def paginate(text: str, hint: str = HINTS["more"], tail: str = "") -> list[str]:
    """`text` as SMS pages; every page but the last ends with `hint` (Reply MORE).

    `tail` (numbered options and "Reply with a number.") is kept whole on the
    last page, after the text, or on a page of its own when it does not fit
    there: a question and its options are read together. Each page, hint
    included, fits `page_limit` for the whole message's encoding. Cuts fall at
    line and sentence ends where possible (`split_text`), never inside a
    character.
    """
    text, tail = text.strip(), tail.strip()
    whole = "\n".join(part for part in (text, tail) if part)
    limit = page_limit(whole)
    if measure(whole) <= limit:
        return [whole] if whole else []
    room = limit - measure("\n" + hint)
    pages = _split(text, room, measure) if text else []
    if tail:
        if pages and measure(f"{pages[-1]}\n{tail}") <= limit:
            pages[-1] = f"{pages[-1]}\n{tail}"
        elif measure(tail) <= limit:
            pages.append(tail)
        else:
            pages += _split(tail, room, measure)
    return [f"{page}\n{hint}" for page in pages[:-1]] + pages[-1:]


def _split(text: str, room: int, size: Callable[[str], int]) -> list[str]:
    """Split into pieces of at most `room` by `size`: whole lines where they fit.

    Lines are packed in order; a line too long for a piece of its own is cut
    at sentence ends, then spaces (`split_text`), never inside a character.
    """
    pieces: list[str] = []
    current = ""
    for line in text.splitlines():
        for part in _fit(line.strip(), room, size):
            joined = f"{current}\n{part}" if current else part
            if size(joined) <= room:
                current = joined
            else:
                if current:
                    pieces.append(current)
                current = part
    if current:
        pieces.append(current)
    return pieces


def _fit(line: str, room: int, size: Callable[[str], int]) -> list[str]:
    """A line as pieces of at most `room` by `size` (the line itself when it fits)."""
    if size(line) <= room:
        return [line] if line else []
    # split_text counts characters, and a piece's size is never less than its
    # length in characters: shrink the character limit until every piece fits.
    chars = room
    while chars > 10:
        pieces = split_text(line, chars)
        if all(size(p) <= room for p in pieces):
            return pieces
        chars -= max(1, chars // 20)
    return split_text(line, 10)


class Pager:
    """Per conversation: the pages not yet sent (MORE) and the last source (SOURCE).

    In memory, for at most `ttl` seconds and `size` conversations, like the
    numbered options: a conversation forgotten, or idle, has nothing here.
    """

    def __init__(self, ttl: float = 3600, size: int = 50_000) -> None:
        self._pages = RecentValues(ttl, size)
        self._sources = RecentValues(ttl, size)

    def keep_pages(self, conversation: str, pages: list[str]) -> None:
        """Keep the pages after the first one sent (or forget them when there are none)."""
        if pages:
            self._pages.put(conversation, list(pages))
        else:
            self._pages.pop(conversation)

    def next_page(self, conversation: str) -> str | None:
        """The next page of the last long answer, or None when nothing is left."""
        pages = self._pages.get(conversation)
        if not pages:
            return None
        page, rest = pages[0], pages[1:]
        self.keep_pages(conversation, rest)
        return page

    def keep_source(self, conversation: str, source: str) -> None:
        """Keep the source of the answer just given, for SOURCE."""
        self._sources.put(conversation, source)

    def source(self, conversation: str) -> str | None:
        """The source of the last answer that had one, or None."""
        return self._sources.get(conversation)

    def forget(self, conversation: str) -> None:
        """Drop everything kept for this conversation."""
        self._pages.pop(conversation)
        self._sources.pop(conversation)


def command(text: str) -> str | None:
    """The command ("more" or "source") a whole message is, or None."""
    words = " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())
    if words in MORE_WORDS:
        return "more"
    if words in SOURCE_WORDS:
        return "source"
    return None
