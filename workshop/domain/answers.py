"""What an answer is made of: its items, its refusals, and the form fields it arrives in.
Each question type checks its own answers (workshop.domain.question_types).

An answer arrives as form fields: a mapping of field name to a list of strings, exactly what a
browser form sends; each type's module names its fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .questions import WRITE_IN_PREFIX, Question
from .text import TextError, clean_text

WRITE_IN = "__write_in__"
_FIELD_NUMBER = re.compile(r"[0-9]{1,6}")
MAX_FIELD_VALUES = 100


class AnswerError(ValueError):
    """A refused answer. `code` names the rule; the web layer words it in the user's language."""

    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params
        super().__init__(f"{code} {params}" if params else code)


@dataclass(frozen=True)
class AnswerItem:
    option: str | None
    text: str | None
    rank: int | None
    place: str | None = None  # the box an item was sorted into (fruit)
    points: int | None = None  # points given to an option (points)

    def to_dict(self) -> dict:
        data = {"option": self.option, "text": self.text, "rank": self.rank}
        if self.place is not None:
            data["place"] = self.place
        if self.points is not None:
            data["points"] = self.points
        return data

    @classmethod
    def from_dict(cls, data: dict) -> AnswerItem:
        return cls(data.get("option"), data.get("text"), data.get("rank"), data.get("place"),
                   data.get("points"))


def write_in_key(text: str) -> str:
    """Written-in answers that differ only in case or spacing count as one."""
    return WRITE_IN_PREFIX + " ".join(text.split()).casefold()


def normalize_fields(raw: Any) -> dict[str, list[str]]:
    """Accept {name: str | [str]} from untrusted JSON; anything else is malformed."""
    if not isinstance(raw, Mapping):
        raise AnswerError("malformed")
    fields: dict[str, list[str]] = {}
    for name, value in raw.items():
        if not isinstance(name, str) or len(name) > 40:
            raise AnswerError("malformed")
        values = value if isinstance(value, list) else [value]
        if len(values) > MAX_FIELD_VALUES or not all(isinstance(v, str) for v in values):
            raise AnswerError("malformed")
        fields[name] = values
    return fields


def field_number(text: str) -> int | None:
    """A whole number as a form sends it (a field's value, or a field name's suffix), or None.
    ASCII digits only: "²".isdigit() is true, and int("²") fails."""
    return int(text) if _FIELD_NUMBER.fullmatch(text) else None


def typed_text(value: str, question: Question, clean=clean_text) -> str:
    """A typed text as stored; a written-in option is a label (clean_name: one line, no
    invisible format characters), an entry or a report a text."""
    try:
        text = clean(value)
    except TextError:
        raise AnswerError("not_text") from None
    if len(text) > question.max_length:  # counted after normalisation, as it is stored
        raise AnswerError("too_long", max=question.max_length)
    return text
