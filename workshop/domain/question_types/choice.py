"""Choose options (with at most one written in); an exclusive option stands alone.

Fields: "option" (repeated), "write_in"."""

from __future__ import annotations

from ..answers import AnswerError, AnswerItem, typed_text
from ..text import clean_name
from .base import QuestionType


class Choice(QuestionType):
    name = "choice"

    def check_answer(self, question, fields):
        chosen = [v for v in fields.get("option", []) if v != ""]
        if len(set(chosen)) != len(chosen):
            raise AnswerError("duplicate")
        for option_id in chosen:
            if question.option(option_id) is None:
                raise AnswerError("unknown_option")
        items = [AnswerItem(option_id, None, None) for option_id in chosen]
        write_in = typed_text("".join(fields.get("write_in", [])[:1]), question, clean_name)
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

    def form_fields(self, question, items):
        return {
            "option": [i.option for i in items if i.option],
            "write_in": [i.text for i in items if i.text][:1],
        }

    def simulated_fields(self, question, rng, texts):
        exclusive = [o.id for o in question.options if o.exclusive]
        if exclusive and rng.random() < 0.15:
            return {"option": [rng.choice(exclusive)]}
        pool = [o.id for o in question.options if not o.exclusive]
        low = max(question.min_choices, 1)
        high = max(low, min(question.max_choices, len(pool), 5))
        chosen = rng.sample(pool, rng.randint(low, high))
        fields = {"option": chosen}
        if question.write_in and rng.random() < 0.15 and len(chosen) < question.max_choices:
            fields["write_in"] = [rng.choice(texts)[: question.max_length]]
        return fields
