"""The fruit board: each item (a goal the room chose) placed in one of four boxes, with an
optional line on how or what to report.

Fields: "place_1" .. "place_N" (a box id, or empty to skip the item), "report_1" .. "report_N"."""

from __future__ import annotations

from ..aggregate import entry_ref
from ..answers import AnswerError, AnswerItem, field_number, typed_text
from ..board import divided
from ..questions import N_, Question, localize, option_to_dict, parse_options
from ..text import clean_text
from .base import QuestionType, items_to_dict, parse_items


class Fruit(QuestionType):
    name = "fruit"
    comparison_measure = N_("the box most placed it in, and the share who placed it there")
    file_keys = frozenset({"options", "quadrants", "items_from", "top", "report_prompt"})

    def check_answer(self, question, fields):
        if not question.options:
            raise AnswerError("closed")  # its items are only fixed when the question opens
        boxes = {q.id for q in question.quadrants}
        items = []
        for index, option in enumerate(question.options, start=1):
            place = "".join(fields.get(f"place_{index}", [])[:1])
            report = typed_text("".join(fields.get(f"report_{index}", [])[:1]), question)
            if place == "":
                if report:
                    raise AnswerError("place_missing")
                continue
            if place not in boxes:
                raise AnswerError("unknown_option")
            items.append(AnswerItem(option.id, report or None, None, place))
        extra = [k for k in fields if k.startswith(("place_", "report_"))
                 and field_number(k.split("_", 1)[1]) is None]
        if extra or any(k.startswith("place_") and (field_number(k[6:]) or 0) > len(question.options)
                        and any(fields[k]) for k in fields):
            raise AnswerError("unknown_option")
        if not items:
            raise AnswerError("empty")
        return items

    def form_fields(self, question, items):
        index = {o.id: n for n, o in enumerate(question.options, start=1)}
        fields = {}
        for item in items:
            if item.option in index:
                fields[f"place_{index[item.option]}"] = [item.place or ""]
                fields[f"report_{index[item.option]}"] = [item.text or ""]
        return fields

    def simulated_fields(self, question, rng, texts):
        boxes = [q.id for q in question.quadrants]
        fields: dict[str, list[str]] = {}
        for n, _option in enumerate(question.options, start=1):
            if rng.random() < 0.9:
                fields[f"place_{n}"] = [rng.choice(boxes)]
                if rng.random() < 0.3:
                    fields[f"report_{n}"] = [rng.choice(texts)[: question.max_length]]
        return fields or {"place_1": [boxes[0]]}

    def aggregate(self, question, df, result, lang, ideas):
        """Where the room placed each item: the box most chose, and how split the votes were."""
        boxes = [q.id for q in question.quadrants]
        result["quadrants"] = [
            {"id": q.id, "label": localize(q.label, lang), "prompt": localize(q.prompt, lang)}
            for q in question.quadrants
        ]
        box_labels = {q.id: localize(q.label, lang) for q in question.quadrants}
        # As a dict: a lookup in a pandas Series costs ~0.1 ms, and a hall's 20 items x 50
        # tables x 4 boxes made every results push of the board take half a second.
        placed = df.groupby(["option", "place"])["participant"].nunique().to_dict()
        for option in question.options:
            places = {b: int(placed.get((option.id, b), 0)) for b in boxes}
            total = sum(places.values())
            top = max(places.values()) if total else 0
            leaders = [b for b in boxes if total and places[b] == top]
            reports = df[(df["option"] == option.id) & df["text"].notna()]
            result["options"].append({
                "key": option.id,
                "label": localize(option.label, lang),
                "count": total, "figure": total,
                "places": places,
                "place": leaders[0] if len(leaders) == 1 else None,
                "place_label": box_labels[leaders[0]] if len(leaders) == 1 else None,
                "tie": len(leaders) > 1,
                # Share of placements in the leading box: 1.0 is a united room, lower is split.
                "agreement": round(top / total, 4) if total else 0.0,
                # As every screen shows it, rounded once here: 5 of 8 is 63 % on the page
                # and after a push alike (Jinja's round halves to even, JavaScript's up).
                "agreement_percent": int(100 * top / total + 0.5) if total else 0,
                "divided": bool(total) and divided(top / total),
                "reports": [
                    {"text": r.text, "group": r.group, "ref": entry_ref(r.participant, r.text)}
                    for r in reports.itertuples()
                ],
            })
        by_group = df.groupby(["group", "option", "place"])["participant"].nunique().to_dict()
        labels = {o.id: localize(o.label, lang) for o in question.options}
        for group in result["groups"]:
            answer = []
            for option in question.options:
                places = {b: int(by_group.get((group["name"], option.id, b), 0)) for b in boxes}
                top = max(places.values())
                if not top:
                    continue
                leaders = [b for b in boxes if places[b] == top]
                label = f"{labels[option.id]}: " + " / ".join(box_labels[b] for b in leaders)
                answer.append({"key": option.id, "label": label, "tie": len(leaders) > 1})
            group["answer"] = answer
        return result

    def board(self, question, result, board, pinned):
        """The 2x2 fruit board: each item in the box most placed it in; items the votes left
        level between boxes listed apart."""
        rows = [dict(option, pinned=option["key"] in pinned) for option in result["options"]]
        rows.sort(key=lambda r: (not r["pinned"], -r["count"]))
        board["rows"] = rows
        board["quadrants"] = result["quadrants"]
        board["boxes"] = [dict(box, items=[r for r in rows if r["place"] == box["id"]])
                          for box in result["quadrants"]]
        board["split_items"] = [r for r in rows if r["tie"]]
        return board

    def comparison_rows(self, question, result):
        return [{"key": o["key"], "label": o["label"], "value": o["agreement"] if o["count"] else None,
                 "place": o["place_label"], "tie": o["tie"]} for o in result["options"]]

    def phone_view(self, question, fields, lang):
        return {
            "quadrants": [{"id": q.id, "label": localize(q.label, lang),
                           "prompt": localize(q.prompt, lang)} for q in question.quadrants],
            "report_prompt": localize(question.report_prompt, lang),
            "to_place": [{"index": n, "label": localize(o.label, lang),
                       "place": "".join(fields.get(f"place_{n}", [])[:1]),
                       "report": "".join(fields.get(f"report_{n}", [])[:1])}
                      for n, o in enumerate(question.options, start=1)],
        }

    def answer_text(self, question, item, lang):
        box = next((q for q in question.quadrants if q.id == item.place), None)
        where = localize(box.label, lang) if box else item.place
        text = f"{super().answer_text(question, item, lang)}: {where}"
        return f"{text} ({item.text})" if item.text else text

    def export_text(self, question, row, lang):
        # The option is the goal; its fruit is the place column, its text the report column.
        return super().export_text(question, dict(row, text=None), lang)

    def export_place(self, question, row, lang):
        box = next((q for q in question.quadrants if q.id == row.get("place")), None)
        return localize(box.label, lang) if box else super().export_place(question, row, lang)

    def export_report(self, question, row, lang):
        return row.get("text") or ""

    def parse(self, check, raw, common):
        """Items fixed in the file, or the top answers of an earlier question, taken when the
        question is opened."""
        quadrants = parse_options(check, raw.get("quadrants"), "quadrants", allow_prompt=True)
        if quadrants and not 2 <= len(quadrants) <= 6:
            check.problem("quadrants", N_("must have between 2 and 6 boxes"))
        options, items_from, top = parse_items(check, raw)
        report_prompt = check.text(raw, "report_prompt", required=False, clean=clean_text)
        return Question(
            **common, options=options, quadrants=quadrants, items_from=items_from, top=top,
            report_prompt=report_prompt, min_choices=1, max_choices=max(len(options), top),
        )

    def to_dict(self, question, data):
        data["quadrants"] = [option_to_dict(o) for o in question.quadrants]
        if question.report_prompt:
            data["report_prompt"] = question.report_prompt
        return items_to_dict(question, data)



