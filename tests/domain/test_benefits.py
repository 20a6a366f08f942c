"""The benefits map: a workshop file's benefits question checked, a benefit refused without
its goal, text, kind or owner, the benefits grouped by kind and exported."""

from dataclasses import replace

import pytest

from workshop.domain.answers import AnswerError
from workshop.domain.exports import answers_table
from workshop.domain.question_types import TYPES, aggregate, build_board, fields_from_items, validate_answer
from workshop.domain.questions import Option, TemplateError
from workshop.domain.templates import parse_template, template_to_dict

from .test_risk import GOALS, text, workshop

KINDS = [{"id": "kroner", "label": text("Effektivisering i kroner", "Efficiency in kroner")},
         {"id": "quality", "label": text("Kvalitet", "Quality")},
         {"id": "others", "label": text("Gevinst for andre", "Gains for other parties")}]
ROLES = [{"id": "owner", "label": text("Budsjett-/avtaleeier", "Budget/contract owner")},
         {"id": "contract_manager", "label": text("Kontraktsforvalter", "Contract manager")}]
BENEFITS = {"id": "benefits", "type": "benefits", "items_from": "goals", "max_entries": 2,
            "text": text("Gevinster?", "Benefits?"), "kinds": KINDS, "roles": ROLES}
TEMPLATE = parse_template(workshop(GOALS, BENEFITS))
QUESTION = replace(TEMPLATE.question("benefits"), options=tuple(
    Option(o.id, o.label) for o in TEMPLATE.question("goals").options))


def test_a_benefits_question_keeps_its_kinds_and_roles_in_the_runs_stored_snapshot():
    assert parse_template(template_to_dict(TEMPLATE)) == TEMPLATE
    question = TEMPLATE.question("benefits")
    assert [k.id for k in question.kinds] == ["kroner", "quality", "others"]
    assert [r.id for r in question.roles] == ["owner", "contract_manager"] and question.max_entries == 2


@pytest.mark.parametrize("broken,field,words", [
    ({"kinds": None}, "kinds", "must be a non-empty list"),
    ({"roles": []}, "roles", "must be a non-empty list"),
    ({"roles": [{"id": "owner"}]}, "roles[1].label", "is missing"),
    ({"kinds": [KINDS[0], KINDS[0]]}, "kinds[2].id", "'kroner' is used twice"),
    ({"max_entries": 11}, "max_entries", "must be between 1 and 10"),
    ({"items_from": "nowhere"}, "items_from", "'nowhere' is not an earlier question"),
])
def test_a_broken_benefits_question_is_refused_naming_its_field(broken, field, words):
    with pytest.raises(TemplateError) as info:
        parse_template(workshop(GOALS, dict(BENEFITS, **broken)))
    found = [(p.question, p.field, p.render()) for p in info.value.problems]
    assert any(q == "benefits" and f == field and words in m for q, f, m in found), found


def test_a_benefit_is_stored_with_its_goal_kind_and_owner_and_refills_the_form():
    fields = {"goal_1": ["env"], "benefit_1": ["Færre transporter"], "kind_1": ["kroner"], "owner_1": ["owner"],
              "goal_2": [""], "benefit_2": [""], "kind_2": [""], "owner_2": [""]}
    items = validate_answer(QUESTION, fields)
    assert [(i.option, i.text, i.place) for i in items] == [("env", "Færre transporter", "kroner/owner")]
    assert validate_answer(QUESTION, fields_from_items(QUESTION, items)) == items
    assert TYPES["benefits"].answer_text(QUESTION, items[0], "nb") == \
        "Miljø: Færre transporter (Effektivisering i kroner, Budsjett-/avtaleeier)"


FULL = {"goal_1": ["env"], "benefit_1": ["Færre transporter"], "kind_1": ["kroner"], "owner_1": ["owner"]}


@pytest.mark.parametrize("change,code", [
    ({"owner_1": [""]}, "owner_missing"),
    ({"kind_1": [""]}, "kind_missing"),
    ({"benefit_1": ["   "]}, "benefit_missing"),
    ({"goal_1": [""]}, "benefit_goal_missing"),
    ({"owner_1": ["mayor"]}, "unknown_choice"),
    ({"goal_1": ["market"]}, "unknown_choice"),
    ({"kind_1": ["happiness"]}, "unknown_choice"),
    ({"goal_3": ["env"]}, "unknown_option"),
    ({"benefit_1": ["x" * 301]}, "too_long"),
    ({"benefit_1": ["a\x00b"]}, "not_text"),
])
def test_a_benefit_missing_its_owner_kind_text_or_goal_is_refused(change, code):
    with pytest.raises(AnswerError) as info:
        validate_answer(QUESTION, dict(FULL, **change))
    assert info.value.code == code
    assert code in TYPES["benefits"].refusals or code in ("unknown_option", "too_long", "not_text")
    if code in TYPES["benefits"].refusals:
        assert info.value.params == {"number": 1}


def test_nothing_filled_in_is_an_empty_answer():
    with pytest.raises(AnswerError, match="empty"):
        validate_answer(QUESTION, {"goal_1": [""], "benefit_1": [""]})


def rows(benefits):
    return [{"participant": p, "group": g, "option": goal, "text": t, "rank": None, "place": place,
             "points": None, "submitted_at": None} for p, g, goal, t, place in benefits]


ROWS = rows([("p1", "Bord 1", "env", "Færre transporter", "kroner/owner"),
             ("p2", "Bord 2", "trust", "Færre klager", "quality/contract_manager"),
             ("p2", "Bord 2", "env", "Renere luft ved skolene", "others/owner"),
             ("p3", "Bord 3", "env", "Lavere fraktkostnad", "kroner/contract_manager")])


def test_the_benefits_are_grouped_by_kind_with_goal_and_owner():
    result = aggregate(QUESTION, ROWS, "nb", groups=["Bord 1", "Bord 2", "Bord 3"])
    by_kind = {k["id"]: [(b["text"], b["goal"], b["owner_label"], b["group"]) for b in k["benefits"]]
               for k in result["kinds"]}
    assert by_kind == {
        "kroner": [("Færre transporter", "Miljø", "Budsjett-/avtaleeier", "Bord 1"),
                   ("Lavere fraktkostnad", "Miljø", "Kontraktsforvalter", "Bord 3")],
        "quality": [("Færre klager", "Tillit", "Kontraktsforvalter", "Bord 2")],
        "others": [("Renere luft ved skolene", "Miljø", "Budsjett-/avtaleeier", "Bord 2")]}
    assert [(o["key"], o["count"]) for o in result["options"]] == [("trust", 1), ("env", 3), ("digital", 0)]
    assert result["respondents"] == 3
    assert [a["label"] for a in result["groups"][1]["answer"]] == [
        "Tillit: Færre klager (Kvalitet, Kontraktsforvalter)",
        "Miljø: Renere luft ved skolene (Gevinst for andre, Budsjett-/avtaleeier)"]
    board = build_board(QUESTION, result)
    assert [(k["label"], len(k["benefits"])) for k in board["kinds"]] == [
        ("Effektivisering i kroner", 2), ("Kvalitet", 1), ("Gevinst for andre", 1)]


def test_a_hidden_benefit_leaves_the_map():
    result = aggregate(QUESTION, ROWS, "nb")
    ref = next(b["ref"] for b in result["benefits"] if b["text"] == "Færre klager")
    hidden = aggregate(QUESTION, ROWS, "nb", hidden={ref})
    assert "Færre klager" not in [b["text"] for b in hidden["benefits"]]


def test_the_export_has_the_benefit_its_goal_and_its_kind_and_owner():
    table = answers_table("K7M4QX", [QUESTION], [dict(r, display_name="", question="benefits") for r in ROWS], set(), "en")
    assert list(zip(table["option_id"], table["answer_text"], table["place"], strict=True))[:2] == [
        ("env", "Færre transporter", "Efficiency in kroner / Budget/contract owner"),
        ("trust", "Færre klager", "Quality / Contract manager")]
