"""Content negotiation on werkzeug's parsing of Accept and Accept-Language."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from werkzeug.datastructures import LanguageAccept, MIMEAccept
from werkzeug.http import parse_accept_header


@lru_cache(maxsize=1024)
def accept_of(header: str) -> MIMEAccept:
    """A parsed Accept header (cached: clients send the same few headers again and again)."""
    return parse_accept_header(header, MIMEAccept)


def negotiate(accept: str | None, offers: Sequence[Sequence[str]]) -> int | None:
    """The index of the offer the client prefers, or None when it accepts none of them.

    Each offer is a list of media types; an offer weighs what the client's most specific
    matching range gives its best type (RFC 9110 §12.5.1). Ties go to the earlier offer (the
    server's preference). No Accept header, or one with no media range, accepts anything.
    """
    if not offers:
        return None
    parsed = accept_of(accept.strip()) if accept else None
    if parsed is None or not any("/" in value for value, _ in parsed):
        return 0  # (a header that names no media range is taken as no header)
    best, chosen = 0.0, None
    for index, types in enumerate(offers):
        q = max(parsed.quality(media) for media in types)
        if q > best:
            best, chosen = q, index
    return chosen


@lru_cache(maxsize=1024)
def prefers_english(header: str | None) -> bool:
    """Whether Accept-Language weighs English above Turkish (a tie stays Turkish)."""
    if not header:
        return False
    languages = parse_accept_header(header, LanguageAccept)

    def weight(language: str) -> float:
        # The most specific range naming the language decides: `en-GB`, then `en`, then `*`.
        ranked = [
            (2 if tag.lower() == language else 1 if tag != "*" else 0, q)
            for tag, q in languages
            if tag == "*" or tag.lower() == language or tag.lower().startswith(language + "-")
        ]
        return max(ranked)[1] if ranked else 0.0

    return weight("en") > weight("tr")
