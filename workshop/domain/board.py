"""The shared discussion board: the groups' answers side by side, where the room agrees and
where it splits. Built from aggregate() results; plain data in, plain data out."""

from __future__ import annotations

from collections.abc import Collection

from .templates import Question

AGREED = "agreed"  # chosen by more than half of the groups that answered
SPLIT = "split"  # chosen by a third to a half of them: the room is divided
FEW = "few"  # chosen by fewer: one or two tables' own concern


def agreement_level(groups_choosing: int, groups_answering: int) -> str:
    if groups_answering == 0 or groups_choosing == 0:
        return FEW
    share = groups_choosing / groups_answering
    if share > 0.5:
        return AGREED
    if share * 3 >= 1 and groups_answering >= 2:
        return SPLIT
    return FEW


def build_board(question: Question, result: dict, pinned: Collection[str] = ()) -> dict:
    groups = [g for g in result["groups"] if g["respondents"]]
    names = [g["name"] for g in groups]
    board = {"question": question.id, "type": question.type, "groups": names, "rows": [],
             "entries": [], "respondents": result["respondents"]}
    if question.type == "text":
        entries = [dict(e, pinned=e["ref"] in pinned) for e in result["entries"]]
        board["entries"] = sorted(entries, key=lambda e: not e["pinned"])  # stable: newest first
        board["by_group"] = [
            {"group": name, "entries": [e for e in board["entries"] if e["group"] == name]}
            for name in names
        ]
        if "ideas" in result:
            board["ideas"] = [dict(i, pinned=i["ref"] in pinned) for i in result["ideas"]]
        return board
    if question.type == "fruit":
        for option in result["options"]:
            row = dict(option, pinned=option["key"] in pinned)
            board["rows"].append(row)
        board["quadrants"] = result["quadrants"]
        board["rows"].sort(key=lambda r: (not r["pinned"], -r["count"]))
        return board
    for option in result["options"]:
        cells = []
        chosen_by = 0
        for group in groups:
            mark = next((a for a in group["answer"] if a["key"] == option["key"]), None)
            cell = "tie" if mark and mark["tie"] else ("chosen" if mark else "")
            chosen_by += 1 if cell == "chosen" else 0
            cells.append(cell)
        if not option["count"]:
            continue
        board["rows"].append({
            "key": option["key"], "label": option["label"], "write_in": option["write_in"],
            "count": option["count"], "score": option.get("score"), "cells": cells,
            "groups_choosing": chosen_by, "level": agreement_level(chosen_by, len(groups)),
            "pinned": option["key"] in pinned,
        })
    board["rows"].sort(key=lambda r: (not r["pinned"], -r["groups_choosing"],
                                      -(r["score"] if r["score"] is not None else r["count"])))
    return board
