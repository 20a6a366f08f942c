"""Drafting the starter follow-up plan from the room's answers."""

from datetime import datetime

from workshop.domain.plan import draft_plan, plan_rows, rank_goals, top_category
from workshop.domain.question_types import aggregate
from workshop.templates_io import load_plan_suggestions, load_template_file

from ..conftest import QUESTIONS

TEMPLATE = load_template_file(f"{QUESTIONS}/kontraktsoppfolging.yaml").template
SUGGESTIONS = load_plan_suggestions(QUESTIONS, "kontraktsoppfolging")
T0 = datetime(2026, 11, 25, 9, 0)


def rows(answers):
    return [{"participant": p, "group": g, "option": o, "text": None, "rank": None, "place": place,
             "submitted_at": T0} for p, g, o, place in answers]


def goal_results():
    return aggregate(TEMPLATE.question("goals"), rows([
        ("p1", "Bord 1", "trust", None), ("p1", "Bord 1", "env", None),
        ("p2", "Bord 2", "trust", None), ("p2", "Bord 2", "digital", None),
        ("p3", "Bord 3", "trust", None), ("p3", "Bord 3", "env", None), ("p3", "Bord 3", "requirements", None),
        ("p4", "Bord 4", "requirements", None), ("p5", "Bord 4", "requirements", None),
    ]))


def test_goals_ranked_by_groups_choosing_then_votes():
    ranked = rank_goals(goal_results(), None, [])
    # requirements has as many votes as trust (3) but from two groups, not three
    assert [g["key"] for g in ranked][:3] == ["trust", "requirements", "env"]
    assert [g["groups"] for g in ranked][:3] == [3, 2, 2]
    assert [g["count"] for g in ranked][:3] == [3, 3, 2]


def test_goal_placed_among_goals_to_stop_is_left_out():
    from dataclasses import replace

    from workshop.domain.questions import Option

    goals = TEMPLATE.question("goals")
    fruits = replace(TEMPLATE.question("fruits"), options=tuple(
        Option(o.id, o.label) for o in goals.options if o.id in ("trust", "env")))
    fruit_results = aggregate(fruits, rows([("p1", "Bord 1", "trust", "windfall"), ("p2", "Bord 2", "env", "high")]))
    ranked = rank_goals(goal_results(), fruit_results, ["windfall"])
    assert "trust" not in [g["key"] for g in ranked]
    env = next(g for g in ranked if g["key"] == "env")
    assert env["fruit"] == "high"


def test_category_is_the_one_most_groups_have_goals_for():
    categories = aggregate(TEMPLATE.question("categories"), rows([
        ("p1", "Bord 1", "C", None), ("p2", "Bord 2", "C", None), ("p3", "Bord 3", "A", None)]))
    assert top_category(categories, SUGGESTIONS) == "food"
    none = aggregate(TEMPLATE.question("categories"), rows([("p1", "Bord 1", "F", None)]))
    assert top_category(none, SUGGESTIONS) == ""


def test_draft_is_small_and_uses_the_data_file_wording():
    ranked = rank_goals(goal_results(), None, [])
    plan = draft_plan(ranked, "food", SUGGESTIONS, "nb", {}, count=3)
    assert len(plan) == 3  # "start realistic"
    first = plan[0]
    assert first["goal"] == "Tillit hos brukere, allmennheten og markedet"
    assert first["measure"] == SUGGESTIONS["goals"]["trust"]["measure"]["nb"]
    assert len(first["supplier_questions"]) == SUGGESTIONS["questions_per_goal"]
    assert first["category"] == "food" and first["report_to"]
    default_count = len(draft_plan(ranked, "", SUGGESTIONS, "nb", {}))
    assert default_count == min(SUGGESTIONS["goals_default"], len(ranked))


def test_written_in_goal_gets_the_default_wording():
    plan = draft_plan([{"key": "~lokale jobber", "label": "Lokale jobber", "count": 2, "groups": 2,
                        "fruit": None}], "", SUGGESTIONS, "en", {})
    assert plan[0]["goal"] == "Lokale jobber"
    assert plan[0]["measure"] == SUGGESTIONS["goals"]["default"]["measure"]["en"]


def test_plan_rows_show_labels_not_ids():
    plan = [{"goal": "Tillit", "category": "food", "report_to": ["politicians", "accounting"],
             "frequency": "yearly", "sanctions": ["dagboter"], "incentives": ["innovation"],
             "supplier_questions": ["Hva måler dere?"]}]
    row = plan_rows(plan, SUGGESTIONS, "nb")[0]
    assert row["category"] == "Mat og drikke" and row["report_to"] == ["Politikerne", "Regnskap"]
    assert row["frequency"] == "Årlig" and row["sanctions"] == ["Dagbøter"] and row["number"] == 1
