"""The discussion board's agreement logic."""

from dataclasses import replace
from datetime import datetime

from workshop.domain.aggregate import entry_ref
from workshop.domain.board import AGREED, FEW, SPLIT, agreement_level
from workshop.domain.question_types import aggregate, build_board
from workshop.templates_io import load_template_file

from ..conftest import QUESTIONS

TEMPLATE = load_template_file(f"{QUESTIONS}/kontraktsoppfolging.yaml").template
T0 = datetime(2026, 11, 25, 9, 0)


def row(participant, group, option=None, text=None, rank=None):
    return {"participant": participant, "group": group, "option": option, "text": text, "rank": rank,
            "submitted_at": T0}


def test_agreement_levels():
    assert agreement_level(4, 6) == AGREED
    assert agreement_level(3, 6) == SPLIT  # exactly half is not agreement
    assert agreement_level(2, 6) == SPLIT
    assert agreement_level(1, 6) == FEW
    assert agreement_level(1, 1) == AGREED
    assert agreement_level(0, 0) == FEW


def test_board_puts_groups_side_by_side_and_sorts_by_groups_choosing():
    question = TEMPLATE.question("goals")
    rows = [
        row("p1", "Bord 1", "trust"), row("p1", "Bord 1", "env"),
        row("p2", "Bord 2", "trust"),
        row("p3", "Bord 3", "trust"), row("p3", "Bord 3", "digital"),
        row("p4", "Bord 4", "digital"),
    ]
    board = build_board(question, aggregate(question, rows))
    assert board["groups"] == ["Bord 1", "Bord 2", "Bord 3", "Bord 4"]
    first = board["rows"][0]
    assert first["key"] == "trust" and first["groups_choosing"] == 3 and first["level"] == AGREED
    assert [c["kind"] for c in first["cells"]] == ["chosen", "chosen", "chosen", ""]
    assert [c["shown"] for c in first["cells"]] == ["✓", "✓", "✓", ""]
    by_key = {r["key"]: r for r in board["rows"]}
    assert by_key["digital"]["level"] == SPLIT and by_key["env"]["level"] == FEW
    assert "planned" not in by_key  # nobody chose it: not on the board


def test_pinned_answer_goes_first():
    question = TEMPLATE.question("goals")
    rows = [row("p1", "Bord 1", "trust"), row("p2", "Bord 2", "trust"), row("p3", "Bord 3", "env")]
    board = build_board(question, aggregate(question, rows), pinned={"env"})
    assert board["rows"][0]["key"] == "env" and board["rows"][0]["pinned"]


def test_hidden_text_is_left_out_and_pinned_text_first():
    question = replace(TEMPLATE.question("needs"), moderated=False)
    rows = [row("p1", "Bord 1", text="Gode maler"), row("p2", "Bord 2", text="Upassende"),
            row("p3", "Bord 2", text="Eksempler")]
    hidden = {entry_ref("p2", "Upassende")}
    result = aggregate(question, rows, hidden=hidden)
    board = build_board(question, result, pinned={entry_ref("p3", "Eksempler")})
    texts = [e["text"] for e in board["entries"]]
    assert "Upassende" not in texts and texts[0] == "Eksempler"
    assert [g["group"] for g in board["by_group"]] == ["Bord 1", "Bord 2"]


def test_each_groups_ranked_topics_show_their_place_not_a_tick():
    question = TEMPLATE.question("topics")
    rows = [dict(row("p1", "Bord 1", "sanctions"), rank=1), dict(row("p1", "Bord 1", "dialogue"), rank=2),
            dict(row("p1", "Bord 1", "templates"), rank=3),
            dict(row("p2", "Bord 2", "dialogue"), rank=1), dict(row("p2", "Bord 2", "sanctions"), rank=2),
            dict(row("p2", "Bord 2", "reporting"), rank=3)]
    board = build_board(question, aggregate(question, rows))
    shown = {r["key"]: [c["shown"] for c in r["cells"]] for r in board["rows"]}
    assert shown["sanctions"] == ["1", "2"] and shown["dialogue"] == ["2", "1"]
    assert shown["templates"] == ["3", ""] and shown["reporting"] == ["", "3"]


def test_points_are_on_the_board_with_each_groups_points():
    question = load_template_file(f"{QUESTIONS}/kategorier-100-poeng.yaml").template.question("attention")
    first, second = question.options[0].id, question.options[1].id
    rows = [dict(row("p1", "Bord 1", first), points=70), dict(row("p1", "Bord 1", second), points=30),
            dict(row("p2", "Bord 2", second), points=100)]
    board = build_board(question, aggregate(question, rows))
    cells = {r["key"]: [(c["kind"], c["shown"]) for c in r["cells"]] for r in board["rows"]}
    assert cells[first] == [("chosen", "70"), ("", "")]
    assert cells[second] == [("", "30"), ("chosen", "100")]


def test_a_groups_topics_level_at_its_last_place_show_that_place_shared():
    question = TEMPLATE.question("topics")
    ranked = [("sanctions", "dialogue", "templates"), ("sanctions", "dialogue", "reporting")]
    rows = [dict(row(f"p{n}", "Bord 1", option), rank=rank)
            for n, topics in enumerate(ranked) for rank, option in enumerate(topics, start=1)]
    board = build_board(question, aggregate(question, rows))
    shown = {r["key"]: r["cells"][0]["shown"] for r in board["rows"]}
    # Scores 6, 4, then templates and reporting level at 1: both share the third place.
    assert shown == {"sanctions": "1", "dialogue": "2", "templates": "3=", "reporting": "3="}
