"""The facilitator's queue of texts waiting for approval (questions marked moderated)."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for

from .. import presenter, services
from ..auth import facilitator_required, run_or_404
from .forms import ActionForm, ModerationForm

DECISIONS = {"approve": "approve", "reject": "hide"}  # the button -> the mark it sets


@facilitator_required
def queue_fragment(code: str):
    run = run_or_404(code)
    return render_template("facilitator/_moderation.html", run=run,
                           moderation=presenter.moderation_page(run), form=ActionForm())


@facilitator_required
def decide(code: str, question_id: str, decision: str):
    run = run_or_404(code)
    form = ModerationForm()
    if decision not in DECISIONS or not form.validate_on_submit():
        abort(400)
    try:
        services.board.set_mark(run, question_id, DECISIONS[decision], form.ref.data, True)
    except LookupError:
        abort(404)
    return redirect(url_for(".run_console", code=run.code, _anchor="moderation"))


@facilitator_required
def approve_all(code: str, question_id: str):
    run = run_or_404(code)
    if not ActionForm().validate_on_submit():
        abort(400)
    if services.runs.question_of(run, question_id) is None:
        abort(404)
    services.moderation.approve_all(run, question_id)
    return redirect(url_for(".run_console", code=run.code, _anchor="moderation"))
