"""The big screen: large type, high contrast, no controls. Opened from the facilitator's laptop."""

from __future__ import annotations

from flask import render_template, url_for

from .. import presenter, services
from ..auth import facilitator_required, run_or_404
from ..domain.codes import format_code


@facilitator_required
def projector(code: str):
    run = run_or_404(code)
    template = services.runs.template_of(run)
    return render_template(
        "projector/projector.html", run=run, code=format_code(run.code),
        title=presenter.localize(template.title, run.language),
        join_url=url_for("participant.join", code=run.code, _external=True),
        qr_url=url_for("facilitator.qr_code", code=run.code),
    )


@facilitator_required
def board(code: str):
    run = run_or_404(code)
    return render_template(
        "projector/board.html", run=run, board=presenter.board_page(run),
        fragment_url=url_for(".board_fragment", code=run.code),
    )


@facilitator_required
def board_fragment(code: str):
    run = run_or_404(code)
    return render_template("_board.html", board=presenter.board_page(run))
