"""This run beside earlier runs of the same workshop file (same blueprint as the console)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from .. import presenter, services
from ..auth import facilitator_required, run_or_404
from ..domain.slides import COMPARISON
from .board import _download, _headers
from .forms import ShareForm


def _picked(values) -> list[str]:
    """The earlier runs the facilitator ticked (run=CODE, repeated, in the query or the form);
    codes of no comparable run are ignored by the comparison."""
    return [code.strip().upper() for code in values.getlist("run")[:50]]


@facilitator_required
def comparison(code: str):
    run = run_or_404(code)
    picked = _picked(request.args)
    return render_template("facilitator/comparison.html", run=run,
                           comparison=presenter.comparison_page(run, picked),
                           csv_url=url_for(".comparison_csv", code=run.code, run=picked),
                           leave_out_form=ShareForm())


@facilitator_required
def comparison_csv(code: str):
    run = run_or_404(code)
    sep = "," if request.args.get("sep") in (",", "comma") else ";"
    body = services.comparison.csv_file(run, _picked(request.args), sep=sep, headers=_headers())
    return _download(body, f"{run.code}-comparison.csv", "text/csv; charset=utf-8")


@facilitator_required
def project(code: str):
    """Put this run beside the ticked earlier runs on the projector (the comparison step)."""
    run = run_or_404(code)
    if not FlaskForm().validate_on_submit():  # only the CSRF token: the ticked runs come as `run`
        abort(400)
    picked = _picked(request.form)
    services.comparison.project(run, picked)
    services.steps.show(run, COMPARISON)
    return redirect(url_for(".comparison", code=run.code, run=picked))


@facilitator_required
def in_comparisons(code: str):
    run = run_or_404(code)
    form = ShareForm()
    if not form.validate_on_submit():
        abort(400)
    services.comparison.set_in_comparisons(run, form.on.data == "1")
    return redirect(url_for(".comparison", code=run.code))
