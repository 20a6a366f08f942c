"""Aggregating answers into results, overall and per group (pandas).

Input rows are plain dicts: participant, group, option, text, rank, submitted_at. The output
is plain JSON-ready data that the projector, the phones and the exports all use.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from .answers import write_in_key
from .templates import WRITE_IN_PREFIX, Question, localize
from .wordcloud import word_cloud

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


def borda_points(question: Question, rank: int) -> int:
    """Ranked choices score ranks..1: with three ranks, first place 3, second 2, third 1."""
    return question.ranks + 1 - rank


@dataclass(frozen=True)
class IdeaMarks:
    """Upvotes on written entries, and the facilitator's merges and 'answered' marks."""

    votes: Mapping[str, Collection[str]] = field(default_factory=dict)  # entry ref -> voters
    merged: Mapping[str, str] = field(default_factory=dict)  # entry ref -> ref it was merged into
    answered: Collection[str] = frozenset()


def aggregate(
    question: Question, rows: Iterable[dict], lang: str = "nb", groups: Iterable[str] = (),
    hidden: Collection[str] = frozenset(), ideas: IdeaMarks | None = None,
) -> dict:
    """Results of one question. Written texts whose entry_ref is in `hidden` are left out."""
    rows = [r for r in rows if not is_hidden(r, hidden)]
    df = pd.DataFrame(rows, columns=COLUMNS)
    group_names = list(dict.fromkeys([*groups, *sorted(df["group"].dropna().unique())]))
    respondents = int(df["participant"].nunique())
    per_group_respondents = df.groupby("group")["participant"].nunique().to_dict()
    result: dict = {
        "question": question.id,
        "type": question.type,
        "respondents": respondents,
        "options": [],
        "groups": [
            {"name": g, "respondents": int(per_group_respondents.get(g, 0))} for g in group_names
        ],
        "entries": [],
    }
    if question.type == "text":
        newest = df.sort_values("submitted_at", ascending=False, kind="stable")
        result["entries"] = [
            {"text": r.text, "group": r.group, "participant": r.participant,
             "ref": entry_ref(r.participant, r.text), "at": _iso(r.submitted_at)}
            for r in newest.itertuples()
        ]
        for group in result["groups"]:
            group["answer"] = [
                {"label": e["text"], "tie": False}
                for e in result["entries"] if e["group"] == group["name"]
            ]
        if question.cloud:
            result["cloud"] = word_cloud(e["text"] for e in result["entries"])
        if question.upvotes:
            result["ideas"] = _ideas(result["entries"], ideas or IdeaMarks())
        return result
    if question.type == "points":
        return _points(question, df, result, lang)

    if question.type == "fruit":
        return _fruit(question, df, result, lang)
    df["key"] = [o if isinstance(o, str) else write_in_key(t) for o, t in zip(df["option"], df["text"])]
    labels = {o.id: localize(o.label, lang) for o in question.options}
    for key, text in zip(df["key"], df["text"]):
        if key.startswith(WRITE_IN_PREFIX):
            labels.setdefault(key, " ".join(str(text).split()))
    keys = [o.id for o in question.options]
    counts = df.groupby("key")["participant"].nunique()
    if question.type == "ranked":
        df["points"] = [borda_points(question, int(r)) for r in df["rank"]]
        scores = df.groupby("key")["points"].sum()
        firsts = df[df["rank"] == 1].groupby("key")["participant"].nunique()
        write_ins = sorted(
            (k for k in counts.index if k.startswith(WRITE_IN_PREFIX)),
            key=lambda k: (-scores.get(k, 0), labels[k]),
        )
    else:
        write_ins = sorted(
            (k for k in counts.index if k.startswith(WRITE_IN_PREFIX)),
            key=lambda k: (-counts.get(k, 0), labels[k]),
        )
    for key in keys + write_ins:
        count = int(counts.get(key, 0))
        option = {
            "key": key,
            "label": labels[key],
            "write_in": key.startswith(WRITE_IN_PREFIX),
            "count": count,
            "share": round(count / respondents, 4) if respondents else 0.0,
        }
        if question.type == "ranked":
            option["score"] = int(scores.get(key, 0))
            option["first"] = int(firsts.get(key, 0))
        result["options"].append(option)

    by_group_counts = df.groupby(["group", "key"])["participant"].nunique()
    by_group_scores = (
        df.groupby(["group", "key"])["points"].sum() if question.type == "ranked" else None
    )
    for group in result["groups"]:
        name = group["name"]
        group_counts = _slice(by_group_counts, name)
        group["counts"] = {k: int(v) for k, v in group_counts.items()}
        if question.type == "ranked":
            group_scores = _slice(by_group_scores, name)
            group["scores"] = {k: int(v) for k, v in group_scores.items()}
            group["answer"] = _top_ranked(group["scores"], question.ranks, labels)
        else:
            group["answer"] = _majority(group["counts"], group["respondents"], labels, keys)
    return result


def _ideas(entries: list[dict], marks: IdeaMarks) -> list[dict]:
    """Entries as ideas, most upvoted first; a merged entry's voters count for the one it joined
    (each voter once)."""
    voters: dict[str, set[str]] = {e["ref"]: set(marks.votes.get(e["ref"], ())) for e in entries}
    for source, target in marks.merged.items():
        if source in voters and target in voters and source != target:
            voters[target] |= voters[source]
    ideas = [
        {"ref": e["ref"], "text": e["text"], "group": e["group"], "at": e["at"],
         "votes": len(voters[e["ref"]]), "answered": e["ref"] in marks.answered,
         "merged": sum(1 for s, t in marks.merged.items() if t == e["ref"] and s in voters)}
        for e in entries if e["ref"] not in marks.merged or marks.merged[e["ref"]] not in voters
    ]
    return sorted(ideas, key=lambda i: -i["votes"])  # stable: newest first among equals


def _points(question: Question, df: pd.DataFrame, result: dict, lang: str) -> dict:
    """Points spread over options: the total and the mean per respondent, overall and per group."""
    respondents = result["respondents"]
    totals = df.groupby("option")["points"].sum()
    for option in question.options:
        total = int(totals.get(option.id, 0))
        result["options"].append({
            "key": option.id, "label": localize(option.label, lang), "write_in": False,
            "count": int(df[df["option"] == option.id]["participant"].nunique()),
            "points_total": total,
            "points_mean": round(total / respondents, 2) if respondents else 0.0,
            "share": round(total / (respondents * question.budget), 4) if respondents else 0.0,
        })
    by_group = df.groupby(["group", "option"])["points"].sum()
    labels = {o.id: localize(o.label, lang) for o in question.options}
    for group in result["groups"]:
        totals_in_group = {o.id: int(by_group.get((group["name"], o.id), 0)) for o in question.options}
        group["points"] = totals_in_group
        group["means"] = {k: round(v / group["respondents"], 2) if group["respondents"] else 0.0
                          for k, v in totals_in_group.items()}
        top = max(totals_in_group.values()) if totals_in_group else 0
        group["answer"] = [{"key": k, "label": labels[k], "tie": sum(
            1 for v in totals_in_group.values() if v == top) > 1}
            for k, v in totals_in_group.items() if top and v == top]
    return result


def _fruit(question: Question, df: pd.DataFrame, result: dict, lang: str) -> dict:
    """Where the room placed each item: the box most chose, and how split the votes were."""
    boxes = [q.id for q in question.quadrants]
    result["quadrants"] = [
        {"id": q.id, "label": localize(q.label, lang), "prompt": localize(q.prompt, lang)}
        for q in question.quadrants
    ]
    placed = df.groupby(["option", "place"])["participant"].nunique()
    for option in question.options:
        places = {b: int(placed.get((option.id, b), 0)) for b in boxes}
        total = sum(places.values())
        top = max(places.values()) if total else 0
        leaders = [b for b in boxes if total and places[b] == top]
        reports = df[(df["option"] == option.id) & df["text"].notna()]
        result["options"].append({
            "key": option.id,
            "label": localize(option.label, lang),
            "count": total,
            "places": places,
            "place": leaders[0] if len(leaders) == 1 else None,
            "tie": len(leaders) > 1,
            # Share of placements in the leading box: 1.0 is a united room, lower is split.
            "agreement": round(top / total, 4) if total else 0.0,
            "reports": [
                {"text": r.text, "group": r.group, "ref": entry_ref(r.participant, r.text)}
                for r in reports.itertuples()
            ],
        })
    by_group = df.groupby(["group", "option", "place"])["participant"].nunique()
    labels = {o.id: localize(o.label, lang) for o in question.options}
    box_labels = {q.id: localize(q.label, lang) for q in question.quadrants}
    for group in result["groups"]:
        answer = []
        for option in question.options:
            places = {b: int(by_group.get((group["name"], option.id, b), 0)) for b in boxes}
            top = max(places.values())
            if not top:
                continue
            leaders = [b for b in boxes if places[b] == top]
            answer.append({"key": option.id, "label": f"{labels[option.id]}: "
                           + " / ".join(box_labels[b] for b in leaders), "tie": len(leaders) > 1})
        group["answer"] = answer
    return result


def _slice(series: pd.Series, group: str) -> dict:
    if series is None or series.empty or group not in series.index.get_level_values(0):
        return {}
    return series.xs(group, level=0).to_dict()


def _majority(counts: dict, respondents: int, labels: dict, order: list[str]) -> list[dict]:
    """A group's answer: what more than half its members chose; exactly half is a tie."""
    answer = []
    rank_of = {k: i for i, k in enumerate(order)}
    for key in sorted(counts, key=lambda k: (rank_of.get(k, len(order)), labels[k])):
        if counts[key] * 2 > respondents:
            answer.append({"key": key, "label": labels[key], "tie": False})
        elif counts[key] * 2 == respondents:
            answer.append({"key": key, "label": labels[key], "tie": True})
    return answer


def _top_ranked(scores: dict, ranks: int, labels: dict) -> list[dict]:
    """The group's top `ranks` by Borda score; items level with the last place are ties."""
    ordered = sorted(scores, key=lambda k: (-scores[k], labels[k]))
    if not ordered:
        return []
    cutoff = scores[ordered[min(ranks, len(ordered)) - 1]]
    chosen = [k for k in ordered if scores[k] >= cutoff]
    level = sum(1 for k in chosen if scores[k] == cutoff)
    tie_at_cutoff = len(chosen) > ranks
    return [
        {"key": k, "label": labels[k], "score": scores[k],
         "tie": tie_at_cutoff and scores[k] == cutoff and level > 1}
        for k in chosen
    ]


def _iso(value) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + ("Z" if value.tzinfo is None else "")
    return None
