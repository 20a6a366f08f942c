"""Text a person typed or uploaded, made clean once, at the domain boundary.

Every text that enters the app from a person (answers, write-ins, table and display names,
board notes, plan fields, the strings of an uploaded workshop file) goes through `clean_text`
or `clean_name`: normalised to NFC, and refused when it holds code points that are not text.
A lone surrogate (U+D800) survives JSON and the database, but cannot be encoded as UTF-8: one
such answer made every page and export of its run fail. `displayable` is the last guard for
what is already stored: it never refuses, it replaces.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

REPLACEMENT = "\ufffd"


class TextError(ValueError):
    """A text holding code points that are not text (surrogates, controls, non-characters)."""

    code = "not_text"


# Not text: lone surrogates, control characters but a line break, a tab and a carriage return
# (what a textarea sends; clean_text makes CR LF one line break, and WTForms writes one
# before a textarea's text), and the non-characters (U+FDD0..U+FDEF, the last two of every
# plane).
_NOT_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(re.escape(chr(plane + last)) for plane in range(0, 0x110000, 0x10000)
              for last in (0xFFFE, 0xFFFF))
    + "]")


@cache
def _format_characters() -> re.Pattern:
    """Zero-width characters, bidi overrides, embeddings and isolates, soft hyphens (category
    Cf): invisible in a name, they make look-alikes ("Bord 3" three times, all different).
    Unicode has them in planes 0, 1 and 14 only; built at first use (0.1 s)."""
    planes = [*range(0x20000), *range(0xE0000, 0xF0000)]
    return re.compile("[" + "".join(re.escape(chr(c)) for c in planes
                                    if unicodedata.category(chr(c)) == "Cf") + "]")


def clean_text(value: str) -> str:
    """A multi-line text (an answer, a note, a plan field): NFC, line breaks as \\n, trimmed.
    Raises TextError when it holds code points that are not text. Count its length after this."""
    if not isinstance(value, str):
        raise TextError("not a string")
    # A browser's form sends a textarea's line breaks as CR LF.
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if _NOT_TEXT.search(text):
        raise TextError("holds code points that are not text")
    return unicodedata.normalize("NFC", text).strip()


def clean_name(value: str) -> str:
    """A one-line name or title (a table, a display name, a workshop's title): clean_text,
    without format characters, with every run of white space one space."""
    return " ".join(_format_characters().sub("", clean_text(value)).split())


def name_key(name: str) -> str:
    """Names that differ only in case or spacing are one name ("bord 3 " is "Bord 3")."""
    return " ".join(name.split()).casefold()


def displayable(value: str) -> str:
    """Stored text as it can be shown and exported: what is not text (a lone surrogate UTF-8
    cannot encode, a control character an XLSX file refuses) becomes U+FFFD. Never raises."""
    return _NOT_TEXT.sub(REPLACEMENT, value) if _NOT_TEXT.search(value) else value


def displayable_data(value):
    """displayable() applied to every string in a JSON-like value (lists, dicts, strings)."""
    if isinstance(value, str):
        return displayable(value)
    if isinstance(value, list):
        return [displayable_data(item) for item in value]
    if isinstance(value, dict):
        return {displayable_data(key) if isinstance(key, str) else key: displayable_data(item)
                for key, item in value.items()}
    return value
