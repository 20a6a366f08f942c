"""The risk matrix: a workshop file's risk question checked, ratings checked, the medians and
how split the tables were, the plan's proposals and the export's cell."""

from dataclasses import replace

import pytest

from workshop.domain.answers import AnswerError
from workshop.domain.plan import proposed_first
from workshop.domain.question_types import TYPES, aggregate, build_board, fields_from_items, validate_answer
from workshop.domain.questions import Option, TemplateError
from workshop.domain.templates import parse_template, template_to_dict


def text(nb, en=None):
    return {"nb": nb, "en": en or nb}


GOALS = {"id": "goals", "type": "choice", "text": text("Mål?", "Goals?"), "max": 3, "options": [
    {"id": "trust", "label": text("Tillit", "Trust")}, {"id": "env", "label": text("Miljø", "Environment")},
    {"id": "digital", "label": text("Digitalisering", "Digitalisation")}]}
RISK = {"id": "risk", "type": "risk", "items_from": "goals", "top": 3, "text": text("Risiko?", "Risk?")}


def workshop(*questions):
    return {"id": "w", "title": text("Verksted", "Workshop"), "questions": list(questions)}


TEMPLATE = parse_template(workshop(GOALS, RISK))
# As opened in a run: the items are the goals the room chose most.
QUESTION = replace(TEMPLATE.question("risk"), options=tuple(
    Option(o.id, o.label) for o in TEMPLATE.question("goals").options))


def problems(data):
    with pytest.raises(TemplateError) as info:
        parse_template(data)
    return [(p.question, p.field, p.render()) for p in info.value.problems]


def test_a_risk_question_survives_the_runs_stored_snapshot():
    assert parse_template(template_to_dict(TEMPLATE)) == TEMPLATE
    assert TEMPLATE.question("risk").items_from == "goals" and TEMPLATE.question("risk").top == 3


@pytest.mark.parametrize("risk,field,words", [
    (dict(RISK, items_from="later"), "items_from", "'later' is not an earlier question"),
    (dict(RISK, items_from="next"), "items_from", "must name a choice or ranked question"),
    (dict(RISK, options=GOALS["options"]), "options", "give either options or items_from, not both"),
    (dict(RISK, top=0), "top", "must be between 1 and 20"),
    ({k: v for k, v in RISK.items() if k != "items_from"}, "options", "must be a non-empty list"),
])
def test_a_broken_risk_question_is_refused_naming_its_field(risk, field, words):
    found = problems(workshop(GOALS, {"id": "next", "type": "text", "text": text("Neste?")}, risk))
    assert ("risk", field) in [(q, f) for q, f, _ in found]
    assert any(words in message for _, f, message in found if f == field), found


def test_ratings_are_stored_per_item_and_refill_the_form():
    items = validate_answer(QUESTION, {"likelihood_1": ["4"], "consequence_1": ["5"],
                                       "likelihood_2": [""], "consequence_2": [""],
                                       "likelihood_3": ["1"], "consequence_3": ["2"]})
    assert [(i.option, i.place) for i in items] == [("trust", "4-5"), ("digital", "1-2")]
    assert fields_from_items(QUESTION, items) == {"likelihood_1": ["4"], "consequence_1": ["5"],
                                                  "likelihood_3": ["1"], "consequence_3": ["2"]}
    assert validate_answer(QUESTION, fields_from_items(QUESTION, items)) == items


@pytest.mark.parametrize("fields,code", [
    ({"likelihood_1": ["6"], "consequence_1": ["3"]}, "rating_range"),
    ({"likelihood_1": ["0"], "consequence_1": ["3"]}, "rating_range"),
    ({"likelihood_1": ["3"], "consequence_1": ["-1"]}, "rating_range"),
    ({"likelihood_1": ["2.5"], "consequence_1": ["3"]}, "rating_range"),
    ({"likelihood_1": ["²"], "consequence_1": ["3"]}, "rating_range"),
    ({"likelihood_1": ["3"]}, "rating_missing"),
    ({"likelihood_4": ["3"], "consequence_4": ["3"]}, "unknown_item"),
    ({"likelihood_x": ["3"], "consequence_1": ["3"], "likelihood_1": ["3"]}, "unknown_item"),
    ({"likelihood_1": [""], "consequence_1": [""]}, "empty"),
])
def test_out_of_range_missing_and_unknown_ratings_are_refused(fields, code):
    with pytest.raises(AnswerError) as info:
        validate_answer(QUESTION, fields)
    assert info.value.code == code
    assert code in TYPES["risk"].refusals or code == "empty"


def test_a_risk_question_whose_items_are_not_fixed_yet_refuses_every_answer():
    with pytest.raises(AnswerError, match="closed"):
        validate_answer(TEMPLATE.question("risk"), {"likelihood_1": ["3"], "consequence_1": ["3"]})


def rows(ratings):
    """(participant, group, option, likelihood, consequence) -> answer rows."""
    return [{"participant": p, "group": g, "option": o, "text": None, "rank": None,
             "place": f"{lk}-{c}", "points": None, "submitted_at": None} for p, g, o, lk, c in ratings]


RATINGS = rows([
    # trust: tables rate it (2,4), (3,5), (5,1) -> medians 3 and 4; no table in cell 3x4.
    ("p1", "Bord 1", "trust", 2, 4), ("p2", "Bord 2", "trust", 3, 5), ("p3", "Bord 3", "trust", 5, 1),
    # env: Bord 1 has two members, (4,4) and (5,5): the table's rating is (4.5, 4.5);
    # Bord 2 (5,5): the medians are 4.75 and 4.75, cell 5x5, both tables in it.
    ("p1", "Bord 1", "env", 4, 4), ("p4", "Bord 1", "env", 5, 5), ("p2", "Bord 2", "env", 5, 5),
])


def test_each_item_sits_at_the_median_of_the_tables_ratings_with_how_split_they_were():
    result = aggregate(QUESTION, RATINGS, "nb", groups=["Bord 1", "Bord 2", "Bord 3"])
    trust, env, digital = result["options"]
    assert (trust["likelihood"], trust["consequence"], trust["cell"], trust["score"]) == (3, 4, [3, 4], 12)
    assert trust["tables"] == 3 and trust["count"] == 3
    assert trust["agreement_percent"] == 0 and trust["divided"]
    # quartiles of 2, 3, 5 are 2.5 and 4; of 1, 4, 5 are 2.5 and 4.5
    assert (trust["iqr_likelihood"], trust["iqr_consequence"]) == (1.5, 2.0)
    assert (env["likelihood"], env["consequence"], env["cell"], env["score"]) == (4.75, 4.75, [5, 5], 25)
    assert env["tables"] == 2 and env["count"] == 3 and env["agreement_percent"] == 100 and not env["divided"]
    assert digital["tables"] == 0 and "cell" not in digital
    assert result["ranked"] == ["env", "trust"]
    by_group = {g["name"]: [a["label"] for a in g["answer"]] for g in result["groups"]}
    assert by_group == {"Bord 1": ["Tillit: 2 × 4", "Miljø: 5 × 5"], "Bord 2": ["Tillit: 3 × 5", "Miljø: 5 × 5"],
                        "Bord 3": ["Tillit: 5 × 1"]}


def test_the_board_puts_each_item_in_its_median_cell_highest_risk_first():
    result = aggregate(QUESTION, RATINGS, "nb", groups=["Bord 1", "Bord 2", "Bord 3"])
    board = build_board(QUESTION, result)
    assert [r["key"] for r in board["rows"]] == ["env", "trust"]
    assert board["rows"][1]["cells"] == ["2 × 4", "3 × 5", "5 × 1"]
    cells = {(row["likelihood"], c["consequence"]): [i["key"] for i in c["items"]]
             for row in board["heat"] for c in row["cells"]}
    assert cells[(5, 5)] == ["env"] and cells[(3, 4)] == ["trust"]
    assert sum(len(v) for v in cells.values()) == 2
    assert [row["likelihood"] for row in board["heat"]] == [5, 4, 3, 2, 1]
    assert board["heat"][0]["cells"][4]["level"] == "critical" and board["heat"][4]["cells"][0]["level"] == "low"


def test_the_highest_risks_are_proposed_first_for_the_plan():
    result = aggregate(QUESTION, RATINGS, "nb")
    proposals = TYPES["risk"].plan_proposals(QUESTION, result)
    assert [p["key"] for p in proposals] == ["env", "trust"]
    goals = [{"key": "digital", "label": "Digitalisering", "count": 5, "groups": 3},
             {"key": "trust", "label": "Tillit", "count": 4, "groups": 2}]
    assert [g["key"] for g in proposed_first(goals, proposals)] == ["env", "trust", "digital"]


def test_the_export_names_the_cell_likelihood_times_consequence():
    risk = TYPES["risk"]
    row = RATINGS[0]
    assert risk.export_text(QUESTION, row, "en") == "Trust"
    assert risk.export_place(QUESTION, row, "en") == "2 × 4"
