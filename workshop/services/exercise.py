"""The facilitator steering the exercise: opening, closing, revealing and projecting questions.
Opening one question puts it on the projector, opening them all the exercise's overview
(through services.steps, which moves the projector's step)."""

from __future__ import annotations

from datetime import timedelta

from .. import changes
from ..domain.questions import Question
from ..domain.slides import EXERCISE, Step
from ..extensions import db
from ..models import QuestionState, Run, utcnow
from .results import results
from .runs import _state_for_update, question_states, template_of
from .steps import set_step
from .votes import answer_count


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
    set_step(run, Step("question", question_id))
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
    set_step(run, Step(EXERCISE))  # the overview: how far the tables have come on each
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
    """The question's step on the projector (hidden or revealed, as it stands)."""
    _state_for_update(run, question_id)
    set_step(run, Step("question", question_id))
    db.session.commit()
    changes.state_changed.send(run.id)
