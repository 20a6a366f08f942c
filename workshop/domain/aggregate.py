"""What every question type's results are built from: the answers as a pandas frame, the
common part of a result (respondents, groups), and the helpers the types share.

Input rows are plain dicts: participant, group, option, text, rank, place, points,
submitted_at. A result is plain JSON-ready data that the projector, the phones, the board and
the exports all use.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from .answers import write_in_key
from .questions import WRITE_IN_PREFIX, Question, localize

COLUMNS = ["participant", "group", "option", "text", "rank", "submitted_at", "place", "points"]


def entry_ref(participant: str, text: str) -> str:
    """A stable reference to one written text of one participant (to pin or hide it)."""
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    return f"{participant}:{digest}"


def is_hidden(row: dict, hidden: Collection[str]) -> bool:
    """A text is hidden by its own ref, or, for a written-in answer, by its option key (which
    hides the same text written by everyone)."""
    text = row.get("text")
    if not hidden or not isinstance(text, str):
        return False
    return entry_ref(row["participant"], text) in hidden or write_in_key(text) in hidden


@dataclass(frozen=True)
class IdeaMarks:
    """Upvotes on written entries, and the facilitator's merges and 'answered' marks."""

    votes: Mapping[str, Collection[str]] = field(default_factory=dict)  # entry ref -> voters
    merged: Mapping[str, str] = field(default_factory=dict)  # entry ref -> ref it was merged into
    answered: Collection[str] = frozenset()
    approved: Collection[str] = frozenset()  # entry refs the facilitator let on the screens


# What became of a written text: on a moderated question it waits until the facilitator
# approves it (or hides it); elsewhere it is shown unless hidden.
SHOWN, WAITING, APPROVED, HIDDEN = "shown", "waiting", "approved", "hidden"


def text_status(question: Question, row: dict, hidden: Collection[str],
                approved: Collection[str]) -> str:
    if not isinstance(row.get("text"), str):
        return ""
    if is_hidden(row, hidden):
        return HIDDEN
    if not question.moderated:
        return SHOWN
    return APPROVED if entry_ref(row["participant"], row["text"]) in approved else WAITING


def answers_frame(rows: Iterable[dict], hidden: Collection[str]) -> pd.DataFrame:
    """The answers as a frame, without the texts the facilitator hid."""
    return pd.DataFrame([r for r in rows if not is_hidden(r, hidden)], columns=COLUMNS)


def common_result(question_id: str, question_type: str, df: pd.DataFrame,
                  groups: Iterable[str]) -> dict:
    """What every result holds: who answered, overall and per group (every known group, also
    those that have not answered yet)."""
    group_names = list(dict.fromkeys([*groups, *sorted(df["group"].dropna().unique())]))
    per_group_respondents = df.groupby("group")["participant"].nunique().to_dict()
    return {
        "question": question_id,
        "type": question_type,
        "respondents": int(df["participant"].nunique()),
        "options": [],
        "groups": [
            {"name": g, "respondents": int(per_group_respondents.get(g, 0))} for g in group_names
        ],
        "entries": [],
        # What each option's "figure" counts: answers (None), or points (a ranking's score,
        # points given): every screen shows the figure, so they cannot disagree.
        "unit": None,
    }


def group_slice(series: pd.Series | None, group: str) -> dict:
    if series is None or series.empty or group not in series.index.get_level_values(0):
        return {}
    return series.xs(group, level=0).to_dict()


def majority(counts: dict, respondents: int, labels: dict, order: list[str]) -> list[dict]:
    """A group's answer: what more than half its members chose; exactly half is a tie."""
    answer = []
    rank_of = {k: i for i, k in enumerate(order)}
    for key in sorted(counts, key=lambda k: (rank_of.get(k, len(order)), labels[k])):
        if counts[key] * 2 > respondents:
            answer.append({"key": key, "label": labels[key], "tie": False})
        elif counts[key] * 2 == respondents:
            answer.append({"key": key, "label": labels[key], "tie": True})
    return answer


def keyed_options(question: Question, df: pd.DataFrame, lang: str) -> dict[str, str]:
    """Give every answer row its key (an option id, or a written-in text's key, so the same
    text written by several counts as one) in df["key"]; returns every key's label."""
    df["key"] = [o if isinstance(o, str) else write_in_key(t)
                 for o, t in zip(df["option"], df["text"], strict=True)]
    labels = {o.id: localize(o.label, lang) for o in question.options}
    for key, text in zip(df["key"], df["text"], strict=True):
        if key.startswith(WRITE_IN_PREFIX):
            labels.setdefault(key, " ".join(str(text).split()))
    return labels


def option_result(key: str, label: str, count: int, respondents: int) -> dict:
    return {"key": key, "label": label, "write_in": key.startswith(WRITE_IN_PREFIX),
            "count": count, "figure": count,
            "share": round(count / respondents, 4) if respondents else 0.0}


def iso_time(value) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + ("Z" if value.tzinfo is None else "")
    return None
