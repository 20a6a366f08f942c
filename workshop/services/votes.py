"""Votes: checked and written together in batches (the group commit); the answers as plain rows."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

from flask import current_app
from sqlalchemy import and_, bindparam, exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from .. import changes
from ..domain.answers import AnswerError, AnswerItem
from ..domain.question_types import validate_answer
from ..domain.text import displayable, displayable_data
from ..domain.vote_ids import made_at
from ..extensions import db
from ..group_commit import GroupCommit
from ..models import Answer, Group, Participant, QuestionState, Run, Upvote, utcnow
from .runs import question_of, status_of, template_of

_log = logging.getLogger(__name__)

class Voter(NamedTuple):
    """Who votes: enough to write their answer without loading them (the live path knows
    both from the connection's join)."""
    id: int
    run_id: int


class Vote(NamedTuple):
    participant_id: int
    run_id: int
    question_id: object  # as it came from the phone: checked when written
    fields: Mapping[str, list[str]]
    vote_id: str | None


def submit_answer(
    participant: Participant | Voter, question_id: str, fields: Mapping[str, list[str]],
    vote_id: str | None = None,
) -> list[AnswerItem]:
    """Validate and store a participant's answer, replacing their earlier one.

    Written together with the other votes that arrive meanwhile (workshop.group_commit);
    returns once it is committed, or raises the AnswerError that refused it."""
    vote = Vote(participant.id, participant.run_id, question_id, fields, vote_id)
    return current_app.extensions["workshop.vote_writer"].submit(vote)


def new_vote_writer() -> GroupCommit[Vote]:
    return GroupCommit(write_votes)


def write_votes(votes: Sequence[Vote]) -> list[list[AnswerItem] | AnswerError]:
    """Check and store a batch of votes in one transaction; one outcome per vote.

    A vote whose id is already stored counts once (its outcome is as the first time); a vote
    the phone made before the answer already stored (by their vote ids) is refused as
    superseded and changes nothing: phones resend what they made offline, in any order."""
    # Plain rows on a connection of its own, no ORM: this runs for every batch of a full
    # hall, and the caller's session may hold objects the caller still uses.
    with db.engine.connect() as connection:
        outcomes, rows = _checked_votes(connection, votes)
        written: set[tuple[int, str]] = set()
        if rows:
            try:
                written = {tuple(key) for key in connection.execute(
                    _answer_upsert(connection), [row for row, _ in rows.values()])}
                for key in rows.keys() - written:
                    row, index = rows[key]
                    if _stored_vote_id(connection, key) != row["vote_id"]:
                        outcomes[index] = AnswerError("superseded")
                connection.commit()
            except IntegrityError:
                connection.rollback()
                if len(votes) > 1:  # one vote's participant went away: the others still count
                    return [outcome for vote in votes for outcome in write_votes([vote])]
                return [AnswerError("not_joined")]
    for run_id, question_id in sorted({(rows[key][0]["run_id"], key[1]) for key in written}):
        changes.results_changed.send(run_id, question_id=question_id)
    return outcomes


def _stored_vote_id(connection, key: tuple[int, str]) -> str | None:
    # Only for a vote the upsert did not write (a resend, or one made before the stored answer).
    return connection.execute(_STORED_VOTE_ID, {"participant_id": key[0], "question_id": key[1]}).scalar()


class _RunKey(NamedTuple):  # what template_of needs of a run
    id: int
    code: str
    created_at: datetime


# Built once: constructing statements was a fifth of a batch's cost (cProfile).
_OPEN_STATES = (
    select(QuestionState.run_id, QuestionState.question_id, QuestionState.status,
           QuestionState.closes_at, QuestionState.items, Run.code, Run.created_at)
    .join(Run, Run.id == QuestionState.run_id)
    .where(QuestionState.run_id.in_(bindparam("run_ids", expanding=True)))
    # Shared locks on PostgreSQL: closing a question waits for the votes being written.
    .with_for_update(read=True, of=QuestionState)
)


_JOINED = select(Participant.id, Participant.run_id).where(
    Participant.id.in_(bindparam("participant_ids", expanding=True)))


_RUN_TEMPLATE = select(Run.template).where(Run.id == bindparam("run_id"))


_STORED_VOTE_ID = select(Answer.vote_id).where(
    Answer.participant_id == bindparam("participant_id"), Answer.question_id == bindparam("question_id"))


_ANSWER_UPSERTS: dict[str, object] = {}


def _checked_votes(connection, votes: Sequence[Vote]) -> tuple[list, dict]:
    runs: dict[int, _RunKey] = {}
    states = {}
    for state in connection.execute(_OPEN_STATES, {"run_ids": list({v.run_id for v in votes})}):
        runs[state.run_id] = _RunKey(state.run_id, state.code, state.created_at)
        states[(state.run_id, state.question_id)] = state
    joined = {tuple(row) for row in connection.execute(
        _JOINED, {"participant_ids": list({v.participant_id for v in votes})})}
    now = utcnow()
    outcomes: list = []
    rows: dict[tuple[int, str], tuple[dict, int]] = {}  # -> (row, index of its vote)
    for vote in votes:
        try:
            run = runs.get(vote.run_id)
            if run is None or (vote.participant_id, vote.run_id) not in joined:
                raise AnswerError("not_joined")
            template = template_of(run, lambda run=run: connection.execute(
                _RUN_TEMPLATE, {"run_id": run.id}).scalar_one())
            state = states.get((run.id, vote.question_id)) if isinstance(vote.question_id, str) else None
            if state is None or template.question(vote.question_id) is None:
                raise AnswerError("unknown_question")
            if status_of(state, now) != "open":
                raise AnswerError("closed")
            items = validate_answer(question_of(run, vote.question_id, state), vote.fields)
        except AnswerError as error:
            outcomes.append(error)
            continue
        except Exception as error:  # one vote must never fail its whole batch
            _log.warning("vote refused: %s: %.200r", type(error).__name__, str(error))
            outcomes.append(AnswerError("malformed"))
            continue
        outcomes.append(items)
        key = (vote.participant_id, vote.question_id)
        row = {
            "run_id": run.id, "participant_id": vote.participant_id,
            "question_id": vote.question_id, "items": [i.to_dict() for i in items],
            "vote_id": vote.vote_id, "made_at_ms": made_at(vote.vote_id), "submitted_at": now,
        }
        earlier = rows.get(key)
        if earlier is not None and _made_before(row, earlier[0]):
            # The same phone twice in one batch, the one made later first: as one by one.
            if row["vote_id"] != earlier[0]["vote_id"]:
                outcomes[-1] = AnswerError("superseded")
            continue
        # Otherwise the later vote wins, as it would one by one.
        rows[key] = (row, len(outcomes) - 1)
    return outcomes, rows


def _made_before(row: dict, other: dict) -> bool:
    return row["made_at_ms"] is not None and other["made_at_ms"] is not None \
        and row["made_at_ms"] < other["made_at_ms"]


def _answer_upsert(connection):
    # One statement per answer, so two phones (or a retry) never race between a read and a
    # write. It writes only an answer that is not the one stored (a resend of the same vote id
    # changes nothing) and was not made before it (the phone's time in the vote ids; an answer
    # without one, as a form post sends it, is the newest); RETURNING says which it wrote.
    dialect = connection.dialect.name
    if dialect not in _ANSWER_UPSERTS:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        table = Answer.__table__
        statement = insert(table)
        _ANSWER_UPSERTS[dialect] = statement.on_conflict_do_update(
            index_elements=["participant_id", "question_id"],
            set_={"items": statement.excluded["items"], "vote_id": statement.excluded.vote_id,
                  "made_at_ms": statement.excluded.made_at_ms,
                  "submitted_at": statement.excluded.submitted_at},
            where=and_(
                or_(table.c.vote_id.is_(None), table.c.vote_id.is_distinct_from(statement.excluded.vote_id)),
                or_(table.c.made_at_ms.is_(None), statement.excluded.made_at_ms.is_(None),
                    statement.excluded.made_at_ms >= table.c.made_at_ms)),
        ).returning(table.c.participant_id, table.c.question_id)
    return _ANSWER_UPSERTS[dialect]


def own_answers(participant: Participant) -> dict[str, list[AnswerItem]]:
    rows = db.session.execute(
        select(Answer).filter_by(participant_id=participant.id)
    ).scalars()
    return {a.question_id: [AnswerItem.from_dict(i) for i in displayable_data(a.items)] for a in rows}


_ANSWERED_OR_UPVOTED = select(or_(  # built once: every phone page of a hall asks
    exists().where(Answer.participant_id == bindparam("participant_id")),
    exists().where(Upvote.run_id == bindparam("run_id"), Upvote.participant_id == bindparam("participant_id")),
))


def answered_or_upvoted(participant: Participant) -> bool:
    """Whether the participant has left anything of their own in the run: until then their
    page is every newcomer's (presenter.PageOwner)."""
    return bool(db.session.execute(_ANSWERED_OR_UPVOTED, {
        "participant_id": participant.id, "run_id": participant.run_id}).scalar())


def answer_rows(run: Run, question_id: str | None = None) -> list[dict]:
    """Every answer item of a run as plain rows (for aggregation and exports)."""
    # Plain columns, not ORM objects: this runs for every results push of a full hall.
    query = (
        select(Answer.question_id, Answer.items, Answer.submitted_at, Participant.public_id,
               Participant.display_name, Group.name)
        .join(Participant, Answer.participant_id == Participant.id)
        .join(Group, Participant.group_id == Group.id)
        .where(Answer.run_id == run.id)
    )
    if question_id is not None:
        query = query.where(Answer.question_id == question_id)
    rows = []
    for qid, items, submitted_at, public_id, display_name, group in db.session.execute(query):
        # Stored before the text hygiene (or by a bug): shown with U+FFFD, never a failure.
        display_name = display_name and displayable(display_name)
        group = displayable(group)
        for item in items:
            written = item.get("text")
            rows.append({
                "question": qid, "participant": public_id,
                "display_name": display_name, "group": group, "option": item.get("option"),
                "text": displayable(written) if isinstance(written, str) else written,
                "rank": item.get("rank"), "place": item.get("place"),
                "points": item.get("points"), "submitted_at": submitted_at,
            })
    return rows


def answer_count(run: Run, question_id: str) -> int:
    """How many have answered (one answer per participant and question)."""
    return db.session.query(Answer).filter_by(run_id=run.id, question_id=question_id).count()


def answering_tables(run: Run, question_id: str) -> int:
    """How many tables have at least one answer to the question (the exercise's overview)."""
    return int(db.session.execute(
        select(func.count(func.distinct(Participant.group_id)))
        .join(Answer, Answer.participant_id == Participant.id)
        .where(Answer.run_id == run.id, Answer.question_id == question_id)).scalar_one())


def entry_count(run: Run, question_id: str) -> int:
    """How many written entries a question has, without building its results."""
    # Counted by the database: decoding every answer's JSON here took a third of the worker's
    # CPU in a full hall (this runs for every push of an ideas question).
    total = db.session.execute(
        select(func.coalesce(func.sum(func.json_array_length(Answer.items)), 0))
        .filter_by(run_id=run.id, question_id=question_id)).scalar_one()
    return int(total)
