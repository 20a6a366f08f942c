"""The shared discussion board: the groups' answers side by side, where the room agrees and
where it splits. Built from aggregate() results; plain data in, plain data out. Each
question type fills its own rows (question_types); what they share is here."""

from __future__ import annotations

from collections.abc import Callable, Collection

from .questions import Question

AGREED = "agreed"  # chosen by more than half of the groups that answered
SPLIT = "split"  # chosen by a third to a half of them: the room is divided
FEW = "few"  # chosen by fewer: one or two tables' own concern
# A goal on the fruit board is divided when fewer than two in three placed it in its box.
UNITED_SHARE = 2 / 3


def divided(agreement: float) -> bool:
    """Whether a share of placements in the leading box is too small to call it the room's."""
    return agreement < UNITED_SHARE


def agreement_level(groups_choosing: int, groups_answering: int) -> str:
    if groups_answering == 0 or groups_choosing == 0:
        return FEW
    share = groups_choosing / groups_answering
    if share > 0.5:
        return AGREED
    if share * 3 >= 1 and groups_answering >= 2:
        return SPLIT
    return FEW


def new_board(question: Question, result: dict) -> dict:
    """What every question's board holds; its type adds its rows (question_types.build_board)."""
    names = [g["name"] for g in answering_groups(result)]
    return {"question": question.id, "type": question.type, "groups": names, "rows": [],
            "entries": [], "respondents": result["respondents"]}


def answering_groups(result: dict) -> list[dict]:
    return [g for g in result["groups"] if g["respondents"]]


CHOSEN, TIE, NOT_CHOSEN = "chosen", "tie", ""
MARKS = {CHOSEN: "✓", TIE: "½", NOT_CHOSEN: ""}


def option_rows(result: dict, pinned: Collection[str],
                shown: Callable[[dict, dict, int | None, str], str] | None = None) -> list[dict]:
    """One row per option someone chose, with a cell per group: whether the option is in the
    group's answer (chosen, or level with another: a tie), and what the cell shows (a tick by
    default; a type may show more, e.g. the group's rank or points). Rows most groups chose
    first; pinned rows before all."""
    groups = answering_groups(result)
    rows = []
    for option in result["options"]:
        if not option["count"]:
            continue
        cells = []
        for group in groups:
            position = next((n for n, a in enumerate(group["answer"], start=1)
                             if a["key"] == option["key"]), None)
            mark = group["answer"][position - 1] if position else None
            kind = TIE if mark and mark["tie"] else (CHOSEN if mark else NOT_CHOSEN)
            text = shown(group, option, position, kind) if shown else MARKS[kind]
            cells.append({"kind": kind, "shown": text})
        chosen_by = sum(1 for c in cells if c["kind"] == CHOSEN)
        rows.append({
            "key": option["key"], "label": option["label"], "write_in": option.get("write_in", False),
            "count": option["count"], "figure": option["figure"], "cells": cells, "groups_choosing": chosen_by,
            "level": agreement_level(chosen_by, len(groups)), "pinned": option["key"] in pinned,
        })
    rows.sort(key=lambda r: (not r["pinned"], -r["groups_choosing"], -r["figure"]))
    return rows
