"""This room beside earlier rooms of the same workshop file.

Per question, each run's figures stand side by side (this run, the earlier runs the
facilitator picked, and every earlier run pooled). Questions are matched by their id, options
by theirs, so a file edited later that keeps its ids still compares. Only what a room gave as a
whole crosses from one run to another: a question type's comparison_rows leave out written-in
options and free texts, which are one person's words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .question_types import aggregate, type_of
from .questions import Question


@dataclass(frozen=True)
class RunAnswers:
    """One run's answers to one question, as the comparison needs them."""

    code: str
    rows: Sequence[dict]  # votes.answer_rows of the run, for the question
    groups: Sequence[str]  # the run's table names


def percent(share: float) -> int:
    """A share as every screen shows it, rounded once (half up) for all of them."""
    return int(100 * share + 0.5)


def pooled(question: Question, runs: Iterable[RunAnswers], lang: str) -> dict:
    """One result over the answers of several runs, as if they were one room. Tables and
    participants keep their run apart (two runs' "Bord 1" are two tables); answers to an
    option this run's question no longer has are left out."""
    rows: list[dict] = []
    groups: list[str] = []
    for run in runs:
        groups += [f"{run.code}/{name}" for name in run.groups]
        for row in run.rows:
            if row.get("option") is None or question.option(row["option"]) is not None:
                rows.append(dict(row, group=f"{run.code}/{row['group']}",
                                 participant=f"{run.code}/{row['participant']}"))
    return aggregate(question, rows, lang, groups)


def compare(question: Question, results: Sequence[dict | None]) -> dict:
    """The question's comparison table: a row per option, a cell per result (None where that
    run has no such question or option). `results[0]` is this run's and orders the rows."""
    kind = type_of(question)
    per_result = [{row["key"]: row for row in kind.comparison_rows(question, result)} if result else {}
                  for result in results]
    keys: list[str] = []
    labels: dict[str, str] = {}
    for figures in per_result:
        for key, row in figures.items():
            if key not in labels:
                keys.append(key)
                labels[key] = row["label"]
    rows = []
    for key in keys:
        cells = []
        for figures in per_result:
            row = figures.get(key)
            value = row["value"] if row else None
            cells.append(None if row is None else {
                "value": value, "percent": None if value is None else percent(value),
                "place": row["place"], "tie": row["tie"]})
        rows.append({"key": key, "label": labels[key], "cells": cells})
    return {"question": question.id, "type": question.type, "measure": kind.comparison_measure,
            "respondents": [result["respondents"] if result else None for result in results],
            "rows": rows}
