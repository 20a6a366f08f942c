"""Moderation: on a moderated question a written text waits for the facilitator, who approves
it (one by one or all at once) or hides it; only approved texts reach the screens and phones."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from .. import changes
from ..domain.aggregate import WAITING, entry_ref, iso_time, text_status
from ..extensions import db
from ..models import BoardMark, Run
from .board import marked
from .runs import question_of, questions_of
from .votes import answer_rows


def moderated_questions(run: Run) -> list:
    return [q for q in questions_of(run) if q.moderated]


def waiting(run: Run, question_id: str) -> list[dict]:
    """The question's texts that wait for approval, oldest first (the order they came in)."""
    question = question_of(run, question_id)
    if question is None or not question.moderated:
        return []
    hidden, approved = marked(run, "hide", question_id), marked(run, "approve", question_id)
    rows = sorted(answer_rows(run, question_id), key=lambda r: r["submitted_at"])
    return [{"ref": entry_ref(r["participant"], r["text"]), "text": r["text"], "group": r["group"],
             "at": iso_time(r["submitted_at"])}
            for r in rows if text_status(question, r, hidden, approved) == WAITING]


def approve_all(run: Run, question_id: str) -> int:
    """Approve every waiting text of the question at once; returns how many."""
    refs = sorted({entry["ref"] for entry in waiting(run, question_id)})
    for ref in refs:
        db.session.add(BoardMark(run_id=run.id, question_id=question_id, kind="approve", ref=ref))
    try:
        db.session.commit()
    except IntegrityError:  # another tab approved some of them at the same moment: do the rest
        db.session.rollback()
        return approve_all(run, question_id)
    if refs:
        changes.board_changed.send(run.id)
        changes.results_changed.send(run.id, question_id=question_id)
    return len(refs)
