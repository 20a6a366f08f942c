"""Database models. All workshop state lives here so a restart or a second process sees it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, UniqueConstraint

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Setting(db.Model):
    key = db.Column(db.String(64), primary_key=True)
    value = db.Column(db.Text, nullable=False)


class Run(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(12), unique=True, nullable=False, index=True)
    template_id = db.Column(db.String(64), nullable=False)
    # A snapshot of the template at creation: editing questions/ later never breaks a run.
    # Deferred: a vote needs the run, not its template (parsed once per process and cached).
    template = db.deferred(db.Column(JSON, nullable=False))
    language = db.Column(db.String(8), nullable=False, default="nb")
    projected_question_id = db.Column(db.String(64))
    # What the projector shows: a step's key (lobby, a slide's or question's id, exercise,
    # board, plan). Moved only by workshop/services/steps.py.
    projector_step = db.Column(db.String(64), nullable=False, default="lobby", server_default="lobby")
    # The discussion board is shown on phones only once the facilitator shares it.
    board_shared = db.Column(db.Boolean, nullable=False, default=False, server_default="0")
    # Whether other runs of the same workshop file may show this run's figures beside theirs.
    in_comparisons = db.Column(db.Boolean, nullable=False, default=True, server_default="1")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    groups = db.relationship("Group", backref="run", cascade="all, delete-orphan")
    participants = db.relationship("Participant", backref="run", cascade="all, delete-orphan")
    question_states = db.relationship(
        "QuestionState", backref="run", cascade="all, delete-orphan"
    )
    answers = db.relationship("Answer", backref="run", cascade="all, delete-orphan")
    marks = db.relationship("BoardMark", backref="run", cascade="all, delete-orphan")
    notes = db.relationship("Note", backref="run", cascade="all, delete-orphan")
    plan = db.relationship("Plan", backref="run", cascade="all, delete-orphan", uselist=False)
    upvotes = db.relationship("Upvote", backref="run", cascade="all, delete-orphan")


class QuestionState(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    run_id = db.Column(db.Integer, db.ForeignKey("run.id"), nullable=False, index=True)
    question_id = db.Column(db.String(64), nullable=False)
    status = db.Column(db.String(16), nullable=False, default="draft")  # draft, open, closed
    opened_at = db.Column(db.DateTime)
    closes_at = db.Column(db.DateTime)
    revealed = db.Column(db.Boolean, nullable=False, default=False)
    # Items fixed when a question that draws them from another is opened (the fruit board's
    # goals): [{"id": key, "label": {"nb": ..., "en": ...}}]
    items = db.Column(JSON)
    __table_args__ = (UniqueConstraint("run_id", "question_id"),)


class Group(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    run_id = db.Column(db.Integer, db.ForeignKey("run.id"), nullable=False, index=True)
    name = db.Column(db.String(40), nullable=False)
    __table_args__ = (UniqueConstraint("run_id", "name"),)


class Participant(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    run_id = db.Column(db.Integer, db.ForeignKey("run.id"), nullable=False, index=True)
    # Indexed: the lobby's count per table runs on every results push while a hall joins,
    # and without it SQLite scanned every participant once per table (24 ms at 2,000).
    group_id = db.Column(db.Integer, db.ForeignKey("group.id"), nullable=False, index=True)
    # Secret, kept in the phone's session cookie; never shown to anyone.
    token = db.Column(db.String(64), unique=True, nullable=False)
    # Pseudonymous id for exports and screens.
    public_id = db.Column(db.String(16), nullable=False)
    display_name = db.Column(db.String(40))
    language = db.Column(db.String(8))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    group = db.relationship("Group")


class Answer(db.Model):
    """A participant's current answer to one question (changing it replaces the items)."""

    id = db.Column(db.Integer, primary_key=True)
    run_id = db.Column(db.Integer, db.ForeignKey("run.id"), nullable=False, index=True)
    participant_id = db.Column(db.Integer, db.ForeignKey("participant.id"), nullable=False)
    question_id = db.Column(db.String(64), nullable=False)
    # Normalised answer items: [{"option": id|None, "text": str|None, "rank": int|None}]
    items = db.Column(JSON, nullable=False)
    # The phone's id of the answer stored (a resend of it counts once), and when the phone made
    # it by its own clock (ms, from the id; domain/vote_ids.py): an older one never replaces it.
    vote_id = db.Column(db.String(64))
    made_at_ms = db.Column(db.BigInteger)
    submitted_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    __table_args__ = (
        UniqueConstraint("participant_id", "question_id"),
        db.Index("ix_answer_run_question", "run_id", "question_id"),
    )
    participant = db.relationship("Participant")


class BoardMark(db.Model):
    """A facilitator's mark on the discussion board: a pinned answer or a hidden text entry."""

    id = db.Column(db.Integer, primary_key=True)
    run_id = db.Column(db.Integer, db.ForeignKey("run.id"), nullable=False, index=True)
    question_id = db.Column(db.String(64), nullable=False)
    kind = db.Column(db.String(8), nullable=False)  # pin, hide, answered, merge
    ref = db.Column(db.String(300), nullable=False)  # an option key or a text entry's ref
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    __table_args__ = (UniqueConstraint("run_id", "question_id", "kind", "ref"),)


class Note(db.Model):
    """A short discussion note the facilitator writes during the plenary."""

    id = db.Column(db.Integer, primary_key=True)
    run_id = db.Column(db.Integer, db.ForeignKey("run.id"), nullable=False, index=True)
    question_id = db.Column(db.String(64))
    text = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class Plan(db.Model):
    """The starter follow-up plan, drafted from the results and edited by the facilitator."""

    id = db.Column(db.Integer, primary_key=True)
    run_id = db.Column(db.Integer, db.ForeignKey("run.id"), nullable=False, unique=True)
    goals = db.Column(JSON, nullable=False)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class Upvote(db.Model):
    """One participant's upvote of one written entry (an idea); once per participant and idea."""

    id = db.Column(db.Integer, primary_key=True)
    run_id = db.Column(db.Integer, db.ForeignKey("run.id"), nullable=False, index=True)
    question_id = db.Column(db.String(64), nullable=False)
    ref = db.Column(db.String(300), nullable=False)
    participant_id = db.Column(db.Integer, db.ForeignKey("participant.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    __table_args__ = (UniqueConstraint("run_id", "question_id", "ref", "participant_id"),)
