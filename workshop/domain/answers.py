"""Validating an answer. The same function serves a form POST and a Socket.IO vote.

An answer arrives as form fields: a mapping of field name to a list of strings, exactly what a
browser form sends. Field names per question type:
  choice: "option" (repeated), "write_in"
  ranked: "rank_1" .. "rank_N" (an option id, or WRITE_IN for a written-in topic),
          "rank_1_text" .. "rank_N_text"
  text:   "entry" (repeated)
  fruit:  "place_1" .. "place_N" (a box id, or empty to skip the item), "report_1" .. "report_N"
  points: "points_1" .. "points_N" (whole numbers, together at most the budget)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .templates import WRITE_IN_PREFIX, Question
from .text import TextError, clean_name, clean_text

WRITE_IN = "__write_in__"
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


def _clean_text(value: str, question: Question, clean=clean_text) -> str:
    """A typed text as stored; a written-in option is a label (clean_name: one line, no
    invisible format characters), an entry or a report a text."""
    try:
        text = clean(value)
    except TextError:
        raise AnswerError("not_text") from None
    if len(text) > question.max_length:  # counted after normalisation, as it is stored
        raise AnswerError("too_long", max=question.max_length)
    return text


def validate_answer(question: Question, fields: Mapping[str, list[str]]) -> list[AnswerItem]:
    """Return the answer's items, or raise AnswerError naming the broken rule."""
    if question.type == "choice":
        return _choice(question, fields)
    if question.type == "ranked":
        return _ranked(question, fields)
    if question.type == "fruit":
        return _fruit(question, fields)
    if question.type == "points":
        return _points(question, fields)
    return _text(question, fields)


def _choice(question: Question, fields: Mapping[str, list[str]]) -> list[AnswerItem]:
    chosen = [v for v in fields.get("option", []) if v != ""]
    if len(set(chosen)) != len(chosen):
        raise AnswerError("duplicate")
    for option_id in chosen:
        if question.option(option_id) is None:
            raise AnswerError("unknown_option")
    items = [AnswerItem(option_id, None, None) for option_id in chosen]
    write_in = _clean_text("".join(fields.get("write_in", [])[:1]), question, clean_name)
    if write_in:
        if not question.write_in:
            raise AnswerError("no_write_in")
        items.append(AnswerItem(None, write_in, None))
    exclusive = [o for o in chosen if question.option(o).exclusive]
    if exclusive and len(items) > 1:
        raise AnswerError("exclusive", option=exclusive[0])
    if len(items) > question.max_choices:
        raise AnswerError("too_many", max=question.max_choices)
    if len(items) < max(question.min_choices, 1):
        raise AnswerError("too_few", min=max(question.min_choices, 1))
    return items


def _ranked(question: Question, fields: Mapping[str, list[str]]) -> list[AnswerItem]:
    items: list[AnswerItem] = []
    seen: set[str] = set()
    for rank in range(1, question.ranks + 1):
        choice = "".join(fields.get(f"rank_{rank}", [])[:1])
        if choice == "":
            raise AnswerError("rank_missing", rank=rank, ranks=question.ranks)
        if choice == WRITE_IN:
            if not question.write_in:
                raise AnswerError("no_write_in")
            text = _clean_text("".join(fields.get(f"rank_{rank}_text", [])[:1]), question,
                               clean_name)
            if not text:
                raise AnswerError("rank_missing", rank=rank, ranks=question.ranks)
            key = write_in_key(text)
            item = AnswerItem(None, text, rank)
        else:
            if question.option(choice) is None:
                raise AnswerError("unknown_option")
            key = choice
            item = AnswerItem(choice, None, rank)
        if key in seen:
            raise AnswerError("duplicate_rank")
        seen.add(key)
        items.append(item)
    extra = [k for k in fields if k.startswith("rank_") and k.split("_")[1].isdigit()
             and int(k.split("_")[1]) > question.ranks and any(fields[k])]
    if extra:
        raise AnswerError("too_many", max=question.ranks)
    return items


def _text(question: Question, fields: Mapping[str, list[str]]) -> list[AnswerItem]:
    entries = [_clean_text(v, question) for v in fields.get("entry", [])]
    entries = [e for e in entries if e]
    if not entries:
        raise AnswerError("empty")
    if len(entries) > question.max_entries:
        raise AnswerError("too_many", max=question.max_entries)
    return [AnswerItem(None, text, None) for text in entries]


def _fruit(question: Question, fields: Mapping[str, list[str]]) -> list[AnswerItem]:
    if not question.options:
        raise AnswerError("closed")  # its items are only fixed when the question opens
    boxes = {q.id for q in question.quadrants}
    items = []
    for index, option in enumerate(question.options, start=1):
        place = "".join(fields.get(f"place_{index}", [])[:1])
        report = _clean_text("".join(fields.get(f"report_{index}", [])[:1]), question)
        if place == "":
            if report:
                raise AnswerError("place_missing")
            continue
        if place not in boxes:
            raise AnswerError("unknown_option")
        items.append(AnswerItem(option.id, report or None, None, place))
    extra = [k for k in fields if k.startswith(("place_", "report_"))
             and not k.split("_", 1)[1].isdigit()]
    if extra or any(k.startswith("place_") and k[6:].isdigit() and int(k[6:]) > len(question.options)
                    and any(fields[k]) for k in fields):
        raise AnswerError("unknown_option")
    if not items:
        raise AnswerError("empty")
    return items


def _points(question: Question, fields: Mapping[str, list[str]]) -> list[AnswerItem]:
    items = []
    for index, option in enumerate(question.options, start=1):
        raw = "".join(fields.get(f"points_{index}", [])[:1]).strip()
        if raw == "":
            continue
        if not raw.isdigit() or len(raw) > 6:
            raise AnswerError("points_number")
        if int(raw):
            items.append(AnswerItem(option.id, None, None, None, int(raw)))
    unknown = [k for k in fields if k.startswith("points_")
               and not (k[7:].isdigit() and 1 <= int(k[7:]) <= len(question.options))]
    if unknown:
        raise AnswerError("unknown_option")
    total = sum(i.points for i in items)
    if total > question.budget:
        raise AnswerError("over_budget", budget=question.budget, total=total)
    if not items:
        raise AnswerError("empty")
    return items


def fields_from_items(question: Question, items: list[AnswerItem]) -> dict[str, list[str]]:
    """The inverse of validate_answer, to fill a form with the participant's current answer."""
    if question.type == "choice":
        return {
            "option": [i.option for i in items if i.option],
            "write_in": [i.text for i in items if i.text][:1],
        }
    if question.type == "ranked":
        fields: dict[str, list[str]] = {}
        for item in items:
            if item.option:
                fields[f"rank_{item.rank}"] = [item.option]
            else:
                fields[f"rank_{item.rank}"] = [WRITE_IN]
                fields[f"rank_{item.rank}_text"] = [item.text or ""]
        return fields
    if question.type == "fruit":
        index = {o.id: n for n, o in enumerate(question.options, start=1)}
        fields = {}
        for item in items:
            if item.option in index:
                fields[f"place_{index[item.option]}"] = [item.place or ""]
                fields[f"report_{index[item.option]}"] = [item.text or ""]
        return fields
    if question.type == "points":
        index = {o.id: n for n, o in enumerate(question.options, start=1)}
        return {f"points_{index[i.option]}": [str(i.points)] for i in items if i.option in index}
    return {"entry": [i.text for i in items if i.text]}
