"""Turkish text, the one place it is folded: lower-casing with dotted and dotless I, ASCII
folding, search folding and alphabetical order."""

from __future__ import annotations

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


def lower(text: str) -> str:
    """Lower case the Turkish way: 'I' is 'ı' and 'İ' is 'i' (Python's `lower` makes 'İ' an 'i'
    with a combining dot and 'I' an 'i')."""
    return text.replace("I", "ı").replace("İ", "i").lower()


def search_fold(text: str) -> str:
    """Text as the site's search compares it (site/static/search.js folds the same way): 'İzni'
    and 'izni', 'süt' and 'sut' are equal."""
    return ascii_fold(lower(text)).lower()


# The Turkish alphabet (with q, w, x for foreign words), in order: sorting by code point puts
# Ç, Ğ, İ, Ö, Ş and Ü after Z.
_ALPHABET = "abcçdefgğhıijklmnoöpqrsştuüvwxyz"
_COLLATE = str.maketrans({letter: chr(0x100 + k) for k, letter in enumerate(_ALPHABET)})


def turkish_sort_key(text: str) -> tuple[str, str]:
    """A sort key in Turkish alphabetical order, ignoring case: Çocuk after Cami, Işık (ı)
    before İnsan (i), Şehit after Sağlık. Digits and punctuation come before letters."""
    return lower(text).translate(_COLLATE), text


# The genitive ending after a word's last vowel (vowel harmony).
_GENITIVE = {"a": "ın", "ı": "ın", "e": "in", "i": "in", "o": "un", "u": "un", "ö": "ün", "ü": "ün"}


def genitive(name: str) -> str:
    """A proper name in the genitive, with its apostrophe: 'Çankaya Belediyesi' → 'Çankaya
    Belediyesi'nin', 'Eğitim Müdürlüğü' → 'Eğitim Müdürlüğü'nün'. A name whose end is no word
    (a number, an abbreviation without vowels) is left as it is."""
    letters = [c for c in lower(name) if c.isalpha()]
    vowels = [c for c in letters if c in _GENITIVE]
    if not vowels or not name.rstrip()[-1:].isalpha():
        return name
    ending = _GENITIVE[vowels[-1]]
    return f"{name}'{'n' if letters[-1] in _GENITIVE else ''}{ending}"
