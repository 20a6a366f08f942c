"""The risk matrix: each table rates the likelihood and the consequence (1-5 each) of every
item the room chose earlier (goals or categories, drawn from another question as the fruit
board does), and the room sees each item at its median cell of a 5x5 heat map, with how
split the tables were. The highest risks (likelihood x consequence) are proposed for the plan.

Fields: "likelihood_1" .. "likelihood_N" and "consequence_1" .. "consequence_N" (1-5, or both
empty to leave the item unrated). An item's rating is stored in its place as "L-C"."""

from __future__ import annotations

import statistics

from ..answers import AnswerError, AnswerItem, field_number
from ..board import divided
from ..questions import N_, Question, localize
from .base import QuestionType, items_to_dict, parse_items

SCALE = (1, 2, 3, 4, 5)
PLAN_PROPOSALS = 3  # the highest risks proposed for the plan: a few, never the whole list


def rating(place: str | None) -> tuple[int, int] | None:
    """(likelihood, consequence) from an answer item's place "L-C"."""
    parts = (place or "").split("-")
    if len(parts) != 2 or not all(field_number(p) in SCALE for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def cell_of(value: float) -> int:
    """A median on the scale's cell: halves go up (3.5 is 4), as every screen shows it."""
    return min(max(int(value + 0.5), SCALE[0]), SCALE[-1])


def quartile_range(values: list[float]) -> float:
    """The interquartile range (pandas' linear quantiles): 0 when the tables agree."""
    if len(values) < 2:
        return 0.0
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return round(q3 - q1, 2)


def level(score: int) -> str:
    """The heat map's colour band of a cell: low, medium, high, critical."""
    return "low" if score <= 4 else "medium" if score <= 9 else "high" if score <= 15 else "critical"


class Risk(QuestionType):
    name = "risk"
    comparison_measure = N_("the tables' median cell (likelihood × consequence), and the share of tables in it")
    file_keys = frozenset({"options", "items_from", "top"})
    proposes_plan_items = True
    refusals = {
        "rating_range": N_("Likelihood and consequence are whole numbers from 1 to 5."),
        "rating_missing": N_("Rate both likelihood and consequence of item %(number)s, or neither."),
        "unknown_item": N_("That item is not one of the items to rate. Reload the page."),
    }

    def check_answer(self, question, fields):
        if not question.options:
            raise AnswerError("closed")  # its items are only fixed when the question opens
        for key in fields:
            prefix, _, number = key.partition("_")
            in_range = 1 <= (field_number(number) or 0) <= len(question.options)
            if prefix in ("likelihood", "consequence") and not in_range:
                raise AnswerError("unknown_item")
        items = []
        for index, option in enumerate(question.options, start=1):
            raw = ["".join(fields.get(f"{axis}_{index}", [])[:1]).strip() for axis in ("likelihood", "consequence")]
            if raw == ["", ""]:
                continue
            if "" in raw:
                raise AnswerError("rating_missing", number=index)
            values = [field_number(v) for v in raw]
            if not all(v in SCALE for v in values):
                raise AnswerError("rating_range")
            items.append(AnswerItem(option.id, None, None, f"{values[0]}-{values[1]}"))
        if not items:
            raise AnswerError("empty")
        return items

    def form_fields(self, question, items):
        index = {o.id: n for n, o in enumerate(question.options, start=1)}
        fields = {}
        for item in items:
            rated = rating(item.place)
            if item.option in index and rated:
                fields[f"likelihood_{index[item.option]}"] = [str(rated[0])]
                fields[f"consequence_{index[item.option]}"] = [str(rated[1])]
        return fields

    def simulated_fields(self, question, rng, texts):
        # Tables roughly agree on each item (its own centre), and now and then skip one.
        fields: dict[str, list[str]] = {}
        for n, _option in enumerate(question.options, start=1):
            if rng.random() < 0.9:
                for axis, centre in (("likelihood", 1 + (n * 2) % 5), ("consequence", 1 + (n * 3 + 2) % 5)):
                    fields[f"{axis}_{n}"] = [str(min(5, max(1, round(rng.gauss(centre, 0.9)))))]
        return fields or {"likelihood_1": ["3"], "consequence_1": ["3"]}

    def aggregate(self, question, df, result, lang, ideas):
        """Per item: each table's rating (the median of its members'), the median of the
        tables' ratings, its cell on the heat map, the share of tables in that cell and the
        interquartile ranges (how split the tables were)."""
        ratings: dict[str, dict[str, list[tuple[int, int]]]] = {}
        for row in df.itertuples():
            rated = rating(row.place)
            if rated and isinstance(row.option, str):
                ratings.setdefault(row.option, {}).setdefault(row.group, []).append(rated)
        tables_of: dict[str, dict[str, tuple[float, float]]] = {}
        for option in question.options:
            by_table = {group: (statistics.median(r[0] for r in rated), statistics.median(r[1] for r in rated))
                        for group, rated in ratings.get(option.id, {}).items()}
            tables_of[option.id] = by_table
            entry = {"key": option.id, "label": localize(option.label, lang),
                     "count": sum(len(r) for r in ratings.get(option.id, {}).values()),
                     "tables": len(by_table), "figure": 0}
            if by_table:
                likelihood = statistics.median(t[0] for t in by_table.values())
                consequence = statistics.median(t[1] for t in by_table.values())
                cell = [cell_of(likelihood), cell_of(consequence)]
                at_cell = sum(1 for t in by_table.values() if [cell_of(t[0]), cell_of(t[1])] == cell)
                share = at_cell / len(by_table)
                entry.update(
                    likelihood=likelihood, consequence=consequence, cell=cell,
                    score=cell[0] * cell[1], figure=cell[0] * cell[1], level=level(cell[0] * cell[1]),
                    agreement=round(share, 4), agreement_percent=int(100 * share + 0.5),
                    divided=len(by_table) > 1 and divided(share),
                    iqr_likelihood=quartile_range([t[0] for t in by_table.values()]),
                    iqr_consequence=quartile_range([t[1] for t in by_table.values()]),
                )
            result["options"].append(entry)
        ranked = sorted((o for o in result["options"] if o["tables"]),
                        key=lambda o: (-o["score"], -o["likelihood"], -o["consequence"]))
        for number, option in enumerate(result["options"], start=1):
            option["number"] = number
        result["ranked"] = [o["key"] for o in ranked]
        result["scale"] = list(SCALE)
        for group in result["groups"]:
            answer = []
            for option in question.options:
                table = tables_of[option.id].get(group["name"])
                if table:
                    shown = f"{cell_of(table[0])} × {cell_of(table[1])}"
                    answer.append({"key": option.id, "tie": False,
                                   "label": f"{localize(option.label, lang)}: {shown}"})
            group["answer"] = answer
        return result

    def comparison_rows(self, question, result):
        return [{"key": o["key"], "label": o["label"], "value": o["agreement"] if o["tables"] else None,
                 "place": f"{o['cell'][0]} × {o['cell'][1]}" if o["tables"] else None, "tie": False}
                for o in result["options"]]

    def board(self, question, result, board, pinned):
        """The heat map (likelihood rows 5 to 1, consequence columns 1 to 5), each item in its
        median cell, and the items highest risk first, with each table's rating."""
        by_key = {o["key"]: o for o in result["options"]}
        rows = [dict(by_key[key], pinned=key in pinned) for key in result["ranked"]]
        rows.sort(key=lambda r: not r["pinned"])
        for row in rows:
            row["cells"] = [next((a["label"].rsplit(": ", 1)[-1] for a in g["answer"] if a["key"] == row["key"]), "")
                            for g in result["groups"] if g["respondents"]]
        board["rows"] = rows
        board["heat"] = [
            {"likelihood": likelihood, "cells": [
                {"consequence": consequence, "level": level(likelihood * consequence),
                 "items": [r for r in rows if r["cell"] == [likelihood, consequence]]}
                for consequence in SCALE]}
            for likelihood in reversed(SCALE)]
        board["scale"] = list(SCALE)
        return board

    def phone_view(self, question, fields, lang):
        return {
            "scale": list(SCALE),
            "to_rate": [{"index": n, "label": localize(o.label, lang),
                         "likelihood": "".join(fields.get(f"likelihood_{n}", [])[:1]),
                         "consequence": "".join(fields.get(f"consequence_{n}", [])[:1])}
                        for n, o in enumerate(question.options, start=1)],
        }

    def answer_text(self, question, item, lang):
        rated = rating(item.place)
        label = super().answer_text(question, item, lang)
        return f"{label}: {rated[0]} × {rated[1]}" if rated else label

    def export_place(self, question, row, lang):
        rated = rating(row.get("place"))
        return f"{rated[0]} × {rated[1]}" if rated else ""  # likelihood × consequence

    def plan_proposals(self, question, result):
        by_key = {o["key"]: o for o in result["options"]}
        return [{"key": key, "label": by_key[key]["label"]} for key in result["ranked"][:PLAN_PROPOSALS]]

    def parse(self, check, raw, common):
        """Items fixed in the file, or the top answers of an earlier question, taken when the
        question is opened."""
        options, items_from, top = parse_items(check, raw)
        return Question(**common, options=options, items_from=items_from, top=top,
                        min_choices=1, max_choices=max(len(options), top))

    def to_dict(self, question, data):
        return items_to_dict(question, data)
