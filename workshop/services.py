"""The use cases. Routes and Socket.IO events both call these; they hold no HTTP details."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from . import changes
from .domain import exports
from .domain import plan as plan_domain
from .domain.aggregate import IdeaMarks
from .domain.answers import AnswerError, AnswerItem
from .domain.codes import new_code, normalize_code
from .domain.question_types import aggregate, build_board, validate_answer
from .domain.questions import Option, Question, WorkshopTemplate
from .domain.templates import parse_template, template_to_dict
from .domain.text import TextError, clean_name, clean_text, displayable, displayable_data, name_key
from .extensions import db
from .group_commit import GroupCommit
from .models import (
    Answer,
    BoardMark,
    Group,
    Note,
    Participant,
    Plan,
    QuestionState,
    Run,
    Setting,
    Upvote,
    utcnow,
)

_log = logging.getLogger(__name__)
SECRET_KEY_SETTING = "facilitator_secret_hash"
MAX_GROUP_NAME = 40
MAX_DISPLAY_NAME = 40


class JoinError(ValueError):
    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)


# --- facilitator secret -------------------------------------------------------------------

def ensure_facilitator_secret(from_environment: str | None) -> str | None:
    """Store the secret's hash. Returns a newly generated secret (to print once), else None."""
    current = db.session.get(Setting, SECRET_KEY_SETTING)
    if from_environment:
        if current is None or not check_password_hash(current.value, from_environment):
            _store_secret_hash(from_environment)
        return None
    if current is not None:
        return None
    secret = generate_secret()
    _store_secret_hash(secret)
    return secret


def generate_secret() -> str:
    return secrets.token_urlsafe(12)


def reset_facilitator_secret() -> str:
    secret = generate_secret()
    _store_secret_hash(secret)
    return secret


def _store_secret_hash(secret: str) -> None:
    setting = db.session.get(Setting, SECRET_KEY_SETTING) or Setting(key=SECRET_KEY_SETTING)
    setting.value = generate_password_hash(secret)
    db.session.add(setting)
    try:
        db.session.commit()
    except IntegrityError:  # another process stored one at the same moment: keep theirs
        db.session.rollback()


def check_facilitator_secret(given: str) -> bool:
    setting = db.session.get(Setting, SECRET_KEY_SETTING)
    return bool(given) and setting is not None and check_password_hash(setting.value, given)


# --- runs ---------------------------------------------------------------------------------

_parsed_templates: dict[tuple[str, datetime], WorkshopTemplate] = {}


def template_of(run: Run, load_document: Callable[[], dict] | None = None) -> WorkshopTemplate:
    """The run's template (a run row, or any row with its code and created_at, and a way to
    load the document when it is not parsed yet)."""
    # A run's template is a snapshot that never changes, so parsing it once per run is enough.
    key = (run.code, run.created_at)
    template = _parsed_templates.get(key)
    if template is None:
        document = load_document() if load_document else run.template
        template = _parsed_templates[key] = parse_template(document, f"run {run.code}")
    return template


def create_run(template: WorkshopTemplate, language: str = "nb") -> Run:
    for _ in range(20):
        run = Run(
            code=new_code(), template_id=template.id, template=template_to_dict(template),
            language=language, projected_question_id=template.questions[0].id,
        )
        db.session.add(run)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            continue
        for question in template.questions:
            db.session.add(QuestionState(run_id=run.id, question_id=question.id,
                                         revealed=question.live_results))
        db.session.commit()
        return run
    raise RuntimeError("could not find a free join code")


def question_of(run: Run, question_id: str, state: QuestionState | None = None) -> Question | None:
    """The question as this run asks it: a question that takes its items from an earlier one
    (the fruit board) has the items fixed when it was opened."""
    question = template_of(run).question(question_id) if isinstance(question_id, str) else None
    if question is None or question.items_from is None:
        return question
    state = state or question_states(run).get(question_id)
    items = (state.items if state else None) or []
    return replace(question, options=tuple(
        Option(id=item["id"], label=item["label"]) for item in items
    ))


def questions_of(run: Run) -> list[Question]:
    states = question_states(run)
    return [question_of(run, q.id, states[q.id]) for q in template_of(run).questions]


def _take_items(run: Run, question: Question, state: QuestionState, top: int | None) -> None:
    """Fix a fruit question's items: the answers its source question got most often."""
    source = template_of(run).question(question.items_from)
    ranked = results(run, source.id)["options"]
    # The figure is what the source's type counts: a ranking's score, a choice's count.
    chosen = sorted((o for o in ranked if o["figure"] > 0), key=lambda o: -o["figure"])
    chosen = chosen[: top or question.top]
    state.items = [
        {"id": o["key"], "label": _label_dict(source, o)} for o in chosen
    ]


def _label_dict(source: Question, option: dict) -> dict[str, str]:
    known = source.option(option["key"])
    return dict(known.label) if known else {"nb": option["label"], "en": option["label"]}


def run_by_code(typed_code: str) -> Run | None:
    code = normalize_code(typed_code)
    if not code:
        return None
    return db.session.execute(select(Run).filter_by(code=code)).scalar_one_or_none()


def all_runs() -> list[Run]:
    return list(db.session.execute(select(Run).order_by(Run.created_at.desc())).scalars())


def question_states(run: Run) -> dict[str, QuestionState]:
    rows = db.session.execute(select(QuestionState).filter_by(run_id=run.id)).scalars()
    return {qs.question_id: qs for qs in rows}


def status_of(state: QuestionState, now: datetime | None = None) -> str:
    """draft, open or closed; an open question whose countdown has run out is closed."""
    if state.status == "open" and state.closes_at and (now or utcnow()) >= state.closes_at:
        return "closed"
    return state.status


def _state_for_update(run: Run, question_id: str) -> QuestionState:
    state = db.session.execute(
        select(QuestionState).filter_by(run_id=run.id, question_id=question_id)
    ).scalar_one_or_none()
    if state is None:
        raise LookupError(question_id)
    return state


def open_question(run: Run, question_id: str, top: int | None = None) -> None:
    """Open (or reopen) a question with a fresh countdown, and show it on the projector.

    A question drawing its items from another takes them now, unless answers to it exist
    (taking new ones would orphan those answers)."""
    question = template_of(run).question(question_id)
    state = _state_for_update(run, question_id)
    if question.items_from and (not state.items or (top and not answer_count(run, question_id))):
        _take_items(run, question, state, top)
    now = utcnow()
    state.status = "open"
    state.opened_at = now
    state.closes_at = now + timedelta(seconds=question.duration)
    run.projected_question_id = question_id
    db.session.commit()
    changes.state_changed.send(run.id)


def open_all(run: Run) -> None:
    """The group exercise: every question open at once, for the same countdown."""
    now = utcnow()
    template = template_of(run)
    duration = max(q.duration for q in template.questions)
    for state in question_states(run).values():
        if template.question(state.question_id).items_from:
            continue  # drawn from the others' answers: opened after them
        state.status = "open"
        state.opened_at = now
        state.closes_at = now + timedelta(seconds=duration)
    db.session.commit()
    changes.state_changed.send(run.id)


def close_question(run: Run, question_id: str) -> None:
    state = _state_for_update(run, question_id)
    if state.status == "open":
        state.status = "closed"
        state.closes_at = min(state.closes_at or utcnow(), utcnow())
    db.session.commit()
    changes.state_changed.send(run.id)


def set_revealed(run: Run, question_id: str, revealed: bool) -> None:
    state = _state_for_update(run, question_id)
    state.revealed = revealed
    db.session.commit()
    changes.state_changed.send(run.id)  # (a state push carries every question's results)


def project_question(run: Run, question_id: str) -> None:
    _state_for_update(run, question_id)
    run.projected_question_id = question_id
    db.session.commit()
    changes.state_changed.send(run.id)


def results_visible(state: QuestionState) -> bool:
    """Results are shown (on the projector and phones) only once revealed; until then the
    room sees how many answered, not what. A template's live_results reveals from the start."""
    return state.revealed


# --- participants -------------------------------------------------------------------------

def groups_of(run: Run) -> list:
    """The run's tables, by name: rows with `id` and `name` (plain columns, not ORM objects:
    every join page of a hall lists them)."""
    return list(db.session.execute(
        select(Group.id, Group.name).where(Group.run_id == run.id).order_by(Group.name)))


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
    return db.session.execute(
        select(Participant).filter_by(run_id=run.id, token=token)
    ).scalar_one_or_none()


# --- answers ------------------------------------------------------------------------------

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
    """Check and store a batch of votes in one transaction; one outcome per vote."""
    # Plain rows on a connection of its own, no ORM: this runs for every batch of a full
    # hall, and the caller's session may hold objects the caller still uses.
    with db.engine.connect() as connection:
        outcomes, rows = _checked_votes(connection, votes)
        if rows:
            try:
                connection.execute(_answer_upsert(connection), list(rows.values()))
                connection.commit()
            except IntegrityError:
                connection.rollback()
                if len(votes) > 1:  # one vote's participant went away: the others still count
                    return [outcome for vote in votes for outcome in write_votes([vote])]
                return [AnswerError("not_joined")]
    for run_id, question_id in sorted({(row["run_id"], row["question_id"]) for row in rows.values()}):
        changes.results_changed.send(run_id, question_id=question_id)
    return outcomes


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
    rows: dict[tuple[int, str], dict] = {}
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
        # The same phone twice in one batch: the later vote wins, as it would one by one.
        rows[(vote.participant_id, vote.question_id)] = {
            "run_id": run.id, "participant_id": vote.participant_id,
            "question_id": vote.question_id, "items": [i.to_dict() for i in items],
            "vote_id": vote.vote_id, "submitted_at": now,
        }
    return outcomes, rows


def _answer_upsert(connection):
    # One statement per answer, so two phones (or a retry) never race between a read and a write.
    dialect = connection.dialect.name
    if dialect not in _ANSWER_UPSERTS:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        statement = insert(Answer.__table__)
        _ANSWER_UPSERTS[dialect] = statement.on_conflict_do_update(
            index_elements=["participant_id", "question_id"],
            set_={"items": statement.excluded["items"], "vote_id": statement.excluded.vote_id,
                  "submitted_at": statement.excluded.submitted_at},
        )
    return _ANSWER_UPSERTS[dialect]


def own_answers(participant: Participant) -> dict[str, list[AnswerItem]]:
    rows = db.session.execute(
        select(Answer).filter_by(participant_id=participant.id)
    ).scalars()
    return {a.question_id: [AnswerItem.from_dict(i) for i in displayable_data(a.items)] for a in rows}


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


def results(run: Run, question_id: str, lang: str | None = None) -> dict:
    question = question_of(run, question_id)
    group_names = [g.name for g in groups_of(run)]
    return aggregate(question, answer_rows(run, question_id), lang or run.language, group_names,
                     hidden=marked(run, "hide", question_id),
                     ideas=idea_marks(run, question_id) if question.upvotes else None)


_shared_results: dict[tuple, tuple[tuple, dict]] = {}


def shared_results(run: Run, question_id: str, lang: str, version: tuple) -> dict:
    """results() for the many phones that fetch their page at the same moment (after a
    reveal, a whole hall at once): built once per change of what goes into them, then shared.
    The version (results_versions) is read from the database, so every process of a
    scale-out agrees with it. The dict is shared: read it, never change it."""
    key = (run.id, run.code, run.created_at, question_id, lang)
    cached = _shared_results.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    result = results(run, question_id, lang)
    _shared_results[key] = (version, result)
    return result


def results_versions(run: Run, states: Mapping[str, QuestionState]) -> dict[str, tuple]:
    """Per question, a summary of everything its results are built from: it changes
    whenever they would."""
    def by_question(model, *columns):
        rows = db.session.execute(select(model.question_id, func.count(), *columns)
                                  .where(model.run_id == run.id).group_by(model.question_id))
        return {row[0]: tuple(row[1:]) for row in rows}

    answers = by_question(Answer, func.max(Answer.submitted_at), func.max(Answer.id))
    # Marks are only added and removed, and each new one is later than every other: no
    # two different sets of marks have the same count and newest time.
    marks = by_question(BoardMark, func.max(BoardMark.created_at), func.max(BoardMark.id))
    upvotes = by_question(Upvote, func.max(Upvote.id))
    # The tables, not the participants: results list every table, and a phone that joins
    # without answering changes nothing else in them (each join rebuilt them for a whole hall).
    # Tables are only added (or all cleared with the questions' states).
    tables = tuple(db.session.execute(select(func.count(), func.max(Group.id))
                                      .where(Group.run_id == run.id)).one())
    return {question_id: (answers.get(question_id), marks.get(question_id),
                          upvotes.get(question_id), tables, (state.opened_at, state.revealed))
            for question_id, state in states.items()}


# --- ideas: upvotes on written entries ----------------------------------------------------

def idea_marks(run: Run, question_id: str) -> IdeaMarks:
    votes: dict[str, set[str]] = {}
    rows = db.session.execute(
        select(Upvote.ref, Upvote.participant_id).filter_by(run_id=run.id, question_id=question_id)
    )
    for ref, participant_id in rows:
        votes.setdefault(ref, set()).add(str(participant_id))
    merged = dict(ref.split(">", 1) for ref in marked(run, "merge", question_id) if ">" in ref)
    return IdeaMarks(votes=votes, merged=merged, answered=marked(run, "answered", question_id))


def upvote(participant: Participant, question_id: str, ref: str) -> None:
    """One upvote per participant per idea, never on one's own; refused with a reason."""
    run = participant.run
    question = template_of(run).question(question_id) if isinstance(question_id, str) else None
    if question is None or not question.upvotes:
        raise AnswerError("unknown_question")
    if status_of(_state_for_update(run, question_id)) != "open":
        raise AnswerError("closed")
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


def answer_count(run: Run, question_id: str) -> int:
    """How many have answered (one answer per participant and question)."""
    return db.session.query(Answer).filter_by(run_id=run.id, question_id=question_id).count()


def entry_count(run: Run, question_id: str) -> int:
    """How many written entries a question has, without building its results."""
    # Counted by the database: decoding every answer's JSON here took a third of the worker's
    # CPU in a full hall (this runs for every push of an ideas question).
    total = db.session.execute(
        select(func.coalesce(func.sum(func.json_array_length(Answer.items)), 0))
        .filter_by(run_id=run.id, question_id=question_id)).scalar_one()
    return int(total)


def participant_count(run: Run) -> int:
    return db.session.query(Participant).filter_by(run_id=run.id).count()


# --- the discussion board -----------------------------------------------------------------

def marked(run: Run, kind: str, question_id: str | None = None) -> set[str]:
    query = select(BoardMark.ref).filter_by(run_id=run.id, kind=kind)
    if question_id is not None:
        query = query.filter_by(question_id=question_id)
    return set(db.session.execute(query).scalars())


def set_mark(run: Run, question_id: str, kind: str, ref: str, on: bool) -> None:
    """Pin or hide (on) an answer, or undo it. Hidden texts leave every screen at once."""
    if kind not in ("pin", "hide", "answered", "merge") or template_of(run).question(question_id) is None:
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


def board(run: Run, lang: str | None = None) -> list[dict]:
    """Every question's board, in template order, with the facilitator's pins applied."""
    pins = marked(run, "pin")
    boards = []
    for question in questions_of(run):
        result = results(run, question.id, lang)
        boards.append(dict(build_board(question, result, pins), result=result))
    return boards


# --- the starter follow-up plan -----------------------------------------------------------

def plan_suggestions(run: Run) -> dict | None:
    from flask import current_app

    from .templates_io import load_plan_suggestions

    return load_plan_suggestions(current_app.config["QUESTIONS_DIR"], run.template_id)


def draft_plan_goals(run: Run, count: int | None = None) -> list[dict]:
    """A draft from the results: the goals most groups chose, not put among the goals to stop."""
    suggestions = plan_suggestions(run)
    if suggestions is None:
        return []
    template = template_of(run)
    lang = run.language

    def result_of(key: str) -> dict | None:
        question_id = suggestions.get(key)
        return results(run, question_id, lang) if template.question(question_id or "") else None

    fruit_results = result_of("fruit_question")
    fruit_labels = {q["id"]: q["label"] for q in (fruit_results or {}).get("quadrants", [])}
    ranked = plan_domain.rank_goals(result_of("goals_question") or {"groups": [], "options": []},
                                    fruit_results, suggestions.get("skip_fruits", []))
    category = plan_domain.top_category(result_of("categories_question"), suggestions)
    return plan_domain.draft_plan(ranked, category, suggestions, lang, fruit_labels, count)


def plan_of(run: Run) -> Plan:
    plan = db.session.execute(select(Plan).filter_by(run_id=run.id)).scalar_one_or_none()
    if plan is None:
        plan = Plan(run_id=run.id, goals=draft_plan_goals(run))
        db.session.add(plan)
        try:
            db.session.commit()
        except IntegrityError:  # drafted by another request at the same moment
            db.session.rollback()
            plan = db.session.execute(select(Plan).filter_by(run_id=run.id)).scalar_one()
    return plan


def save_plan(run: Run, goals: list[dict]) -> None:
    plan = plan_of(run)
    plan.goals = goals
    db.session.commit()
    changes.board_changed.send(run.id)


def redraft_plan(run: Run, count: int | None = None) -> None:
    save_plan(run, draft_plan_goals(run, count))


def plan_rows(run: Run, lang: str | None = None) -> list[dict]:
    suggestions = plan_suggestions(run) or {}
    return plan_domain.plan_rows(plan_of(run).goals, suggestions, lang or run.language)


# --- exports ------------------------------------------------------------------------------

def export_tables(run: Run, lang: str | None = None) -> dict:
    """The run's answers, the groups' answers and the plan, as pandas tables."""
    lang = lang or run.language
    questions = questions_of(run)
    hidden = marked(run, "hide")
    all_results = {q.id: results(run, q.id, lang) for q in questions}
    return {
        "answers": exports.answers_table(run.code, questions, answer_rows(run), hidden, lang),
        "groups": exports.groups_table(run.code, questions, all_results, lang),
        "plan": exports.plan_table(run.code, plan_rows(run, lang)),
    }


# --- rehearsal, clearing and deleting runs -------------------------------------------------

def rehearse(run: Run, participants: int = 30, groups: int = 5, seed: int = 1,
             delay: float = 0.0, group_prefix: str = "Table", sleep=None) -> dict:
    """Fill a run with simulated participants who answer through the same path as phones.

    Returns what each simulated participant last sent: {(public_id, question_id): fields}."""
    from .domain.simulate import sample_texts, simulated_votes

    template = template_of(run)
    if all(status_of(s) != "open" for s in question_states(run).values()):
        open_all(run)
    people = [join_run(run, f"{group_prefix} {n % groups + 1}", f"Sim {n + 1}")
              for n in range(participants)]
    texts = sample_texts(template, run.language)
    sent: dict[tuple[str, str], dict] = {}

    def vote_all(questions: list[Question], seed_offset: int) -> None:
        for vote in simulated_votes(questions, participants, seed + seed_offset, texts,
                                    groups=groups):
            person = people[vote.participant]
            submit_answer(person, vote.question, vote.fields)
            sent[(person.public_id, vote.question)] = vote.fields
            if delay and sleep:
                sleep(delay)

    vote_all([q for q in questions_of(run) if q.items_from is None], 0)
    for question in template.questions:  # then the fruit board, drawn from those answers
        if question.items_from:
            open_question(run, question.id)
            vote_all([question_of(run, question.id)], 1)
    return sent


def clear_run(run: Run) -> None:
    """Start the run fresh: no participants, answers, marks, notes or plan; questions closed."""
    for model in (Upvote, Answer, BoardMark, Note, Plan, Participant, Group):
        db.session.query(model).filter_by(run_id=run.id).delete(synchronize_session=False)
    template = template_of(run)
    for state in question_states(run).values():
        state.status, state.opened_at, state.closes_at = "draft", None, None
        state.revealed, state.items = template.question(state.question_id).live_results, None
    run.board_shared = False
    run.projected_question_id = template_of(run).questions[0].id
    db.session.commit()
    changes.state_changed.send(run.id)
    changes.board_changed.send(run.id)


def delete_run(run: Run) -> None:
    """A real delete (GDPR): the run and everything its participants left in it."""
    run_id = run.id
    for model in (Upvote, Answer, BoardMark, Note, Plan, Participant, Group, QuestionState):
        db.session.query(model).filter_by(run_id=run_id).delete(synchronize_session=False)
    db.session.delete(run)
    db.session.commit()
