"""Stable, ASCII keys for things in the inventory (pure functions; URIs are minted from these)."""

from __future__ import annotations

import re
import unicodedata

# Turkish letters that Unicode decomposition does not fold to the letter a reader expects.
_TURKISH = str.maketrans(
    {
        "ı": "i",
        "İ": "I",
        "ş": "s",
        "Ş": "S",
        "ğ": "g",
        "Ğ": "G",
        "ç": "c",
        "Ç": "C",
        "ö": "o",
        "Ö": "O",
        "ü": "u",
        "Ü": "U",
    }
)


def ascii_fold(text: str) -> str:
    """'Şube Müdürlüğü' → 'Sube Mudurlugu': Turkish letters first, then any other diacritic."""
    text = text.translate(_TURKISH)
    # Decomposed, the diacritics are combining marks, none of them ASCII: dropped with the rest.
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def slugify(text: str, max_length: int = 80) -> str:
    """A lower-case ASCII slug: 'Kişisel Verilerin Korunması' → 'kisisel-verilerin-korunmasi'."""
    folded = ascii_fold(text).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or "x"


# The Turkish alphabet (with q, w, x for foreign words), in order: sorting by code point puts
# Ç, Ğ, İ, Ö, Ş and Ü after Z.
_ALPHABET = "abcçdefgğhıijklmnoöpqrsştuüvwxyz"
_COLLATE = str.maketrans({letter: chr(0x100 + k) for k, letter in enumerate(_ALPHABET)})


def turkish_sort_key(text: str) -> tuple[str, str]:
    """A sort key in Turkish alphabetical order, ignoring case: Çocuk after Cami, Işık (ı)
    before İnsan (i), Şehit after Sağlık. Digits and punctuation come before letters."""
    lowered = text.replace("I", "ı").replace("İ", "i").lower()
    return lowered.translate(_COLLATE), text
