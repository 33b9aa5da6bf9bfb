"""Stable, ASCII keys for things in the inventory (pure functions; URIs are minted from these)."""

from __future__ import annotations

import re

from ..turkish import ascii_fold


def slugify(text: str, max_length: int = 80) -> str:
    """A lower-case ASCII slug: 'Kişisel Verilerin Korunması' → 'kisisel-verilerin-korunmasi'."""
    folded = ascii_fold(text).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or "x"
