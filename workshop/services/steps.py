"""What the projector shows: the session's current step, and moving through the steps.

The one place that moves the step. A step is named by its key (domain.slides.Step.key): the
lobby, a slide's or a question's id, the exercise's overview, the board or the plan. The
steps' order is the workshop file's (`steps`); any question or slide of the run, and the named
steps, can be shown out of order (skipped to, revisited, a question of the exercise put full
screen). Every move announces the run's state once (workshop.changes); the broadcaster pushes it.
"""

from __future__ import annotations

from .. import changes
from ..domain.slides import EXERCISE, LOBBY, NAMED_STEPS, Slide, Step
from ..extensions import db
from ..models import Run
from .runs import template_of


class StepError(ValueError):
    """A step this run does not have; `key` is what was asked for."""

    def __init__(self, key: str):
        self.key = key
        super().__init__(key)


def steps_of(run: Run) -> tuple[Step, ...]:
    """The run's steps in the workshop file's order."""
    return template_of(run).steps


def step_for(run: Run, key: str) -> Step | None:
    """The step a key names in this run, or None when it names nothing of it."""
    if not isinstance(key, str):
        return None
    template = template_of(run)
    if key in NAMED_STEPS:
        return Step(key)
    if template.slide(key) is not None:
        return Step("slide", key)
    if template.question(key) is not None:
        return Step("question", key)
    return None


def current(run: Run) -> Step:
    """The step on the projector now (the lobby when the stored key no longer names one)."""
    return step_for(run, run.projector_step or LOBBY) or Step(LOBBY)


def on_phones(run: Run, step: Step | None = None) -> Slide | None:
    """The slide every phone shows with the projector: the current step's, when the workshop
    file puts it on the phones (`on_phones: true`); None for any other step."""
    step = step or current(run)
    if step.kind != "slide":
        return None
    slide = template_of(run).slide(step.ref)
    return slide if slide is not None and slide.on_phones else None


def on_screen_question(step: Step) -> str | None:
    """The question the projector shows full screen at this step (the phones mark it), if any:
    the exercise's overview and the other steps show none."""
    return step.ref if step.kind == "question" else None


def position(run: Run, step: Step | None = None) -> int | None:
    """Where a step is in the run's order: a question of the exercise that is not a step of
    its own stands where the exercise stands. None when it is in neither."""
    step = step or current(run)
    keys = [s.key for s in steps_of(run)]
    if step.key in keys:
        return keys.index(step.key)
    if step.kind == "question" and EXERCISE in keys:
        return keys.index(EXERCISE)
    return None


def set_step(run: Run, step: Step) -> None:
    """Record the step without committing (for use cases that change more in one commit).
    A question's step also makes it the projected question, so the answer counts, the R key
    and a join's push follow it."""
    run.projector_step = step.key
    if step.kind == "question":
        run.projected_question_id = step.ref


def show(run: Run, key: str) -> Step:
    """Put the step named `key` on the projector; StepError when the run has no such step."""
    step = step_for(run, key)
    if step is None:
        raise StepError(key)
    if _opens_questions(run, step):
        return step  # opened, the step set and announced once, by services.exercise
    set_step(run, step)
    db.session.commit()
    changes.state_changed.send(run.id)
    return step


def _opens_questions(run: Run, step: Step) -> bool:
    """Reaching the exercise, or a question that is a step of its own, opens it the first time
    (one key from the slides to a running exercise); revisited once opened, it is shown as it
    stands (a closed question is not reopened by walking past it)."""
    from . import exercise  # exercise uses set_step: imported here, not at the top
    from .runs import question_states

    if step.kind == EXERCISE:
        states = question_states(run)
        template = template_of(run)
        own = [q.id for q in template.questions if not q.items_from]
        if own and all(states[qid].status == "draft" for qid in own):
            exercise.open_all(run)
            return True
    elif step.kind == "question" and step.key in {s.key for s in steps_of(run)}:
        if question_states(run)[step.ref].status == "draft":
            exercise.open_question(run, step.ref)
            return True
    return False


def next_step(run: Run) -> Step:
    """The step after the current one (the last stays the last)."""
    return _move(run, +1)


def previous_step(run: Run) -> Step:
    """The step before the current one (the first stays the first)."""
    return _move(run, -1)


def _move(run: Run, delta: int) -> Step:
    steps = steps_of(run)
    if not steps:
        return current(run)
    at = position(run)
    if at is None:
        target = 0 if delta > 0 else len(steps) - 1
    else:
        target = min(max(at + delta, 0), len(steps) - 1)
    return show(run, steps[target].key)
