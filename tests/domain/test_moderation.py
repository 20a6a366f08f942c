"""A moderated question: texts reach the screens only once the facilitator approved them."""

from datetime import datetime, timedelta

from workshop.domain.aggregate import IdeaMarks, entry_ref, text_status
from workshop.domain.exports import answers_table
from workshop.domain.question_types import aggregate
from workshop.domain.templates import parse_template

TEMPLATE = parse_template({
    "id": "m", "title": {"nb": "M", "en": "M"},
    "questions": [{"id": "needs", "type": "text", "text": {"nb": "Behov?", "en": "Needs?"},
                   "max_entries": 3, "cloud": True, "upvotes": True, "moderated": True}],
})
QUESTION = TEMPLATE.question("needs")
START = datetime(2026, 12, 2, 9, 0)


def row(participant, group, text, minute):
    return {"participant": participant, "group": group, "option": None, "text": text, "rank": None,
            "place": None, "points": None, "submitted_at": START + timedelta(minutes=minute),
            "display_name": None}


ROWS = [row("p-1", "Bord 1", "Bedre maler", 0), row("p-2", "Bord 2", "Uhøflig tekst", 1),
        row("p-3", "Bord 1", "Flere eksempler", 2)]


def test_the_file_says_moderated_and_it_round_trips():
    from workshop.domain.templates import template_to_dict

    assert QUESTION.moderated
    assert parse_template(template_to_dict(TEMPLATE)).question("needs").moderated


def test_only_approved_texts_are_in_the_results_and_the_rest_are_counted_as_waiting():
    approved = {entry_ref("p-1", "Bedre maler")}
    result = aggregate(QUESTION, ROWS, "nb", ["Bord 1", "Bord 2"], ideas=IdeaMarks(approved=approved))
    shown = str({k: v for k, v in result.items() if k != "waiting"})
    assert [e["text"] for e in result["entries"]] == ["Bedre maler"]
    assert [i["text"] for i in result["ideas"]] == ["Bedre maler"]
    assert "Uhøflig" not in shown and "eksempler" not in shown  # not in the cloud, groups or ideas
    assert result["waiting"] == 2
    assert result["respondents"] == 3  # everyone who wrote has answered, approved or not


def test_nothing_is_shown_before_anything_is_approved():
    result = aggregate(QUESTION, ROWS, "nb", [], ideas=None)
    assert result["entries"] == [] and result["cloud"] == [] and result["waiting"] == 3


def test_each_text_has_a_status_in_the_export():
    approved = {entry_ref("p-1", "Bedre maler")}
    hidden = {entry_ref("p-2", "Uhøflig tekst")}
    assert text_status(QUESTION, ROWS[0], hidden, approved) == "approved"
    assert text_status(QUESTION, ROWS[1], hidden, approved) == "hidden"
    assert text_status(QUESTION, ROWS[2], hidden, approved) == "waiting"
    rows = [dict(r, question="needs") for r in ROWS]
    table = answers_table("ABC123", [QUESTION], rows, hidden, "nb", approved)
    assert dict(zip(table["answer_text"], table["status"])) == {
        "Bedre maler": "approved", "Uhøflig tekst": "hidden", "Flere eksempler": "waiting"}
