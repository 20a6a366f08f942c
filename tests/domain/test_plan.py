"""Drafting the starter follow-up plan from the room's answers, in DFØ's terms."""

from dataclasses import replace
from datetime import datetime

import pytest

from workshop.domain.plan import (
    GOALS_MAX,
    GOALS_MIN,
    REPORT_MAX,
    SHOWN_FIELDS,
    PlanDataError,
    check_suggestions,
    draft_plan,
    plan_rows,
    rank_goals,
    room_categories,
    startup_agenda,
)
from workshop.domain.question_types import aggregate
from workshop.domain.questions import Option
from workshop.templates_io import load_plan_suggestions, load_template_file

from ..conftest import QUESTIONS

TEMPLATE = load_template_file(f"{QUESTIONS}/kontraktsoppfolging.yaml").template
SUGGESTIONS = load_plan_suggestions(QUESTIONS, "kontraktsoppfolging")
T0 = datetime(2026, 11, 25, 9, 0)
IDS = {key: {i["id"] for i in SUGGESTIONS[key]} for key in
       ("roles", "follow_up_areas", "categories", "stakeholders", "frequencies", "sanctions", "incentives")}


def rows(answers):
    return [{"participant": p, "group": g, "option": o, "text": text, "rank": None, "place": place,
             "submitted_at": T0} for p, g, o, place, text in
            [(*a, None) if len(a) == 4 else a for a in answers]]


def goal_results():
    return aggregate(TEMPLATE.question("goals"), rows([
        ("p1", "Bord 1", "trust", None), ("p1", "Bord 1", "env", None),
        ("p2", "Bord 2", "trust", None), ("p2", "Bord 2", "digital", None),
        ("p3", "Bord 3", "trust", None), ("p3", "Bord 3", "env", None), ("p3", "Bord 3", "requirements", None),
        ("p4", "Bord 4", "requirements", None), ("p5", "Bord 4", "requirements", None),
    ]))


def categories(*answers):
    """Question 1 answered: one (group, option) per member."""
    return aggregate(TEMPLATE.question("categories"),
                     rows([(f"p{n}", group, option, None) for n, (group, option) in enumerate(answers)]))


def fruit_question(*goal_ids):
    goals = TEMPLATE.question("goals")
    return replace(TEMPLATE.question("fruits"), options=tuple(
        Option(o.id, o.label) for o in goals.options if o.id in goal_ids))


def test_goals_ranked_by_groups_choosing_then_votes():
    ranked = rank_goals(goal_results(), None, [])
    # requirements has as many votes as trust (3) but from two groups, not three
    assert [g["key"] for g in ranked][:3] == ["trust", "requirements", "env"]
    assert [g["groups"] for g in ranked][:3] == [3, 2, 2]
    assert [g["count"] for g in ranked][:3] == [3, 3, 2]


def test_goal_placed_among_goals_to_stop_is_left_out():
    fruit_results = aggregate(fruit_question("trust", "env"), rows([
        ("p1", "Bord 1", "trust", "windfall"), ("p2", "Bord 2", "env", "high")]))
    ranked = rank_goals(goal_results(), fruit_results, ["windfall"])
    assert "trust" not in [g["key"] for g in ranked]
    env = next(g for g in ranked if g["key"] == "env")
    assert env["fruit"] == "high"


def test_the_rooms_categories_come_in_the_rooms_order_without_none():
    room = room_categories(categories(("Bord 1", "C"), ("Bord 2", "C"), ("Bord 3", "A"), ("Bord 4", "F")),
                           SUGGESTIONS)
    assert [c["id"] for c in room] == ["food", "transport"]
    assert [c["groups"] for c in room] == [2, 1]
    assert room_categories(categories(("Bord 1", "F")), SUGGESTIONS) == []


def test_each_goal_gets_a_category_the_room_named_that_it_fits():
    ranked = rank_goals(goal_results(), None, [])  # trust, requirements, env, digital
    plan = draft_plan(ranked, ["food", "transport", "building"], SUGGESTIONS, "nb", count=4)
    by_goal = {g["goal_key"]: g["category"] for g in plan}
    assert by_goal["trust"] == "food"  # trust fits food first
    assert by_goal["requirements"] == "building"
    assert by_goal["env"] == "transport"  # fits transport and building: the one less used
    assert by_goal["digital"] in ("food", "transport", "building")  # fits ICT, which the room did not name
    assert {g["category"] for g in plan} <= {"food", "transport", "building"}


def test_a_room_naming_one_category_gets_it_for_every_goal():
    plan = draft_plan(rank_goals(goal_results(), None, []), ["ict"], SUGGESTIONS, "nb", count=4)
    assert {g["category"] for g in plan} == {"ict"}


def test_a_room_with_no_category_gets_the_decks_category_each_goal_fits():
    plan = draft_plan(rank_goals(goal_results(), None, []), [], SUGGESTIONS, "nb", count=4)
    assert [g["category"] for g in plan] == [SUGGESTIONS["goals"][g["goal_key"]]["categories"][0] for g in plan]
    assert len({g["category"] for g in plan}) > 1


@pytest.mark.parametrize("asked, drafted", [(1, GOALS_MIN), (3, 3), (4, 4), (5, 5), (9, GOALS_MAX), (None, 4)])
def test_start_realistic_a_draft_has_three_to_five_goals(asked, drafted):
    ranked = [{"key": key, "label": key, "count": 1, "groups": 1} for key in SUGGESTIONS["goals"]]
    assert len(draft_plan(ranked, [], SUGGESTIONS, "nb", count=asked)) == drafted


def test_every_suggestion_names_a_dfo_role_and_follow_up_area_in_both_languages():
    goal_ids = [o.id for o in TEMPLATE.question("goals").options]
    assert set(goal_ids) <= set(SUGGESTIONS["goals"])  # every option of question 2 has its wording
    ranked = [{"key": key, "label": key, "count": 1, "groups": 1} for key in [*goal_ids, "default"]]
    for start in range(0, len(ranked), GOALS_MAX):
        for lang in ("nb", "en"):
            for goal in draft_plan(ranked[start:start + GOALS_MAX], [], SUGGESTIONS, lang, count=GOALS_MAX):
                assert goal["responsible"] in IDS["roles"] and goal["area"] in IDS["follow_up_areas"], goal
                assert goal["measure"] and goal["report"] and goal["risk"], goal
                assert goal["supplier_questions"] and goal["startup_agenda"], goal
                assert set(goal["report_to"]) <= IDS["stakeholders"] and goal["report_to"]
                assert goal["frequency"] in IDS["frequencies"]
                assert set(goal["sanctions"]) <= IDS["sanctions"] and set(goal["incentives"]) <= IDS["incentives"]
    for wording in SUGGESTIONS["goals"].values():
        for text in [wording["measure"], wording["report"], wording["risk"],
                     *wording["supplier_questions"], *wording["startup_agenda"]]:
            assert text["nb"] and text["en"] and text["nb"] != text["en"]


def test_the_rooms_own_report_lines_come_first_most_written_first():
    fruit_results = aggregate(fruit_question("trust"), rows([
        ("p1", "Bord 1", "trust", "low", "Årlig til formannskapet"),
        ("p2", "Bord 2", "trust", "low", "Klager per kvartal"),
        ("p3", "Bord 3", "trust", "low", "klager  per kvartal"),
    ]))
    plan = draft_plan(rank_goals(goal_results(), fruit_results, []), [], SUGGESTIONS, "nb", count=3)
    trust = next(g for g in plan if g["goal_key"] == "trust")
    assert trust["report"] == "Klager per kvartal; Årlig til formannskapet"
    assert trust["fruit"] == "low"
    others = [g for g in plan if g["goal_key"] != "trust"]
    assert others[0]["report"] == SUGGESTIONS["goals"][others[0]["goal_key"]]["report"]["nb"]


def test_the_rooms_report_lines_never_exceed_what_the_form_accepts():
    long_lines = [(f"p{n}", "Bord 1", "trust", "low", f"{n} " + "æ" * 290) for n in range(5)]
    fruit_results = aggregate(fruit_question("trust"), rows(long_lines))
    plan = draft_plan(rank_goals(goal_results(), fruit_results, []), [], SUGGESTIONS, "nb", count=3)
    report = next(g for g in plan if g["goal_key"] == "trust")["report"]
    assert 0 < len(report) <= REPORT_MAX and report.count("; ") == 1


def test_written_in_goal_gets_the_default_wording():
    plan = draft_plan([{"key": "~lokale jobber", "label": "Lokale jobber", "count": 2, "groups": 2,
                        "fruit": None}], [], SUGGESTIONS, "en")
    assert plan[0]["goal"] == "Lokale jobber"
    assert plan[0]["measure"] == SUGGESTIONS["goals"]["default"]["measure"]["en"]
    assert plan[0]["responsible"] == SUGGESTIONS["goals"]["default"]["responsible"]


def test_plan_rows_show_labels_not_ids_in_the_language_asked():
    plan = [{"goal": "Tillit", "fruit": "low", "category": "food", "area": "logistics",
             "report_to": ["politicians", "accounting"], "frequency": "yearly", "responsible": "contract_manager",
             "responsible_name": "Åse Ødegård", "sanctions": ["dagboter"], "incentives": ["innovation"],
             "supplier_questions": ["Hva måler dere?"], "startup_agenda": ["Milepæler"]}]
    row = plan_rows(plan, SUGGESTIONS, "nb", {"low": "Lavthengende frukter"})[0]
    assert row["category"] == "Mat og drikke" and row["report_to"] == ["Politikerne", "Regnskap"]
    assert row["frequency"] == "Årlig" and row["sanctions"] == ["Dagbøter"] and row["number"] == 1
    assert row["responsible"] == "Kontraktsforvalter" and row["area"].startswith("Logistikk")
    assert row["fruit"] == "Lavthengende frukter" and row["responsible_name"] == "Åse Ødegård"
    english = plan_rows(plan, SUGGESTIONS, "en", {"low": "Low-hanging fruit"})[0]
    assert english["responsible"] == "Contract manager" and english["report_to"] == ["Politicians", "Accounting"]
    assert set(SHOWN_FIELDS) <= set(row)


def test_a_plan_saved_before_the_lists_had_ids_shows_its_texts_as_they_are():
    old = [{"goal": "Tillit", "fruit": "Lavthengende frukter", "responsible": "Kontraktsforvalter, skolemat",
            "measure": "Klager", "report_to": [], "sanctions": [], "incentives": [], "supplier_questions": []}]
    row = plan_rows(old, SUGGESTIONS, "nb", {"low": "Lavthengende frukter"})[0]
    assert row["fruit"] == "Lavthengende frukter" and row["responsible"] == "Kontraktsforvalter, skolemat"
    assert row["startup_agenda"] == [] and row["area"] == "" and row["report"] == ""


def test_the_start_up_agenda_lists_each_point_once_with_its_goals():
    rows_ = [{"number": 1, "startup_agenda": ["Milepæler", "Avvik"]},
             {"number": 2, "startup_agenda": ["milepæler", "Sortiment"]}]
    assert startup_agenda(rows_) == [{"point": "Milepæler", "goals": [1, 2]}, {"point": "Avvik", "goals": [1]},
                                     {"point": "Sortiment", "goals": [2]}]


@pytest.mark.parametrize("change, problem", [
    (lambda d: d["goals"]["trust"].update(area="weather"), "'area': unknown"),
    (lambda d: d["goals"]["trust"].update(categories=["space"]), "unknown ['space']"),
    (lambda d: d["goals"]["trust"].update(startup_agenda=["plain text"]), "'startup_agenda'"),
    (lambda d: d["goals"]["trust"].update(report="plain text"), "'report'"),
    (lambda d: d.update(goals_default=8), "from 3 to 5"),
    (lambda d: d.update(start_realistic={"points": "one"}), "'start_realistic'"),
])
def test_a_plan_file_naming_what_the_lists_do_not_have_is_refused(change, problem):
    import copy

    data = copy.deepcopy(SUGGESTIONS)
    change(data)
    with pytest.raises(PlanDataError, match=problem.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        check_suggestions(data, "plan.yaml")
