"""The registry of question types: every type implements every hook, and each hook agrees
with the others on every question of every bundled workshop."""

import math
import os
import random
from dataclasses import replace

import pytest

from workshop.domain.question_types import (
    TYPES,
    QuestionType,
    aggregate,
    fields_from_items,
    plausible_fields,
    validate_answer,
)
from workshop.domain.question_types import points as points_module
from workshop.domain.questions import Option
from workshop.domain.simulate import sample_texts, simulated_votes
from workshop.templates_io import list_template_files

from ..conftest import QUESTIONS, ROOT

HOOKS = sorted(QuestionType.__abstractmethods__)
BUNDLED = [f.template for f in list_template_files(QUESTIONS)]


@pytest.mark.parametrize("name", sorted(TYPES))
def test_each_type_has_its_partial_for_every_screen_and_its_renderer(name):
    for partial in ("phone.html", "phone_results.html", "board.html"):
        assert os.path.isfile(os.path.join(ROOT, "templates", "question_types", name, partial)), partial
    script = os.path.join(ROOT, "static", "js", "question_types", f"{name}.js")
    with open(script, encoding="utf-8") as handle:
        source = handle.read()
    # Its renderer draws both screens, itself or as a figure per option (registry.js).
    assert f'register("{name}"' in source
    assert "barsRenderer(" in source or ("phone:" in source and "projector:" in source)


@pytest.mark.parametrize("name", sorted(TYPES))
def test_each_type_implements_every_hook_itself(name):
    question_type = TYPES[name]
    assert question_type.name == name
    missing = [hook for hook in HOOKS
               if getattr(type(question_type), hook) is getattr(QuestionType, hook)]
    assert missing == []


def test_a_type_lacking_a_hook_cannot_be_registered():
    class Incomplete(QuestionType):
        name = "incomplete"

        def check_answer(self, question, fields):
            return []

    with pytest.raises(TypeError, match="form_fields"):
        Incomplete()


def askable(question, template):
    """A question as a run asks it: a fruit board gets its items from its source when opened."""
    if question.items_from is None:
        return question
    source = template.question(question.items_from)
    items = tuple(Option(id=o.id, label=o.label) for o in source.options[:8])
    return replace(question, options=items)


@pytest.mark.parametrize("template", BUNDLED, ids=[t.id for t in BUNDLED])
def test_simulated_answers_are_accepted_and_refill_the_form_they_came_from(template):
    texts = sample_texts(template, "nb")
    rng = random.Random(7)
    for question in template.questions:
        question = askable(question, template)
        for _ in range(200):
            fields = plausible_fields(question, rng, texts)
            items = validate_answer(question, fields)  # a rehearsal's vote is never refused
            assert items
            assert validate_answer(question, fields_from_items(question, items)) == items


def test_simulated_points_stay_within_the_budget_and_mostly_spend_it():
    question = next(q for t in BUNDLED for q in t.questions if q.type == "points")
    rng = random.Random(3)
    answers = [points_module.Points().simulated_fields(question, rng, []) for _ in range(300)]
    totals = [sum(int(v[0]) for v in fields.values()) for fields in answers]
    assert max(totals) <= question.budget and min(totals) >= 1
    assert sum(t == question.budget for t in totals) > 200


def numbers_in(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from numbers_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from numbers_in(item)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value


@pytest.mark.parametrize("template", BUNDLED, ids=[t.id for t in BUNDLED])
def test_every_type_aggregates_a_rehearsal_into_finite_figures_and_group_answers(template):
    texts = sample_texts(template, "nb")
    for question in template.questions:
        question = askable(question, template)
        answers = {}  # a participant's last vote is their answer, as in the database
        for vote in simulated_votes([question], 24, 5, texts, groups=4):
            answers[vote.participant] = [
                dict(item.to_dict(), participant=f"p{vote.participant}", submitted_at=None,
                     group=f"Bord {vote.participant % 4 + 1}", place=item.place, points=item.points)
                for item in validate_answer(question, vote.fields)]
        answers = [row for rows in answers.values() for row in rows]
        result = aggregate(question, answers, "nb")
        assert result["respondents"] == 24, question.id
        assert [g["respondents"] for g in result["groups"]] == [6, 6, 6, 6]
        assert all("answer" in g for g in result["groups"]), question.id
        assert all(math.isfinite(x) for x in numbers_in(result)), question.id
