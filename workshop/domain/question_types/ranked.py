"""Rank exactly N topics, 1 first; a topic may be written in.

Fields: "rank_1" .. "rank_N" (an option id, or WRITE_IN for a written-in topic),
"rank_1_text" .. "rank_N_text"."""

from __future__ import annotations

from ..answers import WRITE_IN, AnswerError, AnswerItem, typed_text, write_in_key
from ..text import clean_name
from .base import QuestionType


class Ranked(QuestionType):
    name = "ranked"

    def check_answer(self, question, fields):
        items: list[AnswerItem] = []
        seen: set[str] = set()
        for rank in range(1, question.ranks + 1):
            choice = "".join(fields.get(f"rank_{rank}", [])[:1])
            if choice == "":
                raise AnswerError("rank_missing", rank=rank, ranks=question.ranks)
            if choice == WRITE_IN:
                if not question.write_in:
                    raise AnswerError("no_write_in")
                text = typed_text("".join(fields.get(f"rank_{rank}_text", [])[:1]), question,
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

    def form_fields(self, question, items):
        fields: dict[str, list[str]] = {}
        for item in items:
            if item.option:
                fields[f"rank_{item.rank}"] = [item.option]
            else:
                fields[f"rank_{item.rank}"] = [WRITE_IN]
                fields[f"rank_{item.rank}_text"] = [item.text or ""]
        return fields

    def simulated_fields(self, question, rng, texts):
        picks = rng.sample([o.id for o in question.options], question.ranks)
        fields = {f"rank_{n}": [option] for n, option in enumerate(picks, start=1)}
        if question.write_in and rng.random() < 0.1:
            fields[f"rank_{question.ranks}"] = [WRITE_IN]
            fields[f"rank_{question.ranks}_text"] = [rng.choice(texts)[: question.max_length]]
        return fields
