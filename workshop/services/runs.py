"""Runs: creating them from a workshop, finding them, their questions' state; clearing and deleting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from .. import changes
from ..domain.codes import new_code, normalize_code
from ..domain.questions import Option, Question, WorkshopTemplate
from ..domain.slides import LOBBY
from ..domain.templates import parse_template, template_to_dict
from ..extensions import db
from ..models import Answer, BoardMark, Group, Note, Participant, Plan, QuestionState, Run, Setting, Upvote, utcnow

_parsed_templates: dict[tuple[str, datetime], WorkshopTemplate] = {}

# Built once and run with parameters: composing a statement costs more than running it, and
# every request of a hall's phones runs these (benchmarks/README.md, joins).
_RUN_BY_CODE = select(Run).where(Run.code == bindparam("code"))
_STATES = select(QuestionState).where(QuestionState.run_id == bindparam("run_id"))


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


def questions_of(run: Run, states: dict[str, QuestionState] | None = None) -> list[Question]:
    states = question_states(run) if states is None else states
    return [question_of(run, q.id, states[q.id]) for q in template_of(run).questions]


def run_by_code(typed_code: str) -> Run | None:
    code = normalize_code(typed_code)
    if not code:
        return None
    return db.session.execute(_RUN_BY_CODE, {"code": code}).scalar_one_or_none()


def all_runs() -> list[Run]:
    return list(db.session.execute(select(Run).order_by(Run.created_at.desc())).scalars())


def question_states(run: Run) -> dict[str, QuestionState]:
    rows = db.session.execute(_STATES, {"run_id": run.id}).scalars()
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


def results_visible(state: QuestionState) -> bool:
    """Results are shown (on the projector and phones) only once revealed; until then the
    room sees how many answered, not what. A template's live_results reveals from the start."""
    return state.revealed


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
    # As a new run starts (the column's default): the real room joins on the lobby. Not
    # through services.steps, which imports this module; a reset is no move through the steps.
    run.projector_step = LOBBY
    db.session.commit()
    changes.state_changed.send(run.id)
    changes.board_changed.send(run.id)


def delete_run(run: Run) -> None:
    """A real delete (GDPR): the run and everything its participants left in it."""
    run_id = run.id
    for model in (Upvote, Answer, BoardMark, Note, Plan, Participant, Group, QuestionState):
        db.session.query(model).filter_by(run_id=run_id).delete(synchronize_session=False)
    # what the run kept of its own (the comparison's picks: "comparison:CODE")
    db.session.query(Setting).filter(Setting.key.like(f"%:{run.code}")).delete(synchronize_session=False)
    db.session.delete(run)
    db.session.commit()
