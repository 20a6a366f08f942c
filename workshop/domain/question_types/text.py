"""Free text: up to N entries (shown as a word cloud and as ideas the room upvotes).

Fields: "entry" (repeated)."""

from __future__ import annotations

from ..aggregate import IdeaMarks, entry_ref, iso_time
from ..answers import AnswerError, AnswerItem, typed_text
from ..questions import N_, Question
from ..wordcloud import word_cloud
from .base import QuestionType


class Text(QuestionType):
    name = "text"
    comparison_measure = N_("written answers are not compared: they are one person's words")
    file_keys = frozenset({"max_entries", "cloud", "upvotes", "moderated"})

    def check_answer(self, question, fields):
        entries = [typed_text(v, question) for v in fields.get("entry", [])]
        entries = [e for e in entries if e]
        if not entries:
            raise AnswerError("empty")
        if len(entries) > question.max_entries:
            raise AnswerError("too_many", max=question.max_entries)
        return [AnswerItem(None, text, None) for text in entries]

    def form_fields(self, question, items):
        return {"entry": [i.text for i in items if i.text]}

    def simulated_fields(self, question, rng, texts):
        count = rng.randint(1, min(2, question.max_entries))
        return {"entry": [rng.choice(texts)[: question.max_length] for _ in range(count)]}

    def comparison_rows(self, question, result):
        return []  # a text is one person's words, and never leaves its run

    def aggregate(self, question, df, result, lang, ideas):
        """The entries, newest first; a word cloud and ideas ranked by upvotes when the
        question asks for them. On a moderated question only the approved entries: the
        others are counted (the facilitator's queue), never shown."""
        marks = ideas or IdeaMarks()
        newest = df.sort_values("submitted_at", ascending=False, kind="stable")
        entries = [
            {"text": r.text, "group": r.group, "participant": r.participant,
             "ref": entry_ref(r.participant, r.text), "at": iso_time(r.submitted_at)}
            for r in newest.itertuples()
        ]
        if question.moderated:
            result["waiting"] = sum(1 for e in entries if e["ref"] not in marks.approved)
            entries = [e for e in entries if e["ref"] in marks.approved]
        result["entries"] = entries
        for group in result["groups"]:
            group["answer"] = [{"label": e["text"], "tie": False}
                               for e in result["entries"] if e["group"] == group["name"]]
        if question.cloud:
            result["cloud"] = word_cloud(e["text"] for e in result["entries"])
        if question.upvotes:
            result["ideas"] = ranked_ideas(result["entries"], marks)
        return result

    def board(self, question, result, board, pinned):
        entries = [dict(e, pinned=e["ref"] in pinned) for e in result["entries"]]
        board["entries"] = sorted(entries, key=lambda e: not e["pinned"])  # stable: newest first
        board["by_group"] = [
            {"group": name, "entries": [e for e in board["entries"] if e["group"] == name]}
            for name in board["groups"]
        ]
        if "ideas" in result:
            board["ideas"] = [dict(i, pinned=i["ref"] in pinned) for i in result["ideas"]]
        return board

    def phone_view(self, question, fields, lang):
        entries = [e for e in fields.get("entry", []) if e.strip()]
        # At least one more empty box than used, up to the most allowed: adding is obvious.
        shown = min(question.max_entries, len(entries) + 1)
        # The phone adds more boxes up to max_entries (static/js/question_types/text.js).
        return {"entries": entries + [""] * (shown - len(entries)), "max_entries": question.max_entries,
                "counted": len(entries)}

    def parse(self, check, raw, common):
        max_entries = check.integer(raw, "max_entries", 1, 1, 20)
        return Question(**common, max_entries=max_entries, min_choices=1, max_choices=max_entries,
                        cloud=check.boolean(raw, "cloud", False),
                        upvotes=check.boolean(raw, "upvotes", False),
                        moderated=check.boolean(raw, "moderated", False))

    def to_dict(self, question, data):
        data["max_entries"] = question.max_entries
        data["cloud"], data["upvotes"] = question.cloud, question.upvotes
        data["moderated"] = question.moderated
        return data


def ranked_ideas(entries: list[dict], marks: IdeaMarks) -> list[dict]:
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
