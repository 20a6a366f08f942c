"""Comparing rooms: pooled answers keep runs apart, cells line up by option id."""

from datetime import datetime

from workshop.domain.comparison import RunAnswers, compare, percent, pooled
from workshop.domain.question_types import aggregate
from workshop.templates_io import load_template_file

from ..conftest import QUESTIONS

TEMPLATE = load_template_file(f"{QUESTIONS}/kontraktsoppfolging.yaml").template
CATEGORIES = TEMPLATE.question("categories")
NEEDS = TEMPLATE.question("needs")
T0 = datetime(2026, 12, 2, 9, 0)


def rows(*answers):
    """(participant, group, option or None, text) per answer item."""
    return [{"participant": p, "group": g, "option": o, "text": t, "rank": None, "place": None,
             "points": None, "submitted_at": T0} for p, g, o, t in answers]


def test_two_runs_pooled_are_one_room_whose_tables_stay_apart():
    first_option, second_option = (o.id for o in CATEGORIES.options[:2])
    one = RunAnswers("AAAAAA", rows(("p1", "Bord 1", first_option, None), ("p2", "Bord 1", first_option, None)),
                     ["Bord 1"])
    two = RunAnswers("BBBBBB", rows(("p1", "Bord 1", second_option, None), ("p3", "Bord 1", first_option, None),
                                    ("p4", "Bord 2", "gone_from_the_file", None)), ["Bord 1", "Bord 2"])
    result = pooled(CATEGORIES, [one, two], "nb")
    assert result["respondents"] == 4  # p1 of one run is not p1 of the other
    assert len(result["groups"]) == 3
    shares = {o["key"]: o["share"] for o in result["options"]}
    assert shares[first_option] == 0.75 and shares[second_option] == 0.25


def test_cells_line_up_by_option_and_a_missing_run_is_an_empty_cell():
    first_option = CATEGORIES.options[0].id
    this = aggregate(CATEGORIES, rows(("p1", "Bord 1", first_option, None), ("p2", "Bord 1", None, "Eget svar")),
                     "nb", ["Bord 1"])
    table = compare(CATEGORIES, [this, None])
    assert [row["key"] for row in table["rows"]] == [o.id for o in CATEGORIES.options]  # no written-in row
    first = table["rows"][0]
    assert first["cells"][0] == {"value": 0.5, "percent": 50, "place": None, "tie": False}  # one of two
    assert first["cells"][1] is None
    assert table["respondents"] == [2, None]


def test_free_text_is_never_compared():
    this = aggregate(NEEDS, rows(("p1", "Bord 1", None, "Vi trenger maler")), "nb", ["Bord 1"])
    assert compare(NEEDS, [this, this])["rows"] == []


def test_percent_rounds_half_up_as_every_screen_shows_it():
    assert percent(0.625) == 63 and percent(0.0) == 0 and percent(1.0) == 100
