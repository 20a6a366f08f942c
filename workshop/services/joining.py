"""Joining a run: a table (one table per name, however it is typed) and a participant."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import changes
from ..domain.text import TextError, clean_name, name_key
from ..extensions import db
from ..models import Group, Participant, Run

MAX_GROUP_NAME = 40


MAX_DISPLAY_NAME = 40


class JoinError(ValueError):
    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)


def groups_of(run: Run) -> list[Group]:
    return list(
        db.session.execute(select(Group).filter_by(run_id=run.id).order_by(Group.name)).scalars()
    )


def _typed_name(value: str | None) -> str:
    try:
        return clean_name(value or "")
    except TextError:
        raise JoinError("not_text") from None


def join_run(run: Run, group_name: str, display_name: str = "", language: str = "nb") -> Participant:
    name = _typed_name(group_name)
    if not name:
        raise JoinError("group_required")
    if len(name) > MAX_GROUP_NAME:
        raise JoinError("group_too_long", max=MAX_GROUP_NAME)
    display_name = _typed_name(display_name)[:MAX_DISPLAY_NAME]
    group = _group_named(run, name)
    if group is None:
        group = Group(run_id=run.id, name=name)
        db.session.add(group)
        try:
            db.session.flush()
        except IntegrityError:  # another phone created the same table a moment ago
            db.session.rollback()
            group = _group_named(run, name)
    participant = Participant(
        run_id=run.id, group_id=group.id, token=secrets.token_urlsafe(24),
        public_id="p-" + secrets.token_hex(4),
        display_name=display_name or None, language=language,
    )
    db.session.add(participant)
    db.session.commit()
    if run.projected_question_id:  # the projector's "of N participants"
        changes.results_changed.send(run.id, question_id=run.projected_question_id)
    return participant


def _group_named(run: Run, name: str) -> Group | None:
    """The run's table of this name: "bord 3 " is the table "Bord 3" (a run has tens of
    tables at most, so they are compared here rather than by a database collation)."""
    key = name_key(name)
    return next((g for g in groups_of(run) if name_key(g.name) == key), None)


def participant_by_token(run: Run, token: str | None) -> Participant | None:
    if not token or not isinstance(token, str):
        return None
    return db.session.execute(
        select(Participant).filter_by(run_id=run.id, token=token)
    ).scalar_one_or_none()


def participant_count(run: Run) -> int:
    return db.session.query(Participant).filter_by(run_id=run.id).count()
