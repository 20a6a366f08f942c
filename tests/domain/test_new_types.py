"""Word cloud, ideas with upvotes and 100 points: validation and aggregation."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from workshop.domain.aggregate import IdeaMarks, entry_ref
from workshop.domain.answers import AnswerError
from workshop.domain.question_types import aggregate, fields_from_items, validate_answer
from workshop.domain.wordcloud import terms, word_cloud
from workshop.templates_io import load_template_file

from ..conftest import QUESTIONS

# moderation is tested on its own (test_moderation): here every text is shown
NEEDS = replace(load_template_file(f"{QUESTIONS}/kontraktsoppfolging.yaml").template.question("needs"),
               moderated=False)
POINTS = load_template_file(f"{QUESTIONS}/kategorier-100-poeng.yaml").template.question("attention")
T0 = datetime(2026, 11, 25, 9, 0)


def text_rows(entries):
    return [{"participant": p, "group": g, "option": None, "text": t, "rank": None,
             "submitted_at": T0 + timedelta(minutes=n)} for n, (p, g, t) in enumerate(entries)]


def test_word_cloud_drops_norwegian_and_english_stop_words_and_ignores_case():
    cloud = {c["term"]: c["count"] for c in word_cloud([
        "Vi trenger flere eksempler på gode maler fra dere",
        "EKSEMPLER og maler som vi kan bruke i morgen",
        "We need the examples and the templates",
    ])}
    assert cloud["eksempler"] == 2 and cloud["maler"] == 2 and cloud["examples"] == 1
    for stop in ("vi", "på", "og", "som", "i", "the", "and", "we"):
        assert stop not in cloud


def test_a_short_entry_is_kept_as_the_phrase_its_writer_chose():
    assert terms("Gode maler") == ["gode maler"]
    assert terms("the Templates") == ["templates"]
    assert terms("og") == []
    assert {c["term"]: c["count"] for c in word_cloud(["Gode maler", "gode  maler"])} == {"gode maler": 2}


def test_hidden_entries_are_left_out_of_the_word_cloud():
    rows = text_rows([("p1", "Bord 1", "Gode maler"), ("p2", "Bord 2", "Stygt ord")])
    result = aggregate(NEEDS, rows, hidden={entry_ref("p2", "Stygt ord")})
    assert [c["term"] for c in result["cloud"]] == ["gode maler"]
    assert "Stygt ord" not in [i["text"] for i in result["ideas"]]


def test_ideas_are_ranked_by_upvotes_one_per_participant():
    rows = text_rows([("p1", "Bord 1", "Mer om sanksjoner"), ("p2", "Bord 2", "Flere eksempler"),
                      ("p3", "Bord 3", "Mal for statusmøte")])
    a, b, c = (entry_ref(p, t) for p, _, t in [(r["participant"], None, r["text"]) for r in rows])
    marks = IdeaMarks(votes={b: {"10", "11"}, c: {"10"}, a: set()})
    ideas = aggregate(NEEDS, rows, ideas=marks)["ideas"]
    assert [(i["text"], i["votes"]) for i in ideas] == [
        ("Flere eksempler", 2), ("Mal for statusmøte", 1), ("Mer om sanksjoner", 0)]


def test_merged_duplicate_counts_each_voter_once_and_leaves_the_list():
    rows = text_rows([("p1", "Bord 1", "Flere eksempler"), ("p2", "Bord 2", "Mer eksempler"),
                      ("p3", "Bord 3", "Mer tid")])
    first, duplicate, other = (entry_ref(r["participant"], r["text"]) for r in rows)
    marks = IdeaMarks(votes={first: {"10", "11"}, duplicate: {"11", "12"}, other: {"13"}},
                      merged={duplicate: first}, answered={other})
    ideas = aggregate(NEEDS, rows, ideas=marks)["ideas"]
    assert [(i["text"], i["votes"], i["merged"]) for i in ideas] == [
        ("Flere eksempler", 3, 1), ("Mer tid", 1, 0)]
    assert ideas[1]["answered"]


def test_points_within_the_budget_are_accepted():
    items = validate_answer(POINTS, {"points_1": ["60"], "points_4": ["40"], "points_2": ["0"], "points_3": [""]})
    assert [(i.option, i.points) for i in items] == [("building_materials", 60), ("food", 40)]
    assert validate_answer(POINTS, fields_from_items(POINTS, items)) == items


@pytest.mark.parametrize("fields,code", [
    ({"points_1": ["60"], "points_2": ["41"]}, "over_budget"),
    ({"points_1": ["-5"]}, "points_number"),
    ({"points_1": ["2.5"]}, "points_number"),
    ({"points_1": ["0"]}, "empty"),
    ({"points_9": ["10"]}, "unknown_option"),
])
def test_points_over_the_budget_or_malformed_are_refused(fields, code):
    with pytest.raises(AnswerError) as info:
        validate_answer(POINTS, fields)
    assert info.value.code == code


def test_points_results_give_total_and_mean_overall_and_per_group():
    def row(p, g, option, points):
        return {"participant": p, "group": g, "option": option, "points": points, "text": None,
                "rank": None, "submitted_at": T0}
    rows = [row("p1", "Bord 1", "food", 70), row("p1", "Bord 1", "staffing", 30),
            row("p2", "Bord 1", "food", 100), row("p3", "Bord 2", "staffing", 50),
            row("p3", "Bord 2", "crafts", 50)]
    result = aggregate(POINTS, rows)
    by_key = {o["key"]: o for o in result["options"]}
    assert by_key["food"]["points_total"] == 170 and by_key["food"]["points_mean"] == round(170 / 3, 2)
    assert by_key["staffing"]["points_total"] == 80 and by_key["furniture"]["points_total"] == 0
    groups = {g["name"]: g for g in result["groups"]}
    assert groups["Bord 1"]["points"]["food"] == 170 and groups["Bord 1"]["means"]["food"] == 85.0
    assert [a["key"] for a in groups["Bord 1"]["answer"]] == ["food"]
    assert {a["key"] for a in groups["Bord 2"]["answer"]} == {"staffing", "crafts"}
    assert all(a["tie"] for a in groups["Bord 2"]["answer"])


@pytest.mark.parametrize("fields", [{"points_1": ["²"]}, {"points_1": ["٣"]}, {"points_²": ["10"]}])
def test_digits_other_than_0_to_9_are_refused_not_a_failure(fields):
    with pytest.raises(AnswerError):
        validate_answer(POINTS, fields)
