"""Rank exactly N topics, 1 first; a topic may be written in.

Fields: "rank_1" .. "rank_N" (an option id, or WRITE_IN for a written-in topic),
"rank_1_text" .. "rank_N_text"."""

from __future__ import annotations

from ..aggregate import group_slice, keyed_options, option_result
from ..answers import WRITE_IN, AnswerError, AnswerItem, field_number, typed_text, write_in_key
from ..board import TIE, option_rows
from ..questions import N_, WRITE_IN_PREFIX, Question, localize, option_to_dict, parse_options
from ..text import clean_name
from .base import QuestionType


class Ranked(QuestionType):
    name = "ranked"
    comparison_measure = N_("share of the most points a topic can get")
    file_keys = frozenset({"options", "ranks", "write_in"})
    gives_items = True  # its best scored topics can be a fruit board's items

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
        extra = [k for k in fields if k.startswith("rank_")
                 and (field_number(k.split("_")[1]) or 0) > question.ranks and any(fields[k])]
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

    def aggregate(self, question, df, result, lang, ideas):
        """Borda scores (with three ranks: first place 3, second 2, third 1), overall and per
        group; a group's answer is its top `ranks` by score."""
        labels = keyed_options(question, df, lang)
        keys = [o.id for o in question.options]
        counts = df.groupby("key")["participant"].nunique()
        df["points"] = [borda_points(question, int(r)) for r in df["rank"]]
        scores = df.groupby("key")["points"].sum()
        firsts = df[df["rank"] == 1].groupby("key")["participant"].nunique()
        write_ins = sorted((k for k in counts.index if k.startswith(WRITE_IN_PREFIX)),
                           key=lambda k: (-scores.get(k, 0), labels[k]))
        for key in keys + write_ins:
            option = option_result(key, labels[key], int(counts.get(key, 0)), result["respondents"])
            option["score"] = option["figure"] = int(scores.get(key, 0))
            # The bar beside the points is as long as the points: of the most a topic can get.
            most = result["respondents"] * borda_points(question, 1)
            option["share"] = round(option["score"] / most, 4) if most else 0.0
            option["first"] = int(firsts.get(key, 0))
            result["options"].append(option)
        result["unit"] = "points"
        by_group_counts = df.groupby(["group", "key"])["participant"].nunique()
        by_group_scores = df.groupby(["group", "key"])["points"].sum()
        for group in result["groups"]:
            name = group["name"]
            group["counts"] = {k: int(v) for k, v in group_slice(by_group_counts, name).items()}
            group["scores"] = {k: int(v) for k, v in group_slice(by_group_scores, name).items()}
            group["answer"] = top_ranked(group["scores"], question.ranks, labels)
        return result

    def board(self, question, result, board, pinned):
        # Each group's cell shows the topic's place in the group's own ranking: 1, 2, 3; a
        # topic level with others at the last place shows that place shared ("3=").
        board["rows"] = option_rows(result, pinned, _place_in_group)
        return board

    def phone_view(self, question, fields, lang):
        return {
            "write_in": question.write_in, "write_in_value": WRITE_IN, "rank_count": question.ranks,
            "options": [{"id": o.id, "label": localize(o.label, lang)} for o in question.options],
            "ranks": [{"rank": r, "selected": "".join(fields.get(f"rank_{r}", [])[:1]),
                       "text": "".join(fields.get(f"rank_{r}_text", [])[:1])}
                      for r in range(1, question.ranks + 1)],
        }

    def parse(self, check, raw, common):
        options = parse_options(check, raw.get("options"))
        write_in = check.boolean(raw, "write_in", False)
        ranks = check.integer(raw, "ranks", 3, 1, 10)
        if any(o.exclusive for o in options):
            check.problem("options", N_("a ranked question cannot have exclusive options"))
        if options and ranks > len(options) + (ranks if write_in else 0):
            check.problem("ranks", N_("is larger than the number of options"))
        return Question(**common, options=options, ranks=ranks, write_in=write_in)

    def to_dict(self, question, data):
        data["options"] = [option_to_dict(o) for o in question.options]
        data["write_in"] = question.write_in
        data["ranks"] = question.ranks
        return data


def _place_in_group(group: dict, option: dict, position: int | None, kind: str) -> str:
    if not position:
        return ""
    score = group["answer"][position - 1]["score"]
    place = 1 + sum(1 for a in group["answer"] if a["score"] > score)
    return f"{place}=" if kind == TIE else str(place)


def borda_points(question, rank: int) -> int:
    """Ranked choices score ranks..1: with three ranks, first place 3, second 2, third 1."""
    return question.ranks + 1 - rank


def top_ranked(scores: dict, ranks: int, labels: dict) -> list[dict]:
    """The group's top `ranks` by Borda score, in order; items level with the last place are
    ties."""
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
