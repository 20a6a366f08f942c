"""Joining a run: a table (one table per name, however it is typed) and a participant."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import changes
from ..domain.text import TextError, clean_name, name_key
from ..extensions import db
from ..models import Group, Participant, Run

MAX_GROUP_NAME = 40


MAX_DISPLAY_NAME = 40

# Built once (every request of a hall's phones runs them): see services.runs.
_TABLES = select(Group.id, Group.name).where(Group.run_id == bindparam("run_id")).order_by(Group.name)
# With the table: the phone's page shows its name.
_PARTICIPANT_BY_TOKEN = (select(Participant).options(joinedload(Participant.group))
                         .where(Participant.run_id == bindparam("run_id"), Participant.token == bindparam("token")))


class JoinError(ValueError):
    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)


def groups_of(run: Run) -> list:
    """The run's tables, by name: rows with `id` and `name` (plain columns, not ORM objects:
    every join page of a hall lists them)."""
    return list(db.session.execute(_TABLES, {"run_id": run.id}))


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
    run_id, projected = run.id, run.projected_question_id  # read before the commit expires them
    group_id = _group_named(run, name)
    if group_id is None:
        group = Group(run_id=run_id, name=name)
        db.session.add(group)
        try:
            db.session.flush()
            group_id = group.id
        except IntegrityError:  # another phone created the same table a moment ago
            db.session.rollback()
            group_id = _group_named(run, name)
    participant = Participant(
        run_id=run_id, group_id=group_id, token=secrets.token_urlsafe(24),
        public_id="p-" + secrets.token_hex(4),
        display_name=display_name or None, language=language,
    )
    db.session.add(participant)
    # Not expired by the commit: the phone is redirected with the run's code and its new
    # token, and reloading both would be two more SELECTs in every join of a hall.
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit
    if projected:  # the projector's "of N participants" (the broadcaster coalesces a hall's)
        changes.results_changed.send(run_id, question_id=projected)
    return participant


def _group_named(run: Run, name: str) -> int | None:
    """The id of the run's table of this name: "bord 3 " is the table "Bord 3" (a run has
    tens of tables at most, so they are compared here rather than by a database collation)."""
    key = name_key(name)
    return next((g.id for g in groups_of(run) if name_key(g.name) == key), None)


def participant_by_token(run: Run, token: str | None) -> Participant | None:
    if not token or not isinstance(token, str):
        return None
    return db.session.execute(_PARTICIPANT_BY_TOKEN, {"run_id": run.id, "token": token}).scalar_one_or_none()


def table_counts(run: Run) -> list[dict]:
    """Who has joined at which table: [{"name", "participants"}], by name (the lobby)."""
    rows = db.session.execute(
        select(Group.name, func.count(Participant.id))
        .join(Participant, Participant.group_id == Group.id)
        .where(Group.run_id == run.id).group_by(Group.id).order_by(Group.name))
    tables = [{"name": name, "participants": int(count)} for name, count in rows]
    # "Bord 2" before "Bord 10", as the room numbers its tables. The split alternates text and
    # digits, so the odd pieces are the numbers: "³" is a digit to isdigit() but not to int().
    return sorted(tables, key=lambda t: [int(p) if n % 2 else p.casefold()
                                         for n, p in enumerate(re.split(r"(\d+)", t["name"]))])


def participant_count(run: Run) -> int:
    return db.session.query(Participant).filter_by(run_id=run.id).count()
