"""The discussion board: pins, hides and merges of answers, notes, sharing it with the room."""

from __future__ import annotations

from sqlalchemy import select

from .. import changes
from ..domain.text import clean_text, displayable
from ..extensions import db
from ..models import BoardMark, Note, Run
from .runs import template_of

# pin and hide: the board; answered and merge: ideas; approve: a moderated text may be shown
MARK_KINDS = ("pin", "hide", "answered", "merge", "approve")


def marked(run: Run, kind: str, question_id: str | None = None) -> set[str]:
    query = select(BoardMark.ref).filter_by(run_id=run.id, kind=kind)
    if question_id is not None:
        query = query.filter_by(question_id=question_id)
    return set(db.session.execute(query).scalars())


def set_mark(run: Run, question_id: str, kind: str, ref: str, on: bool) -> None:
    """Pin or hide (on) an answer, or undo it. Hidden texts leave every screen at once."""
    if kind not in MARK_KINDS or template_of(run).question(question_id) is None:
        raise LookupError(kind)
    ref = (ref or "")[:300]
    if displayable(ref) != ref:  # made of answers' texts, which are text; kept as they are
        raise LookupError(ref)
    existing = db.session.execute(
        select(BoardMark).filter_by(run_id=run.id, question_id=question_id, kind=kind, ref=ref)
    ).scalar_one_or_none()
    if on and existing is None:
        db.session.add(BoardMark(run_id=run.id, question_id=question_id, kind=kind, ref=ref))
    elif not on and existing is not None:
        db.session.delete(existing)
    db.session.commit()
    changes.board_changed.send(run.id)
    changes.results_changed.send(run.id, question_id=question_id)


def add_note(run: Run, question_id: str | None, note_text: str) -> Note:
    """A facilitator's note on the board; raises TextError for text that is not text."""
    note = Note(run_id=run.id, question_id=question_id or None, text=clean_text(note_text))
    db.session.add(note)
    db.session.commit()
    changes.board_changed.send(run.id)
    return note


def delete_note(run: Run, note_id: int) -> None:
    note = db.session.get(Note, note_id)
    if note is not None and note.run_id == run.id:
        db.session.delete(note)
        db.session.commit()
        changes.board_changed.send(run.id)


def notes_of(run: Run) -> list[Note]:
    return list(db.session.execute(
        select(Note).filter_by(run_id=run.id).order_by(Note.created_at)
    ).scalars())


def share_board(run: Run, shared: bool) -> None:
    run.board_shared = shared
    db.session.commit()
    changes.board_changed.send(run.id)
    changes.state_changed.send(run.id)  # the phones' links to the board and plan (run_state)
