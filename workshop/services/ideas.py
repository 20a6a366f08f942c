"""Upvotes on written ideas: one per participant per idea, never on one's own."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import changes
from ..domain.answers import AnswerError
from ..extensions import db
from ..models import Participant, Run, Upvote
from .board import set_mark
from .results import results
from .runs import _state_for_update, status_of, template_of


def upvote(participant: Participant, question_id: str, ref: str) -> None:
    """One upvote per participant per idea, never on one's own; refused with a reason."""
    run = participant.run
    question = template_of(run).question(question_id) if isinstance(question_id, str) else None
    if question is None or not question.upvotes:
        raise AnswerError("unknown_question")
    if status_of(_state_for_update(run, question_id)) != "open":
        raise AnswerError("closed", upvote=True)
    if not isinstance(ref, str) or len(ref) > 300:
        raise AnswerError("malformed")
    own_prefix = participant.public_id + ":"
    if ref.startswith(own_prefix):
        raise AnswerError("own_idea")
    entries = {e["ref"] for e in results(run, question_id)["entries"]}
    if ref not in entries:
        raise AnswerError("unknown_idea")
    db.session.add(Upvote(run_id=run.id, question_id=question_id, ref=ref,
                          participant_id=participant.id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AnswerError("already_upvoted") from None
    changes.results_changed.send(run.id, question_id=question_id)


def my_upvotes(participant: Participant, question_id: str) -> set[str]:
    return set(db.session.execute(
        select(Upvote.ref).filter_by(participant_id=participant.id, question_id=question_id)
    ).scalars())


def merge_ideas(run: Run, question_id: str, source: str, target: str) -> None:
    """Merge a duplicate idea into another: its voters count for the other, each once."""
    if source == target:
        raise LookupError(source)
    set_mark(run, question_id, "merge", f"{source}>{target}", True)
