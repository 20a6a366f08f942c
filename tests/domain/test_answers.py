"""Validation of answers: every rule of the bundled workshop, on the domain alone."""

import pytest

from workshop.domain.answers import WRITE_IN, AnswerError, normalize_fields
from workshop.domain.question_types import fields_from_items, validate_answer
from workshop.templates_io import load_template_file

from ..conftest import QUESTIONS

TEMPLATE = load_template_file(f"{QUESTIONS}/kontraktsoppfolging.yaml").template
CATEGORIES = TEMPLATE.question("categories")
GOALS = TEMPLATE.question("goals")
TOPICS = TEMPLATE.question("topics")
NEEDS = TEMPLATE.question("needs")


def refused(question, fields):
    with pytest.raises(AnswerError) as info:
        validate_answer(question, fields)
    return info.value.code


def test_several_categories_may_be_chosen():
    items = validate_answer(CATEGORIES, {"option": ["A", "C", "E"]})
    assert [i.option for i in items] == ["A", "C", "E"]


def test_none_of_these_excludes_all_other_categories():
    assert refused(CATEGORIES, {"option": ["A", "F"]}) == "exclusive"
    assert [i.option for i in validate_answer(CATEGORIES, {"option": ["F"]})] == ["F"]


def test_choice_not_in_the_list_is_refused():
    assert refused(CATEGORIES, {"option": ["G"]}) == "unknown_option"


def test_empty_choice_is_refused():
    assert refused(CATEGORIES, {"option": []}) == "too_few"


def test_same_option_twice_is_refused():
    assert refused(CATEGORIES, {"option": ["A", "A"]}) == "duplicate"


def test_eight_goals_are_accepted_and_a_ninth_is_refused():
    ids = [o.id for o in GOALS.options]
    assert len(validate_answer(GOALS, {"option": ids[:8]})) == 8
    error_code = refused(GOALS, {"option": ids[:9]})
    assert error_code == "too_many"


def test_a_written_in_goal_counts_towards_the_eight():
    ids = [o.id for o in GOALS.options]
    items = validate_answer(GOALS, {"option": ids[:7], "write_in": ["Lokale arbeidsplasser"]})
    assert items[-1].text == "Lokale arbeidsplasser"
    assert refused(GOALS, {"option": ids[:8], "write_in": ["Én til"]}) == "too_many"


def test_write_in_is_refused_where_the_question_takes_none():
    assert refused(CATEGORIES, {"option": ["A"], "write_in": ["noe annet"]}) == "no_write_in"


def test_exactly_three_ranked_topics():
    items = validate_answer(TOPICS, {"rank_1": ["sanctions"], "rank_2": ["dialogue"], "rank_3": ["trust_change"]})
    assert [(i.option, i.rank) for i in items] == [("sanctions", 1), ("dialogue", 2), ("trust_change", 3)]


def test_two_topics_instead_of_three_are_refused():
    assert refused(TOPICS, {"rank_1": ["sanctions"], "rank_2": ["dialogue"]}) == "rank_missing"


def test_a_fourth_rank_is_refused():
    fields = {"rank_1": ["sanctions"], "rank_2": ["dialogue"], "rank_3": ["templates"], "rank_4": ["reporting"]}
    assert refused(TOPICS, fields) == "too_many"


def test_same_topic_on_two_ranks_is_refused():
    assert refused(TOPICS, {"rank_1": ["sanctions"], "rank_2": ["sanctions"], "rank_3": ["dialogue"]}) == "duplicate_rank"


def test_written_in_topic_takes_a_rank():
    fields = {"rank_1": [WRITE_IN], "rank_1_text": ["Markedsdialog"], "rank_2": ["dialogue"], "rank_3": ["templates"]}
    items = validate_answer(TOPICS, fields)
    assert items[0].text == "Markedsdialog" and items[0].rank == 1


def test_written_in_topic_must_have_text():
    fields = {"rank_1": [WRITE_IN], "rank_1_text": ["  "], "rank_2": ["dialogue"], "rank_3": ["templates"]}
    assert refused(TOPICS, fields) == "rank_missing"


def test_free_text_keeps_several_entries_and_drops_blank_ones():
    items = validate_answer(NEEDS, {"entry": ["Maler", "", "  Eksempler  "]})
    assert [i.text for i in items] == ["Maler", "Eksempler"]


def test_empty_free_text_is_refused():
    assert refused(NEEDS, {"entry": ["", "   "]}) == "empty"


def test_oversized_text_is_refused():
    assert refused(NEEDS, {"entry": ["x" * 5000]}) == "too_long"
    assert len(validate_answer(NEEDS, {"entry": ["x" * NEEDS.max_length]})[0].text) == NEEDS.max_length


def test_too_many_text_entries_are_refused():
    assert refused(NEEDS, {"entry": ["a"] * (NEEDS.max_entries + 1)}) == "too_many"


@pytest.mark.parametrize("payload", [None, "A", 3, ["A"], {"option": [1]}, {"option": {"a": 1}}, {1: ["A"]}])
def test_malformed_payloads_are_refused(payload):
    with pytest.raises(AnswerError) as info:
        normalize_fields(payload)
    assert info.value.code == "malformed"


def test_single_string_is_accepted_as_one_value():
    assert normalize_fields({"option": "A"}) == {"option": ["A"]}


@pytest.mark.parametrize("question,fields", [
    (CATEGORIES, {"option": ["B", "D"]}),
    (GOALS, {"option": ["trust", "env"], "write_in": ["Egne mål"]}),
    (TOPICS, {"rank_1": ["dialogue"], "rank_2": [WRITE_IN], "rank_2_text": ["Eget"], "rank_3": ["templates"]}),
    (NEEDS, {"entry": ["Mer om maler", "Eksempler"]}),
])
def test_form_is_refilled_with_the_answer_given(question, fields):
    items = validate_answer(question, fields)
    assert validate_answer(question, fields_from_items(question, items)) == items


def test_same_written_in_topic_with_other_spacing_cannot_take_two_ranks():
    fields = {"rank_1": [WRITE_IN], "rank_1_text": ["Felles data"], "rank_2": [WRITE_IN],
              "rank_2_text": ["felles  data"], "rank_3": ["templates"]}
    assert refused(TOPICS, fields) == "duplicate_rank"
