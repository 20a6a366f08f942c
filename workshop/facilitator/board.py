"""The facilitator's discussion board, plan and exports (same blueprint as the console)."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import presenter, services
from ..auth import facilitator_required, run_or_404
from ..domain import exports
from ..domain.plan import PLAN_FIELDS, choices
from .forms import MarkForm, MergeForm, NoteForm, PlanForm, RedraftForm, ShareForm

EXPORT_TABLES = ("answers", "groups", "plan")


@facilitator_required
def board(code: str):
    run = run_or_404(code)
    return render_template("facilitator/board.html", run=run,
                           board=presenter.board_page(run, controls=True), note_form=NoteForm(),
                           share_form=ShareForm())


@facilitator_required
def board_fragment(code: str):
    run = run_or_404(code)
    return render_template("_board.html", board=presenter.board_page(run, controls=True))


@facilitator_required
def mark(code: str):
    run = run_or_404(code)
    form = MarkForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.board.set_mark(run, form.question_id.data, form.kind.data, form.ref.data, form.on.data == "1")
    except LookupError:
        abort(404)
    return redirect(url_for(".board", code=run.code, _anchor=f"board-{form.question_id.data}"))


@facilitator_required
def merge(code: str):
    run = run_or_404(code)
    form = MergeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.ideas.merge_ideas(run, form.question_id.data, form.source.data, form.target.data)
    except LookupError:
        abort(400)
    return redirect(url_for(".board", code=run.code, _anchor=f"board-{form.question_id.data}"))


@facilitator_required
def add_note(code: str):
    run = run_or_404(code)
    form = NoteForm()
    if form.validate_on_submit():
        question_id = form.question_id.data or None
        if question_id and services.runs.template_of(run).question(question_id) is None:
            abort(404)
        services.board.add_note(run, question_id, form.text.data)
    else:  # text that is not text is named as such; otherwise the note was empty or too long
        flash(form.text.process_errors[0] if form.text.process_errors
              else _("A note needs text, at most 500 characters."), "error")
    return redirect(url_for(".board", code=run.code))


@facilitator_required
def delete_note(code: str, note_id: int):
    run = run_or_404(code)
    services.board.delete_note(run, note_id)
    return redirect(url_for(".board", code=run.code))


@facilitator_required
def share_board(code: str):
    run = run_or_404(code)
    form = ShareForm()
    if not form.validate_on_submit():
        abort(400)
    services.board.share_board(run, form.on.data == "1")
    return redirect(url_for(".board", code=run.code))


def _plan_form(run, suggestions, lang, formdata=None):
    form = PlanForm(formdata=formdata) if formdata is not None else PlanForm(
        data={"goals": [_goal_form_data(g) for g in services.plan.plan_of(run).goals]})
    blank = [("", "—")]
    for entry in form.goals:
        entry.category.choices = blank + choices(suggestions, "categories", lang)
        entry.frequency.choices = blank + choices(suggestions, "frequencies", lang)
        entry.report_to.choices = choices(suggestions, "stakeholders", lang)
        entry.sanctions.choices = choices(suggestions, "sanctions", lang)
        entry.incentives.choices = choices(suggestions, "incentives", lang)
    return form


def _goal_form_data(goal: dict) -> dict:
    data = {field: goal.get(field, "") for field in PLAN_FIELDS if field != "goal_key"}
    data["supplier_questions"] = "\n".join(goal.get("supplier_questions", []))
    for field in ("report_to", "sanctions", "incentives"):
        data[field] = goal.get(field, [])
    return data


def _goal_from_form(entry, previous: dict | None) -> dict:
    data = entry.data
    return {
        "goal": data["goal"].strip(),
        "goal_key": (previous or {}).get("goal_key", ""),
        "fruit": (data["fruit"] or "").strip(),
        "category": data["category"] or "",
        "measure": (data["measure"] or "").strip(),
        "report_to": data["report_to"] or [],
        "frequency": data["frequency"] or "",
        "responsible": (data["responsible"] or "").strip(),
        "supplier_questions": [line.strip() for line in (data["supplier_questions"] or "").splitlines()
                               if line.strip()][:6],
        "sanctions": data["sanctions"] or [],
        "incentives": data["incentives"] or [],
        "risk": (data["risk"] or "").strip(),
    }


@facilitator_required
def plan(code: str):
    run = run_or_404(code)
    suggestions = services.plan.plan_suggestions(run)
    if suggestions is None:
        return render_template("error.html", message=_("This workshop has no plan suggestions.")), 404
    lang = run.language
    if request.method == "POST":
        form = _plan_form(run, suggestions, lang, request.form)
        if form.validate_on_submit():
            previous = services.plan.plan_of(run).goals
            goals = [
                _goal_from_form(entry, previous[n] if n < len(previous) else None)
                for n, entry in enumerate(form.goals) if not entry.remove.data
            ]
            if request.form.get("add_goal"):
                goals.append({"goal": _("New goal"), "goal_key": "", "report_to": [],
                              "supplier_questions": [], "sanctions": [], "incentives": []})
            services.plan.save_plan(run, goals[:8])
            flash(_("The plan is saved."), "ok")
            return redirect(url_for(".plan", code=run.code))
        flash(_("The plan was not saved: see the marked fields."), "error")
    else:
        form = _plan_form(run, suggestions, lang)
    return render_template("facilitator/plan.html", run=run, form=form, redraft=RedraftForm(),
                           rows=services.plan.plan_rows(run), code=presenter.format_code(run.code),
                           title=presenter.localize(services.runs.template_of(run).title, run.language))


@facilitator_required
def redraft_plan(code: str):
    run = run_or_404(code)
    form = RedraftForm()
    if not form.validate_on_submit():
        abort(400)
    services.plan.redraft_plan(run, int(form.count.data))
    flash(_("A new draft was made from the current results."), "ok")
    return redirect(url_for(".plan", code=run.code))


@facilitator_required
def export_csv(code: str, table: str):
    run = run_or_404(code)
    if table not in EXPORT_TABLES:
        abort(404)
    sep = "," if request.args.get("sep") in (",", "comma") else ";"
    body = exports.to_csv(services.exports.export_tables(run)[table], sep=sep)
    return _download(body, f"{run.code}-{table}.csv", "text/csv; charset=utf-8")


@facilitator_required
def export_xlsx(code: str):
    run = run_or_404(code)
    body = exports.to_xlsx(services.exports.export_tables(run))
    return _download(body, f"{run.code}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _download(body: bytes, filename: str, mimetype: str):
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
