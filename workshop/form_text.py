"""Typed text in forms, made clean by the domain's one text hygiene (workshop.domain.text).

Used as WTForms filters: they run before the validators, so a Length counts what is stored,
and text that is not text becomes the field's error, in the person's language."""

from __future__ import annotations

from collections.abc import Callable

from .domain.answers import AnswerError
from .domain.text import TextError, clean_name, clean_text
from .messages import answer_error_message


def _filter(clean: Callable[[str], str]) -> Callable[[str | None], str | None]:
    def apply(value: str | None) -> str | None:
        if not isinstance(value, str):
            return value
        try:
            return clean(value)
        except TextError:
            raise ValueError(answer_error_message(AnswerError("not_text"))) from None

    return apply


text_filter = _filter(clean_text)  # notes, plan fields: several lines allowed
name_filter = _filter(clean_name)  # table, display name, a goal's title: one line, no format characters
