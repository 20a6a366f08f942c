"""Text a person typed or uploaded, made clean once, at the domain boundary.

Every text that enters the app from a person (answers, write-ins, table and display names,
board notes, plan fields, the strings of an uploaded workshop file) goes through `clean_text`
or `clean_name`: normalised to NFC, and refused when it holds code points that are not text.
A lone surrogate (U+D800) survives JSON and the database, but cannot be encoded as UTF-8: one
such answer made every page and export of its run fail. `displayable` is the last guard for
what is already stored: it never refuses, it replaces.
"""

from __future__ import annotations

import unicodedata

REPLACEMENT = "\ufffd"
# Kept in any text: a line break and a tab are what a textarea sends.
_ALLOWED_CONTROLS = {"\n", "\t"}


class TextError(ValueError):
    """A text holding code points that are not text (surrogates, controls, non-characters)."""

    code = "not_text"


def _is_noncharacter(code_point: int) -> bool:
    return 0xFDD0 <= code_point <= 0xFDEF or (code_point & 0xFFFE) == 0xFFFE


def _not_text(char: str) -> bool:
    category = unicodedata.category(char)
    if category == "Cs":  # a lone surrogate
        return True
    if category == "Cc":
        return char not in _ALLOWED_CONTROLS
    return category == "Cn" and _is_noncharacter(ord(char))


def _is_format(char: str) -> bool:
    """Zero-width characters, bidi overrides, embeddings and isolates, soft hyphens: invisible
    in a name, they make look-alikes ("Bord 3" three times, all different)."""
    return unicodedata.category(char) == "Cf"


def clean_text(value: str) -> str:
    """A multi-line text (an answer, a note, a plan field): NFC, line breaks as \\n, trimmed.
    Raises TextError when it holds code points that are not text. Count its length after this."""
    if not isinstance(value, str):
        raise TextError("not a string")
    # A browser's form sends a textarea's line breaks as CR LF.
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii() or not text.isprintable():
        if any(_not_text(char) for char in text):
            raise TextError("holds code points that are not text")
        text = unicodedata.normalize("NFC", text)
    return text.strip()


def clean_name(value: str) -> str:
    """A one-line name or title (a table, a display name, a workshop's title): clean_text,
    without format characters, with every run of white space one space."""
    text = clean_text(value)
    if not text.isascii():
        text = "".join(char for char in text if not _is_format(char))
    return " ".join(text.split())


def name_key(name: str) -> str:
    """Names that differ only in case or spacing are one name ("bord 3 " is "Bord 3")."""
    return " ".join(name.split()).casefold()


def displayable(value: str) -> str:
    """Stored text as it can be shown and exported: what UTF-8 cannot encode (lone
    surrogates) and controls an XML file refuses become U+FFFD. Never raises."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = "".join(REPLACEMENT if "\ud800" <= char <= "\udfff" else char for char in value)
    if not value.isascii() or not value.isprintable():
        value = "".join(REPLACEMENT if _not_text(char) else char for char in value)
    return value


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

