"""The fruit board: each item (a goal the room chose) placed in one of four boxes, with an
optional line on how or what to report.

Fields: "place_1" .. "place_N" (a box id, or empty to skip the item), "report_1" .. "report_N"."""

from __future__ import annotations

from ..answers import AnswerError, AnswerItem, typed_text
from .base import QuestionType


class Fruit(QuestionType):
    name = "fruit"

    def check_answer(self, question, fields):
        if not question.options:
            raise AnswerError("closed")  # its items are only fixed when the question opens
        boxes = {q.id for q in question.quadrants}
        items = []
        for index, option in enumerate(question.options, start=1):
            place = "".join(fields.get(f"place_{index}", [])[:1])
            report = typed_text("".join(fields.get(f"report_{index}", [])[:1]), question)
            if place == "":
                if report:
                    raise AnswerError("place_missing")
                continue
            if place not in boxes:
                raise AnswerError("unknown_option")
            items.append(AnswerItem(option.id, report or None, None, place))
        extra = [k for k in fields if k.startswith(("place_", "report_"))
                 and not k.split("_", 1)[1].isdigit()]
        if extra or any(k.startswith("place_") and k[6:].isdigit()
                        and int(k[6:]) > len(question.options) and any(fields[k]) for k in fields):
            raise AnswerError("unknown_option")
        if not items:
            raise AnswerError("empty")
        return items

    def form_fields(self, question, items):
        index = {o.id: n for n, o in enumerate(question.options, start=1)}
        fields = {}
        for item in items:
            if item.option in index:
                fields[f"place_{index[item.option]}"] = [item.place or ""]
                fields[f"report_{index[item.option]}"] = [item.text or ""]
        return fields

    def simulated_fields(self, question, rng, texts):
        boxes = [q.id for q in question.quadrants]
        fields: dict[str, list[str]] = {}
        for n, _option in enumerate(question.options, start=1):
            if rng.random() < 0.9:
                fields[f"place_{n}"] = [rng.choice(boxes)]
                if rng.random() < 0.3:
                    fields[f"report_{n}"] = [rng.choice(texts)[: question.max_length]]
        return fields or {"place_1": [boxes[0]]}
