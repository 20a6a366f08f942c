"""Choose options (with at most one written in); an exclusive option stands alone.

Fields: "option" (repeated), "write_in"."""

from __future__ import annotations

from ..aggregate import group_slice, keyed_options, majority, option_result
from ..answers import AnswerError, AnswerItem, typed_text
from ..board import option_rows
from ..questions import (
    MAX_OPTIONS,
    N_,
    WRITE_IN_PREFIX,
    Question,
    localize,
    option_to_dict,
    parse_options,
)
from ..text import clean_name
from .base import QuestionType


class Choice(QuestionType):
    name = "choice"
    comparison_measure = N_("share of the participants who chose it")
    file_keys = frozenset({"options", "min", "max", "write_in"})
    gives_items = True  # its most chosen options can be a fruit board's items

    def check_answer(self, question, fields):
        chosen = [v for v in fields.get("option", []) if v != ""]
        if len(set(chosen)) != len(chosen):
            raise AnswerError("duplicate")
        for option_id in chosen:
            if question.option(option_id) is None:
                raise AnswerError("unknown_option")
        items = [AnswerItem(option_id, None, None) for option_id in chosen]
        write_in = typed_text("".join(fields.get("write_in", [])[:1]), question, clean_name)
        if write_in:
            if not question.write_in:
                raise AnswerError("no_write_in")
            items.append(AnswerItem(None, write_in, None))
        exclusive = [o for o in chosen if question.option(o).exclusive]
        if exclusive and len(items) > 1:
            # The refusal names the option that stands alone, in the person's language.
            raise AnswerError("exclusive", option=exclusive[0], label=question.option(exclusive[0]).label)
        if len(items) > question.max_choices:
            raise AnswerError("too_many", max=question.max_choices)
        if len(items) < max(question.min_choices, 1):
            raise AnswerError("too_few", min=max(question.min_choices, 1))
        return items

    def form_fields(self, question, items):
        return {
            "option": [i.option for i in items if i.option],
            "write_in": [i.text for i in items if i.text][:1],
        }

    def simulated_fields(self, question, rng, texts):
        exclusive = [o.id for o in question.options if o.exclusive]
        if exclusive and rng.random() < 0.15:
            return {"option": [rng.choice(exclusive)]}
        pool = [o.id for o in question.options if not o.exclusive]
        low = max(question.min_choices, 1)
        high = max(low, min(question.max_choices, len(pool), 5))
        chosen = rng.sample(pool, rng.randint(low, high))
        fields = {"option": chosen}
        if question.write_in and rng.random() < 0.15 and len(chosen) < question.max_choices:
            fields["write_in"] = [rng.choice(texts)[: question.max_length]]
        return fields

    def aggregate(self, question, df, result, lang, ideas):
        """How many chose each option (written-in ones after, most chosen first); a group's
        answer is what more than half of its members chose."""
        labels = keyed_options(question, df, lang)
        keys = [o.id for o in question.options]
        counts = df.groupby("key")["participant"].nunique()
        write_ins = sorted((k for k in counts.index if k.startswith(WRITE_IN_PREFIX)),
                           key=lambda k: (-counts.get(k, 0), labels[k]))
        result["options"] = [option_result(key, labels[key], int(counts.get(key, 0)),
                                           result["respondents"]) for key in keys + write_ins]
        by_group = df.groupby(["group", "key"])["participant"].nunique()
        for group in result["groups"]:
            group["counts"] = {k: int(v) for k, v in group_slice(by_group, group["name"]).items()}
            group["answer"] = majority(group["counts"], group["respondents"], labels, keys)
        return result

    def board(self, question, result, board, pinned):
        board["rows"] = option_rows(result, pinned)
        return board

    def phone_view(self, question, fields, lang):
        checked = set(fields.get("option", []))
        write_in_value = "".join(fields.get("write_in", [])[:1])
        return {
            # The rules the phone helps with before Send (static/js/question_types/choice.js):
            # at most `max` answers, a written-in one counted among them; an exclusive option
            # stands alone. check_answer still decides.
            "min": question.min_choices, "max": question.max_choices, "write_in": question.write_in,
            "counted": len([o for o in question.options if o.id in checked])
            + (1 if question.write_in and write_in_value.strip() else 0),
            "options": [{"id": o.id, "label": localize(o.label, lang), "exclusive": o.exclusive,
                         "checked": o.id in checked} for o in question.options],
            "write_in_value": write_in_value,
        }

    def parse(self, check, raw, common):
        options = parse_options(check, raw.get("options"))
        write_in = check.boolean(raw, "write_in", False)
        low = check.integer(raw, "min", 1, 0, MAX_OPTIONS)
        high = check.integer(raw, "max", 1, 1, MAX_OPTIONS + 1)
        if low > high:
            check.problem("min", N_("is larger than max"))
        if options and high > len(options) + (1 if write_in else 0):
            check.problem("max", N_("is larger than the number of options"))
        return Question(**common, options=options, min_choices=low, max_choices=high,
                        write_in=write_in)

    def to_dict(self, question, data):
        data["options"] = [option_to_dict(o) for o in question.options]
        data["write_in"] = question.write_in
        data["min"], data["max"] = question.min_choices, question.max_choices
        return data



