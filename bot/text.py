"""Text helpers that every channel and the safety net share."""

from __future__ import annotations

# What a person is told when the assistant cannot answer (it failed, its store
# is down, or they sent too much too fast): never silence, always 111.
UNAVAILABLE = (
    "Sorry, I cannot answer right now. If you or someone else is in danger, call 111 "
    "and ask for Police."
)


def valid_text(text: str | None) -> str:
    r"""`text` as valid Unicode: lone surrogates become U+FFFD, NULs become spaces.

    JSON can carry a lone surrogate as an escape ("\ud800"), which Python keeps in
    a str but which cannot be encoded, stored or sent; a surrogate pair written as
    two escapes becomes the one character it stands for. A NUL becomes a space so
    that the words on each side of it stay apart. None becomes "".
    """
    text = text or ""
    if not text.isascii():
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text.replace("\x00", " ")
