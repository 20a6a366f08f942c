"""Spread a budget of points (say 100) over the options, in whole numbers.

Fields: "points_1" .. "points_N" (whole numbers, together at most the budget)."""

from __future__ import annotations

from ..answers import AnswerError, AnswerItem
from .base import QuestionType


class Points(QuestionType):
    name = "points"

    def check_answer(self, question, fields):
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

    def form_fields(self, question, items):
        index = {o.id: n for n, o in enumerate(question.options, start=1)}
        return {f"points_{index[i.option]}": [str(i.points)] for i in items if i.option in index}

    def simulated_fields(self, question, rng, texts):
        # Most people spend the whole budget on two to four options; some keep a little back.
        chosen = rng.sample(range(1, len(question.options) + 1),
                            rng.randint(1, min(4, len(question.options))))
        budget = question.budget if rng.random() < 0.8 else rng.randint(1, question.budget)
        cuts = sorted(rng.randint(0, budget) for _ in range(len(chosen) - 1))
        shares = [b - a for a, b in zip([0, *cuts], [*cuts, budget])]
        if not any(shares):
            shares[0] = max(1, budget)
        return {f"points_{n}": [str(share)] for n, share in zip(chosen, shares)}
