"""Search keys for names, document numbers and phones, in plain Python.

Names are stored as typed and compared through these keys. The same text
written with Arabic or Persian letters, with or without diacritics, tatweel,
zero-width non-joiners or a space inside a compound name (عبد الله / عبدالله),
gives the same key. Registry search and duplicate detection share this module,
which imports nothing from Django so that the matching engine can use it alone.
"""

# ruff: noqa: RUF001 -- Arabic-script letters are the subject here.

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Final

ZWNJ: Final = "\u200c"

# Arabic code points that Persian writes differently, folded to one letter.
_FOLD: Final = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh
        "ى": "ی",  # alef maksura
        "ئ": "ی",  # yeh with hamza
        "ك": "ک",  # Arabic kaf
        "ة": "ه",  # teh marbuta
        "ۀ": "ه",  # heh with yeh above
        "ہ": "ه",  # heh goal (Urdu keyboards)
        "ھ": "ه",  # heh doachashmee
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ـ": None,  # tatweel
        ZWNJ: " ",
        "\u200d": None,  # zero-width joiner
        "\u200e": None,
        "\u200f": None,
        "\u061c": None,
        "\u00a0": " ",
    }
)
_DIGITS: Final = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
# Harakat, superscript alef, Quranic marks.
_MARKS: Final = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_NOT_WORD: Final = re.compile(r"[^\w\s]+")
_SPACES: Final = re.compile(r"\s+")
_NOT_ALNUM: Final = re.compile(r"[^0-9A-Z]+")
_NOT_DIGIT: Final = re.compile(r"[^0-9]+")
_REFERENCE: Final = re.compile(r"^([A-Za-z]{2,8})\s*[-/ ]?\s*([0-9]{1,9})$")


def fold(text: str) -> str:
    """Folded text: Persian letters, ASCII digits, lower-case Latin, single spaces."""
    text = unicodedata.normalize("NFKC", text or "").translate(_FOLD).translate(_DIGITS)
    # Lower-case before dropping punctuation: "İ" lower-cases to "i" and a combining dot.
    text = _MARKS.sub("", text).lower()
    text = _NOT_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def name_key(text: str) -> str:
    """The key of one name field: folded, without spaces, so compounds match."""
    return fold(text).replace(" ", "")


def name_tokens(text: str) -> list[str]:
    """The folded words of a typed name or query."""
    folded = fold(text)
    return folded.split(" ") if folded else []


def compound_splits(tokens: list[str]) -> Iterator[tuple[str, str]]:
    """Every way to read the words as given name + family name (either may be compound).

    ``["عبد", "الله", "کریمی"]`` gives ``("عبد", "اللهکریمی")``,
    ``("عبدالله", "کریمی")`` and ``("عبداللهکریمی", "")``.
    """
    for cut in range(1, len(tokens) + 1):
        yield "".join(tokens[:cut]), "".join(tokens[cut:])


def deletions(key: str) -> set[str]:
    """The key and every key with one letter removed (symmetric-delete typo index)."""
    variants = {key}
    if len(key) > 2:
        variants.update(key[:i] + key[i + 1 :] for i in range(len(key)))
    return variants


def within_one_edit(a: str, b: str) -> bool:
    """True when ``b`` is ``a`` with at most one letter inserted, removed, replaced or swapped."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def document_key(text: str) -> str:
    """A document number without spaces, dashes or slashes, ASCII digits, upper-case."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text or "").translate(_DIGITS).upper())


def phone_key(text: str) -> str:
    """An Iranian phone number as ``09…`` (mobile) or with its leading ``0``.

    ``+98 912 345 6789``, ``0098912…``, ``912…`` and ``۰۹۱۲…`` give ``0912…``.
    Foreign numbers keep their ``00`` prefix. Returns "" for text without digits.
    """
    raw = (text or "").translate(_DIGITS).strip()
    digits = _NOT_DIGIT.sub("", raw)
    if not digits:
        return ""
    if raw.startswith("+"):
        digits = "00" + digits
    if digits.startswith("0098"):
        digits = "0" + digits[4:]
    elif digits.startswith("98") and len(digits) == 12:
        digits = "0" + digits[2:]
    elif digits.startswith("9") and len(digits) == 10:
        digits = "0" + digits
    return digits


def reference_key(text: str, *, width: int = 6) -> str:
    """A household reference as stored (``TJ-004512``), or "" if the text is not one."""
    match = _REFERENCE.match((text or "").translate(_DIGITS).strip())
    if not match:
        return ""
    return f"{match.group(1).upper()}-{int(match.group(2)):0{width}d}"


def looks_like_number(text: str) -> bool:
    """Mostly digits: a document number or a phone, not a name."""
    key = document_key(text)
    digits = sum(ch.isdigit() for ch in key)
    return digits >= 4 and digits * 2 >= len(key)


def distinct_keys(values: Iterable[str]) -> set[str]:
    return {name_key(value) for value in values if value} - {""}


# --- Consonant skeletons: one key for a name in Persian or Latin letters -------------------
#
# Persian writes long vowels only (ا و ی) and Latin transliterations write every vowel, each
# in its own way (Mohammad, Muhammad, Mohammed). Both reduce to the consonants they share:
# محمد, Mohammad and Muhammad give "mhmd"; حسین and Hussain give "hsn". Letters that sound
# alike in Dari fall together (ث س ص → s, ذ ز ض ظ → z, ق غ → q), ع disappears as it does in
# Latin, doubled letters count once, and a final ه/h (a vowel) is dropped. و and ی are
# consonants only where they surely are (word-initial; و after alef). The key is coarse
# on purpose: it finds candidates across scripts, and the matching model weighs them.

_SKELETON_FA: Final = {
    "ب": "b",
    "پ": "p",
    "ت": "t",
    "ط": "t",
    "ث": "s",
    "س": "s",
    "ص": "s",
    "ج": "j",
    "چ": "c",
    "ح": "h",
    "ه": "h",
    "خ": "X",
    "د": "d",
    "ذ": "z",
    "ز": "z",
    "ض": "z",
    "ظ": "z",
    "ر": "r",
    "ژ": "j",
    "ش": "S",
    "ع": "",
    "ء": "",
    "غ": "q",
    "ق": "q",
    "ف": "f",
    "ک": "k",
    "گ": "g",
    "ل": "l",
    "م": "m",
    "ن": "n",
}
# Latin digraphs first, then single letters; vowels (and y, w inside a word) drop.
_SKELETON_LATIN_DIGRAPHS: Final = (
    ("kh", "X"),
    ("gh", "q"),
    ("sh", "S"),
    ("ch", "c"),
    ("zh", "j"),
    ("th", "t"),
    ("ph", "f"),
)
_SKELETON_LATIN: Final = {
    "c": "k",
    "q": "q",
    "x": "ks",
    "w": "v",
}
_LATIN_VOWELS: Final = frozenset("aeiou")


def _skeleton_word_fa(word: str) -> str:
    out = []
    for i, ch in enumerate(word):
        if ch in _SKELETON_FA:
            out.append(_SKELETON_FA[ch])
        elif ch == "و":
            # A consonant (v/w) at the start of a word or after alef, else a vowel.
            if i == 0 or word[i - 1] == "ا":
                out.append("v")
        elif ch == "ی":
            if i == 0:
                out.append("y")
        elif ch.isascii() and ch.isalpha():
            out.append(ch)
    key = "".join(out)
    if word.endswith("ه") and key.endswith("h") and len(key) > 1:
        key = key[:-1]
    return key


def _skeleton_word_latin(word: str) -> str:
    for pair, letter in _SKELETON_LATIN_DIGRAPHS:
        word = word.replace(pair, letter)
    out = []
    for i, ch in enumerate(word):
        if ch in _LATIN_VOWELS:
            continue
        if ch == "y":
            # A consonant at the start of a word only (Yousuf; Sayed is سید).
            if i == 0:
                out.append("y")
            continue
        if ch == "w" or ch == "v":
            if i == 0 or word[i - 1] in _LATIN_VOWELS:
                out.append("v")
            continue
        out.append(_SKELETON_LATIN.get(ch, ch))
    key = "".join(out)
    if word.endswith("h") and key.endswith("h") and len(key) > 1:
        key = key[:-1]
    return key


def skeleton(text: str) -> str:
    """The consonant skeleton of a name in Persian or Latin letters (see above)."""
    parts = []
    for word in fold(text).split(" "):
        if not word:
            continue
        if word.isascii():
            parts.append(_skeleton_word_latin(word))
        else:
            parts.append(_skeleton_word_fa(word))
    key = "".join(parts)
    # Doubled letters count once (Hassan, Mohammad, الله).
    return "".join(ch for i, ch in enumerate(key) if i == 0 or ch != key[i - 1])
