"""The benefits map (DFØ's gevinstrealisering): for a goal the room chose earlier (drawn from
another question, as the fruit board does), each table names a benefit, its kind (efficiency
in kroner, quality, gains for other parties: the file's `kinds`) and the role that owns it
(the file's `roles`, DFØ's roles). The board groups the benefits by kind.

Fields, per benefit n (1 .. max_entries): "goal_n" (an item's id), "benefit_n" (text),
"kind_n" and "owner_n" (ids of the file's kinds and roles); a benefit left wholly empty is
skipped. A benefit is stored as an item with the goal as its option, the text as its text and
"kind/owner" as its place."""

from __future__ import annotations

from dataclasses import dataclass

from ..aggregate import entry_ref
from ..answers import AnswerError, AnswerItem, field_number, typed_text
from ..questions import N_, Option, Question, localize, option_to_dict, parse_options
from ..text import clean_text
from .base import QuestionType, items_to_dict, parse_items

AXES = ("goal", "benefit", "kind", "owner")


@dataclass(frozen=True)
class BenefitsQuestion(Question):
    kinds: tuple[Option, ...] = ()
    roles: tuple[Option, ...] = ()


def kind_and_owner(place: str | None) -> tuple[str, str]:
    kind, _, owner = (place or "").partition("/")
    return kind, owner


def _label(options: tuple[Option, ...], option_id: str, lang: str) -> str:
    found = next((o for o in options if o.id == option_id), None)
    return localize(found.label, lang) if found else option_id


class Benefits(QuestionType):
    name = "benefits"
    comparison_measure = N_(
        "share of the benefits named that are of each kind (the benefits themselves are the tables' own words)")
    file_keys = frozenset({"options", "items_from", "top", "kinds", "roles", "max_entries"})
    refusals = {
        "benefit_goal_missing": N_("Choose the goal benefit %(number)s belongs to."),
        "benefit_missing": N_("Write what benefit %(number)s is."),
        "kind_missing": N_("Choose the kind of benefit %(number)s."),
        "owner_missing": N_("Choose who owns benefit %(number)s."),
        "unknown_choice": N_("Benefit %(number)s has a goal, kind or owner that is not on the list. Reload the page."),
    }

    def check_answer(self, question, fields):
        if not question.options:
            raise AnswerError("closed")  # its goals are only fixed when the question opens
        for key in fields:
            prefix, _, number = key.partition("_")
            if prefix in AXES and not 1 <= (field_number(number) or 0) <= question.max_entries:
                raise AnswerError("unknown_option")
        goals = {o.id for o in question.options}
        kinds = {k.id for k in question.kinds}
        roles = {r.id for r in question.roles}
        items = []
        for n in range(1, question.max_entries + 1):
            goal, text, kind, owner = ("".join(fields.get(f"{axis}_{n}", [])[:1]).strip() for axis in AXES)
            text = typed_text(text, question, clean_text)
            if not (goal or text or kind or owner):
                continue
            for value, code in ((goal, "benefit_goal_missing"), (text, "benefit_missing"),
                                (kind, "kind_missing"), (owner, "owner_missing")):
                if not value:
                    raise AnswerError(code, number=n)
            if goal not in goals or kind not in kinds or owner not in roles:
                raise AnswerError("unknown_choice", number=n)
            items.append(AnswerItem(goal, text, None, f"{kind}/{owner}"))
        if not items:
            raise AnswerError("empty")
        return items

    def form_fields(self, question, items):
        fields = {}
        for n, item in enumerate(items, start=1):
            kind, owner = kind_and_owner(item.place)
            fields.update({f"goal_{n}": [item.option or ""], f"benefit_{n}": [item.text or ""],
                           f"kind_{n}": [kind], f"owner_{n}": [owner]})
        return fields

    def simulated_fields(self, question, rng, texts):
        fields: dict[str, list[str]] = {}
        for n in range(1, rng.randint(1, min(2, question.max_entries)) + 1):
            fields[f"goal_{n}"] = [rng.choice(question.options).id]
            fields[f"benefit_{n}"] = [rng.choice(texts)[: question.max_length]]
            fields[f"kind_{n}"] = [rng.choice(question.kinds).id]
            fields[f"owner_{n}"] = [rng.choice(question.roles).id]
        return fields

    def aggregate(self, question, df, result, lang, ideas):
        """Every benefit named (texts the facilitator hid left out), grouped by kind; per goal
        how many benefits it has; a group's answer is its benefits."""
        goal_labels = {o.id: localize(o.label, lang) for o in question.options}
        benefits = []
        for row in df.itertuples():
            if not isinstance(row.text, str) or row.option not in goal_labels:
                continue
            kind, owner = kind_and_owner(row.place)
            benefits.append({
                "ref": entry_ref(row.participant, row.text), "text": row.text, "group": row.group,
                "goal_key": row.option, "goal": goal_labels[row.option],
                "kind": kind, "kind_label": _label(question.kinds, kind, lang),
                "owner": owner, "owner_label": _label(question.roles, owner, lang),
            })
        result["benefits"] = benefits
        result["kinds"] = [{"id": k.id, "label": localize(k.label, lang),
                            "benefits": [b for b in benefits if b["kind"] == k.id]} for k in question.kinds]
        result["options"] = [
            {"key": o.id, "label": goal_labels[o.id], "count": sum(1 for b in benefits if b["goal_key"] == o.id),
             "figure": sum(1 for b in benefits if b["goal_key"] == o.id)} for o in question.options]
        for group in result["groups"]:
            group["answer"] = [
                {"key": b["goal_key"], "tie": False,
                 "label": f"{b['goal']}: {b['text']} ({b['kind_label']}, {b['owner_label']})"}
                for b in benefits if b["group"] == group["name"]]
        return result

    def comparison_rows(self, question, result):
        named = len(result["benefits"])
        return [{"key": kind["id"], "label": kind["label"],
                 "value": len(kind["benefits"]) / named if named else None, "place": None, "tie": False}
                for kind in result["kinds"]]

    def board(self, question, result, board, pinned):
        """A column per kind of benefit, each benefit with its goal, owner and table; pinned
        benefits first."""
        board["kinds"] = [
            dict(kind, benefits=sorted((dict(b, pinned=b["ref"] in pinned) for b in kind["benefits"]),
                                       key=lambda b: not b["pinned"]))
            for kind in result["kinds"]]
        board["rows"] = [o for o in result["options"] if o["count"]]
        return board

    def phone_view(self, question, fields, lang):
        return {
            "goals": [{"id": o.id, "label": localize(o.label, lang)} for o in question.options],
            "kinds": [{"id": k.id, "label": localize(k.label, lang)} for k in question.kinds],
            "roles": [{"id": r.id, "label": localize(r.label, lang)} for r in question.roles],
            "entries": [{"index": n, **{axis: "".join(fields.get(f"{axis}_{n}", [])[:1]) for axis in AXES}}
                        for n in range(1, question.max_entries + 1)],
        }

    def answer_text(self, question, item, lang):
        kind, owner = kind_and_owner(item.place)
        goal = super().answer_text(question, AnswerItem(item.option, None, None), lang)
        return (f"{goal}: {item.text} ({_label(question.kinds, kind, lang)}, "
                f"{_label(question.roles, owner, lang)})")

    def export_text(self, question, row, lang):
        return row.get("text") or ""

    def export_place(self, question, row, lang):
        # The kind of benefit and its owner, as the map names them.
        kind, owner = kind_and_owner(row.get("place"))
        return f"{_label(question.kinds, kind, lang)} / {_label(question.roles, owner, lang)}"

    def parse(self, check, raw, common):
        """Goals fixed in the file, or the top answers of an earlier question, taken when the
        question is opened; the kinds of benefit and the owners' roles are the file's."""
        options, items_from, top = parse_items(check, raw)
        kinds = parse_options(check, raw.get("kinds"), "kinds")
        roles = parse_options(check, raw.get("roles"), "roles")
        max_entries = check.integer(raw, "max_entries", 3, 1, 10)
        return BenefitsQuestion(
            **common, options=options, items_from=items_from, top=top, kinds=kinds, roles=roles,
            max_entries=max_entries, min_choices=1, max_choices=max_entries)

    def to_dict(self, question, data):
        data["max_entries"] = question.max_entries
        data["kinds"] = [option_to_dict(o) for o in question.kinds]
        data["roles"] = [option_to_dict(o) for o in question.roles]
        return items_to_dict(question, data)
