"""The facilitator's discussion board, plan and exports (same blueprint as the console)."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import presenter, services
from ..auth import facilitator_required, run_or_404
from ..domain.plan import GOALS_MAX, GOALS_MIN, LIST_FIELDS, PLAN_FIELDS, choices
from .forms import MarkForm, MergeForm, NoteForm, PlanForm, RedraftForm, ShareForm


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


BLANK = ("", "—")


def _kept(choices: list[tuple[str, str]], value: str) -> list[tuple[str, str]]:
    """The choices, and the goal's current value if it is not among them (a plan saved before
    the list had it): shown and kept as it is, never silently dropped on the next save."""
    return choices + [(value, value)] if value and value not in {v for v, _label in choices} else choices


def _category_choices(suggestions, lang, room: list[str], current: str):
    """The room's categories first (its answers to question 1), then the others the deck names."""
    every = _kept(choices(suggestions, "categories", lang), current)
    if not room:
        return [BLANK, *every]
    return {None: [BLANK],
            _("From the room's answers"): [(c, dict(every)[c]) for c in room],
            _("Other categories"): [c for c in every if c[0] not in room]}


def _plan_form(run, suggestions, lang, formdata=None):
    goals = services.plan.plan_of(run).goals
    form = PlanForm(formdata=formdata) if formdata is not None else PlanForm(
        data={"goals": [_goal_form_data(g) for g in goals]})
    fruits = list(services.plan.fruit_labels(run, suggestions, lang).items())
    room = [c["id"] for c in services.plan.room_categories(run, suggestions, lang)]
    for n, entry in enumerate(form.goals):
        stored = goals[n] if n < len(goals) else {}
        entry.fruit.choices = [BLANK, *_kept(fruits, stored.get("fruit", ""))]
        entry.category.choices = _category_choices(suggestions, lang, room, stored.get("category", ""))
        for field, key in ((entry.area, "follow_up_areas"), (entry.frequency, "frequencies"),
                           (entry.responsible, "roles")):
            field.choices = [BLANK, *_kept(choices(suggestions, key, lang), stored.get(field.short_name, ""))]
        entry.report_to.choices = choices(suggestions, "stakeholders", lang)
        entry.sanctions.choices = choices(suggestions, "sanctions", lang)
        entry.incentives.choices = choices(suggestions, "incentives", lang)
    return form


def _goal_form_data(goal: dict) -> dict:
    data = {field: goal.get(field, "") for field in PLAN_FIELDS if field != "goal_key"}
    for field in ("supplier_questions", "startup_agenda"):
        data[field] = "\n".join(goal.get(field, []))
    for field in ("report_to", "sanctions", "incentives"):
        data[field] = goal.get(field, [])
    return data


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()][:6]


def _goal_from_form(entry, previous: dict | None) -> dict:
    data = entry.data
    return {
        "goal": data["goal"].strip(),
        "goal_key": (previous or {}).get("goal_key", ""),
        **{field: data[field] or "" for field in ("fruit", "category", "area", "frequency", "responsible")},
        **{field: (data[field] or "").strip() for field in ("measure", "report", "responsible_name", "risk")},
        **{field: data[field] or [] for field in ("report_to", "sanctions", "incentives")},
        "supplier_questions": _lines(data["supplier_questions"]),
        "startup_agenda": _lines(data["startup_agenda"]),
    }


def _new_goal() -> dict:
    return {"goal": _("New goal"), "goal_key": "", **{field: [] for field in LIST_FIELDS}}


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
                if len(goals) < GOALS_MAX:
                    goals.append(_new_goal())
                else:
                    flash(_("Start realistic: a plan has at most %(max)d goals.", max=GOALS_MAX), "error")
            services.plan.save_plan(run, goals[:GOALS_MAX])
            flash(_("The plan is saved."), "ok")
            return redirect(url_for(".plan", code=run.code))
        flash(_("The plan was not saved: see the marked fields."), "error")
    else:
        form = _plan_form(run, suggestions, lang)
    return render_template("facilitator/plan.html", run=run, form=form, redraft=RedraftForm(),
                           doc=services.plan.plan_document(run), goals_min=GOALS_MIN, goals_max=GOALS_MAX,
                           too_few=len(form.goals) < GOALS_MIN, can_add=len(form.goals) < GOALS_MAX)


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
def plan_docx(code: str):
    run = run_or_404(code)
    if services.plan.plan_suggestions(run) is None:
        return render_template("error.html", message=_("This workshop has no plan suggestions.")), 404
    return _download(services.plan.plan_docx(run), f"{run.code}-plan.docx",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def _headers() -> str:
    """Headers in the run's language, or the stable machine names with ?headers=keys."""
    return "keys" if request.args.get("headers") == "keys" else "labels"


@facilitator_required
def export_csv(code: str, table: str):
    run = run_or_404(code)
    if table not in services.exports.TABLES:
        abort(404)
    sep = "," if request.args.get("sep") in (",", "comma") else ";"
    body = services.exports.csv_file(run, table, sep=sep, headers=_headers())
    return _download(body, f"{run.code}-{table}.csv", "text/csv; charset=utf-8")


@facilitator_required
def export_xlsx(code: str):
    run = run_or_404(code)
    return _download(services.exports.workbook(run, headers=_headers()), f"{run.code}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _download(body: bytes, filename: str, mimetype: str):
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
