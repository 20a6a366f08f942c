"""The big screen: large type, high contrast, no controls. Opened from the facilitator's laptop."""

from __future__ import annotations

from flask import jsonify, render_template, url_for

from .. import join_address, presenter, services
from ..auth import facilitator_required, run_or_404
from ..domain.codes import format_code


@facilitator_required
def projector(code: str):
    run = run_or_404(code)
    template = services.runs.template_of(run)
    base = join_address.join_base()  # the room's address, not the one this laptop opened
    return render_template(
        "projector/projector.html", run=run, code=format_code(run.code),
        title=presenter.localize(template.title, run.language),
        join_url=join_address.join_url(run, base), join_warning=join_address.warning(base),
        qr_url=url_for("facilitator.qr_code", code=run.code),
        slides=presenter.projector_slides(run, presenter.current_language()),
    )


@facilitator_required
def board(code: str):
    run = run_or_404(code)
    return render_template(
        "projector/board.html", run=run, board=presenter.board_page(run))


@facilitator_required
def board_fragment(code: str):
    run = run_or_404(code)
    return render_template("_board.html", board=presenter.board_page(run))


@facilitator_required
def comparison(code: str):
    """The comparison step's figures: this run beside the earlier runs the facilitator put on
    the projector, read again while the step is shown (this run's figures still move)."""
    run = run_or_404(code)
    page = presenter.comparison_page(run, services.comparison.projected_picks(run))
    return jsonify(headings=page["headings"], questions=page["questions"])
