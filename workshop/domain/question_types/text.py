"""Free text: up to N entries (shown as a word cloud and as ideas the room upvotes).

Fields: "entry" (repeated)."""

from __future__ import annotations

from ..answers import AnswerError, AnswerItem, typed_text
from .base import QuestionType


class Text(QuestionType):
    name = "text"

    def check_answer(self, question, fields):
        entries = [typed_text(v, question) for v in fields.get("entry", [])]
        entries = [e for e in entries if e]
        if not entries:
            raise AnswerError("empty")
        if len(entries) > question.max_entries:
            raise AnswerError("too_many", max=question.max_entries)
        return [AnswerItem(None, text, None) for text in entries]

    def form_fields(self, question, items):
        return {"entry": [i.text for i in items if i.text]}

    def simulated_fields(self, question, rng, texts):
        count = rng.randint(1, min(2, question.max_entries))
        return {"entry": [rng.choice(texts)[: question.max_length] for _ in range(count)]}
