"""Template files: the bundled workshop is exact, and a broken file is named precisely."""

import pytest

from workshop.domain.questions import TemplateError
from workshop.domain.templates import parse_template, template_to_dict
from workshop.templates_io import list_template_files, load_template_file, load_template_text

from ..conftest import QUESTIONS


def problems(text):
    with pytest.raises(TemplateError) as info:
        load_template_text(text, "broken.yaml")
    return [str(p) for p in info.value.problems]


MINIMAL = """
id: mini
title: {nb: Mini, en: Mini}
questions:
  - id: q1
    type: choice
    text: {nb: Hva, en: What}
    options:
      - {id: a, label: {nb: A, en: A}}
"""


def test_bundled_workshop_has_the_four_questions_of_the_exercise():
    template = load_template_file(f"{QUESTIONS}/kontraktsoppfolging.yaml").template
    # The four questions of the 10-minute exercise, then the fruit board drawn from question 2.
    assert [q.id for q in template.questions] == ["categories", "goals", "topics", "needs", "fruits"]
    categories, goals, topics, needs, fruits = template.questions
    assert fruits.type == "fruit" and fruits.items_from == "goals" and fruits.top == 8
    assert [q.label["nb"] for q in fruits.quadrants] == [
        "Høythengende frukter", "Lavthengende frukter", "Eksotiske frukter", "Nedfallsfrukt"]
    assert categories.text["nb"] == ("Vet du om din kommune/fylkeskommune har etablert strategiske mål "
                                     "innen spesifikke kategorier – og i så fall hvilke?")
    assert [o.label["nb"] for o in categories.options][:5] == ["transport", "bygg", "mat", "IKT", "møbler"]
    assert categories.option("F").exclusive
    assert categories.option("F").label["nb"] == "min kommune/fylkeskommune har ikke etablert mål for spesifikke kategorier"
    assert goals.max_choices == 8 and goals.write_in and len(goals.options) == 16
    assert goals.text["nb"].endswith("(MAX 8)")
    assert topics.type == "ranked" and topics.ranks == 3 and topics.write_in
    assert needs.type == "text" and needs.max_entries > 1
    assert all(q.duration == 600 for q in template.questions)


def test_every_bundled_file_loads():
    assert all(f.ok for f in list_template_files(QUESTIONS)), [f.problems for f in list_template_files(QUESTIONS)]


def test_round_trip_through_plain_data():
    template = load_template_text(MINIMAL, "mini.yaml")
    assert parse_template(template_to_dict(template)) == template


def test_bad_yaml_names_the_file_and_line():
    found = problems("id: x\nquestions: [\n")
    assert found and found[0].startswith("broken.yaml") and "line" in found[0]


def test_unknown_question_type_names_the_question_and_field():
    found = problems(MINIMAL.replace("type: choice", "type: slider"))
    assert any("question 'q1'" in p and "'type'" in p and "slider" in p for p in found)


def test_missing_english_text_is_named():
    found = problems(MINIMAL.replace("text: {nb: Hva, en: What}", "text: {nb: Hva}"))
    assert any("question 'q1'" in p and "'text.en'" in p for p in found)


def test_max_below_min_and_too_many_options_are_refused():
    found = problems(MINIMAL.replace("type: choice", "type: choice\n    min: 3\n    max: 2"))
    assert any("'min'" in p for p in found)
    many = "\n".join(f"      - {{id: o{i}, label: {{nb: O, en: O}}}}" for i in range(10000))
    found = problems(MINIMAL.replace("      - {id: a, label: {nb: A, en: A}}", many))
    assert any("'options'" in p for p in found)


def test_yaml_aliases_are_refused():
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nid: mini\n'
    assert any("alias" in p for p in problems(bomb))


def test_all_problems_are_reported_at_once():
    found = problems(MINIMAL.replace("type: choice", "type: choice\n    max: 0\n    colour: red")
                     .replace("id: mini", "id: 'bad id'"))
    assert len(found) >= 3


def test_duplicate_ids_are_refused():
    text = MINIMAL + """  - id: q1
    type: text
    text: {nb: Hva, en: What}
"""
    assert any("used by another question" in p for p in problems(text))


def test_fruit_board_must_draw_from_an_earlier_choice_question():
    text = MINIMAL + """  - id: f
    type: fruit
    text: {nb: Frukt, en: Fruit}
    items_from: nope
    quadrants:
      - {id: a, label: {nb: A, en: A}}
      - {id: b, label: {nb: B, en: B}}
"""
    assert any("question 'f'" in p and "'items_from'" in p for p in problems(text))
    assert load_template_text(text.replace("items_from: nope", "items_from: q1"), "ok.yaml").questions[1].items_from == "q1"


def test_the_example_in_questions_readme_is_valid_and_has_every_type():
    import re

    from workshop.domain.templates import QUESTION_TYPES

    readme = open(f"{QUESTIONS}/README.md", encoding="utf-8").read()
    block = re.search(r"```yaml\n(.*?)```", readme, re.S).group(1)
    template = load_template_text(block, "README.md")
    assert {q.type for q in template.questions} == set(QUESTION_TYPES)
