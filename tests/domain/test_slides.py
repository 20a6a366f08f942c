"""Content slides and steps in a workshop file: read, checked, kept with a run."""

import pytest

from workshop.domain.questions import TemplateError
from workshop.domain.slides import Step
from workshop.domain.templates import parse_template, template_to_dict
from workshop.templates_io import load_template_file, load_template_text

from ..conftest import QUESTIONS

QUESTION = {"id": "q1", "type": "choice", "text": {"nb": "Hva?", "en": "What?"},
            "options": [{"id": "a", "label": {"nb": "A", "en": "A"}}, {"id": "b", "label": {"nb": "B", "en": "B"}}]}


def workshop(**extra):
    return {"id": "w", "title": {"nb": "V", "en": "W"}, "questions": [QUESTION], **extra}


def problems(data):
    with pytest.raises(TemplateError) as raised:
        parse_template(data)
    return {(p.field, p.message) for p in raised.value.problems}


def test_the_bundled_workshop_runs_the_deck_in_its_order():
    template = load_template_file(f"{QUESTIONS}/kontraktsoppfolging.yaml").template
    assert [s.key for s in template.steps] == [
        "lobby", "why", "fruit_picture", "focus", "expectations", "leader_categories", "contract_tools",
        "dfo_templates", "start_realistic", "trust", "exercise", "board", "fruits", "plan"]
    why = template.slide("why")
    assert why.title["nb"] == "Hvorfor kontraktsoppfølging" and len(why.bullets) == 9
    assert why.bullets[8]["nb"] == "Tillit (både hos brukere, allmennheten, markedet osv)"
    assert template.slide("start_realistic").title["nb"] == "START REALISTISK – SKAP GODE EKSEMPLER"
    assert template.slide("fruit_picture").image == "fruit-tree.svg"
    assert all(s.title["en"] for s in template.slides) and template.slide("why").notes["nb"]


def test_slides_and_steps_are_kept_with_a_run():
    template = load_template_file(f"{QUESTIONS}/kontraktsoppfolging.yaml").template
    assert parse_template(template_to_dict(template)) == template


def test_a_file_without_steps_gets_lobby_slides_questions_board_and_plan():
    slide = {"id": "intro", "title": {"nb": "Velkommen", "en": "Welcome"}}
    template = parse_template(workshop(slides=[slide]))
    assert template.steps == (Step("lobby"), Step("slide", "intro"), Step("question", "q1"),
                              Step("board"), Step("plan"))


def test_every_broken_slide_and_step_is_named():
    found = problems(workshop(
        slides=[{"id": "x", "title": "only one language", "colour": "red"},
                {"id": "x", "title": {"nb": "B", "en": "B"}, "image": "../../etc/passwd"},
                {"id": "board", "title": {"nb": "C", "en": "C"}, "bullets": "not a list"}],
        steps=["lobby", "nowhere", "q1"]))
    fields = {f for f, _ in found}
    assert {"slides[1].title", "slides[1].colour", "slides[2].id", "slides[2].image", "slides[3].id",
            "slides[3].bullets", "steps[2]"} <= fields


def test_an_image_must_be_in_the_repository():
    text = ("id: w\ntitle: {nb: V, en: W}\nquestions:\n  - {id: q1, type: text, text: {nb: Hva, en: What}}\n"
            "slides:\n  - {id: s, title: {nb: S, en: S}, image: missing.svg}\n")
    with pytest.raises(TemplateError) as raised:
        load_template_text(text, "w.yaml")
    [problem] = raised.value.problems
    assert problem.field == "slides[1].image" and problem.line == 6


def test_an_unknown_top_level_field_is_named():
    assert ("slide", "unknown field") in problems(workshop(slide=[]))


def test_the_bundled_workshop_puts_the_slides_a_table_reads_on_the_phones():
    template = load_template_file(f"{QUESTIONS}/kontraktsoppfolging.yaml").template
    assert [s.id for s in template.slides if s.on_phones] == ["fruit_picture", "start_realistic", "trust"]


def test_on_phones_that_is_not_true_or_false_is_named_at_its_slide():
    text = ("id: w\ntitle: {nb: V, en: W}\nquestions:\n  - {id: q1, type: text, text: {nb: Hva, en: What}}\n"
            "slides:\n  - {id: s, title: {nb: S, en: S}}\n  - {id: t, title: {nb: T, en: T}, on_phones: ja}\n")
    with pytest.raises(TemplateError) as raised:
        load_template_text(text, "w.yaml")
    [problem] = raised.value.problems
    assert (problem.field, problem.line, problem.message) == ("slides[2].on_phones", 7, "must be true or false")
