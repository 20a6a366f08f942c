"""Aggregation: counts and shares, Borda scores, group answers with ties, newest text first."""

from dataclasses import replace
from datetime import datetime, timedelta

from workshop.domain.question_types import aggregate
from workshop.templates_io import load_template_file

from ..conftest import QUESTIONS

TEMPLATE = load_template_file(f"{QUESTIONS}/kontraktsoppfolging.yaml").template
T0 = datetime(2026, 11, 25, 9, 0, 0)


def rows(question_answers):
    """[(participant, group, [(option, text, rank)], minute)] as aggregation rows."""
    out = []
    for participant, group, items, minute in question_answers:
        for option, text, rank in items:
            out.append({"participant": participant, "group": group, "option": option, "text": text,
                        "rank": rank, "submitted_at": T0 + timedelta(minutes=minute)})
    return out


def by_key(result):
    return {o["key"]: o for o in result["options"]}


def test_counts_and_shares_overall_and_per_group():
    data = rows([
        ("p1", "Bord 1", [("A", None, None), ("B", None, None)], 0),
        ("p2", "Bord 1", [("A", None, None)], 1),
        ("p3", "Bord 2", [("F", None, None)], 2),
    ])
    result = aggregate(TEMPLATE.question("categories"), data)
    options = by_key(result)
    assert result["respondents"] == 3
    assert options["A"]["count"] == 2 and options["A"]["share"] == round(2 / 3, 4)
    assert options["F"]["count"] == 1 and options["C"]["count"] == 0
    groups = {g["name"]: g for g in result["groups"]}
    assert groups["Bord 1"]["counts"] == {"A": 2, "B": 1}
    assert groups["Bord 2"]["respondents"] == 1


def test_group_answer_is_the_majority_and_half_is_a_tie():
    data = rows([
        ("p1", "Bord 1", [("A", None, None), ("B", None, None)], 0),
        ("p2", "Bord 1", [("A", None, None)], 1),
        ("p3", "Bord 1", [("A", None, None), ("C", None, None)], 1),
        ("p4", "Bord 1", [("B", None, None)], 1),
    ])
    group = aggregate(TEMPLATE.question("categories"), data)["groups"][0]
    answer = {a["key"]: a["tie"] for a in group["answer"]}
    assert answer == {"A": False, "B": True}  # A: 3 of 4; B: 2 of 4 is a tie; C: 1 of 4 is out


def test_labels_follow_the_language():
    data = rows([("p1", "Bord 1", [("B", None, None)], 0)])
    assert by_key(aggregate(TEMPLATE.question("categories"), data, "nb"))["B"]["label"] == "bygg"
    assert by_key(aggregate(TEMPLATE.question("categories"), data, "en"))["B"]["label"] == "buildings"


def test_written_in_goals_differing_in_case_count_as_one():
    data = rows([
        ("p1", "Bord 1", [("trust", None, None), (None, "Lokale jobber", None)], 0),
        ("p2", "Bord 2", [(None, "lokale  jobber ", None)], 0),
    ])
    options = by_key(aggregate(TEMPLATE.question("goals"), data))
    write_in = options["~lokale jobber"]
    assert write_in["count"] == 2 and write_in["write_in"] and write_in["label"] == "Lokale jobber"


def test_ranked_topics_are_scored_three_two_one_with_first_places():
    data = rows([
        ("p1", "Bord 1", [("sanctions", None, 1), ("dialogue", None, 2), ("templates", None, 3)], 0),
        ("p2", "Bord 1", [("dialogue", None, 1), ("sanctions", None, 2), ("reporting", None, 3)], 0),
        ("p3", "Bord 2", [("dialogue", None, 1), ("templates", None, 2), ("sanctions", None, 3)], 0),
    ])
    options = by_key(aggregate(TEMPLATE.question("topics"), data))
    assert options["dialogue"]["score"] == 2 + 3 + 3 and options["dialogue"]["first"] == 2
    assert options["sanctions"]["score"] == 3 + 2 + 1 and options["sanctions"]["first"] == 1
    assert options["templates"]["score"] == 1 + 2
    assert options["anchoring"]["score"] == 0


def test_a_ranked_topics_bar_is_as_long_as_its_score():
    """The phone draws each topic's bar from its share, beside its points: the share is of the
    most points a topic can get (everyone's first place), not of how many ranked it, which
    drew 6 and 8 points as bars of one length."""
    data = rows([
        ("p1", "Bord 1", [("sanctions", None, 1), ("dialogue", None, 2), ("templates", None, 3)], 0),
        ("p2", "Bord 1", [("dialogue", None, 1), ("sanctions", None, 2), ("reporting", None, 3)], 0),
        ("p3", "Bord 2", [("dialogue", None, 1), ("templates", None, 2), ("sanctions", None, 3)], 0),
    ])
    options = by_key(aggregate(TEMPLATE.question("topics"), data))
    most = 3 * 3  # three respondents, each giving a topic at most 3 points
    assert [options[k]["share"] for k in ("dialogue", "sanctions", "templates", "anchoring")] == [
        round(8 / most, 4), round(6 / most, 4), round(3 / most, 4), 0.0]


def test_group_top_three_marks_ties_at_the_cut():
    data = rows([
        ("p1", "Bord 1", [("sanctions", None, 1), ("dialogue", None, 2), ("templates", None, 3)], 0),
        ("p2", "Bord 1", [("sanctions", None, 1), ("dialogue", None, 2), ("reporting", None, 3)], 0),
    ])
    group = aggregate(TEMPLATE.question("topics"), data)["groups"][0]
    answer = [(a["key"], a["tie"]) for a in group["answer"]]
    assert answer[:2] == [("sanctions", False), ("dialogue", False)]
    assert sorted(answer[2:]) == [("reporting", True), ("templates", True)]


def test_free_text_is_listed_newest_first():
    data = rows([
        ("p1", "Bord 1", [(None, "Maler", None)], 0),
        ("p2", "Bord 2", [(None, "Eksempler", None)], 5),
        ("p3", "Bord 1", [(None, "Mer tid", None)], 2),
    ])
    result = aggregate(replace(TEMPLATE.question("needs"), moderated=False), data)
    assert [e["text"] for e in result["entries"]] == ["Eksempler", "Mer tid", "Maler"]


def test_no_answers_gives_zero_counts_and_the_known_groups():
    result = aggregate(TEMPLATE.question("goals"), [], groups=["Bord 1"])
    assert result["respondents"] == 0
    assert all(o["count"] == 0 for o in result["options"])
    assert result["groups"] == [{"name": "Bord 1", "respondents": 0, "counts": {}, "answer": []}]
