"""Spread a budget of points (say 100) over the options, in whole numbers.

Fields: "points_1" .. "points_N" (whole numbers, together at most the budget)."""

from __future__ import annotations

from ..answers import AnswerError, AnswerItem, field_number
from ..board import option_rows
from ..questions import N_, Question, localize, option_to_dict, parse_options
from .base import QuestionType


class Points(QuestionType):
    name = "points"
    comparison_measure = N_("share of the points given")
    file_keys = frozenset({"options", "budget"})

    def check_answer(self, question, fields):
        items = []
        for index, option in enumerate(question.options, start=1):
            raw = "".join(fields.get(f"points_{index}", [])[:1]).strip()
            if raw == "":
                continue
            points = field_number(raw)
            if points is None:
                raise AnswerError("points_number")
            if points:
                items.append(AnswerItem(option.id, None, None, None, points))
        unknown = [k for k in fields if k.startswith("points_")
                   and not 1 <= (field_number(k[7:]) or 0) <= len(question.options)]
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
        shares = [b - a for a, b in zip([0, *cuts], [*cuts, budget], strict=True)]
        if not any(shares):
            shares[0] = max(1, budget)
        return {f"points_{n}": [str(share)] for n, share in zip(chosen, shares, strict=True)}

    def aggregate(self, question, df, result, lang, ideas):
        """Points spread over options: the total and the mean per respondent, overall and per
        group; a group's answer is the option it gave most points."""
        respondents = result["respondents"]
        totals = df.groupby("option")["points"].sum()
        for option in question.options:
            total = int(totals.get(option.id, 0))
            result["options"].append({
                "key": option.id, "label": localize(option.label, lang), "write_in": False,
                "count": int(df[df["option"] == option.id]["participant"].nunique()),
                "points_total": total, "figure": total,
                "points_mean": round(total / respondents, 2) if respondents else 0.0,
                "share": round(total / (respondents * question.budget), 4) if respondents else 0.0,
            })
        result["unit"] = "points"
        by_group = df.groupby(["group", "option"])["points"].sum()
        labels = {o.id: localize(o.label, lang) for o in question.options}
        for group in result["groups"]:
            totals_in_group = {o.id: int(by_group.get((group["name"], o.id), 0))
                               for o in question.options}
            group["points"] = totals_in_group
            group["means"] = {k: round(v / group["respondents"], 2) if group["respondents"] else 0.0
                              for k, v in totals_in_group.items()}
            top = max(totals_in_group.values()) if totals_in_group else 0
            group["answer"] = [{"key": k, "label": labels[k], "tie": sum(
                1 for v in totals_in_group.values() if v == top) > 1}
                for k, v in totals_in_group.items() if top and v == top]
        return result

    def board(self, question, result, board, pinned):
        # Each group's cell shows the points it gave; its top option is marked chosen.
        board["rows"] = option_rows(result, pinned, lambda group, option, position, kind:
                                    str(group["points"].get(option["key"]) or ""))
        return board

    def phone_view(self, question, fields, lang):
        return {"budget": question.budget, "options": [
            {"index": n, "label": localize(o.label, lang),
             "points": "".join(fields.get(f"points_{n}", [])[:1])}
            for n, o in enumerate(question.options, start=1)]}

    def answer_text(self, question, item, lang):
        return f"{super().answer_text(question, item, lang)}: {item.points}"

    def parse(self, check, raw, common):
        options = parse_options(check, raw.get("options"))
        if any(o.exclusive for o in options):
            check.problem("options", N_("a points question cannot have exclusive options"))
        budget = check.integer(raw, "budget", 100, 1, 1000)
        return Question(**common, options=options, budget=budget, min_choices=1,
                        max_choices=len(options))

    def to_dict(self, question, data):
        data["options"] = [option_to_dict(o) for o in question.options]
        data["budget"] = question.budget
        return data



