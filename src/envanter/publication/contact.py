"""How a service page lets a citizen act on a channel: call, write on WhatsApp, send an SMS, open
a web address. A channel's phone is kept as dialled (digits only, read/channels.py); a link
wants it in E.164 (+90…) and a reader wants it grouped as Turkish numbers are written."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

COUNTRY = "90"  # Türkiye: the inventories' numbers are Turkish ones


@dataclass(frozen=True, slots=True)
class Action:
    """One thing to do with a channel: a link and its text."""

    href: str
    text: str
    kind: str  # "tel", "whatsapp", "sms" or "web"


def national(digits: str) -> str | None:
    """The number without its trunk 0 (5521530034), for a number that has one in E.164: a
    ten-digit subscriber number or a nationwide 444 line; None for a short code (153, 1530)."""
    if len(digits) == 11 and digits.startswith("0"):
        return digits[1:]
    if len(digits) == 10 and digits[0] in "2345789":
        return digits
    if len(digits) == 7 and digits.startswith("444"):
        return digits
    return None


def e164(digits: str) -> str | None:
    """+905521530034 for 05521530034; None for a short code, which has no international form."""
    rest = national(digits)
    return f"+{COUNTRY}{rest}" if rest else None


def readable(digits: str) -> str:
    """The number grouped as it is written in Türkiye: 0552 153 00 34, 444 80 86, 153."""
    rest = national(digits)
    if rest is None:
        return digits
    if len(rest) == 7:  # 444 80 86
        return f"{rest[:3]} {rest[3:5]} {rest[5:]}"
    return f"0{rest[:3]} {rest[3:6]} {rest[6:8]} {rest[8:]}"


def phone_actions(kind: str, digits: str) -> list[Action]:
    """What a channel of this kind (a kanal-turu notation) with this number lets one do."""
    number = e164(digits)
    if kind == "whatsapp":
        # wa.me wants the international number as digits; a short code cannot be reached there.
        return (
            [Action(f"https://wa.me/{number[1:]}", readable(digits), "whatsapp")] if number else []
        )
    if kind == "sms":
        return [Action(f"sms:{number or digits}", readable(digits), "sms")]
    return [Action(f"tel:{number or digits}", readable(digits), "tel")]


def web_action(url: str) -> Action | None:
    """A link for a web address, if it is one a browser may follow as such (http or https)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return Action(url, url, "web")
