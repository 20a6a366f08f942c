"""The facilitator's console: sign in, start a run, open and close questions."""

from __future__ import annotations

import io

import segno
from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_babel import gettext as _

from .. import join_address, presenter, services
from ..auth import facilitator_required, run_or_404, sign_in_facilitator
from ..domain.answers import field_number
from ..domain.codes import format_code
from ..extensions import limiter
from ..templates_io import list_template_files
from .forms import (
    ActionForm,
    ConfirmCodeForm,
    JoinAddressForm,
    LoginForm,
    NewRunForm,
    RehearseForm,
    UploadForm,
)

ACTIONS = {
    "open": services.exercise.open_question,
    "close": services.exercise.close_question,
    "reveal": lambda run, qid: services.exercise.set_revealed(run, qid, True),
    "hide": lambda run, qid: services.exercise.set_revealed(run, qid, False),
    "project": services.exercise.project_question,
}


def join_url(run) -> str:
    """The link phones can open, whatever address this browser used (workshop/join_address.py)."""
    return join_address.join_url(run)


def join_address_view(back_to: str, run=None) -> dict:
    """What the join-address card shows: the address (and the run's join link), a warning,
    the choice when there are several."""
    base = join_address.join_base()
    return {"url": base.url, "link": join_address.join_url(run, base) if run else None,
            "warning": join_address.warning(base), "choices": base.choices,
            "current": base.current, "source": base.source, "can_choose": len(base.choices) > 1,
            "form": JoinAddressForm(formdata=None, next=back_to)}


def _local_path(target: str | None) -> str | None:
    """`target` when it is a path on this site (not //elsewhere), else None."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def _sign_in_failed(response) -> bool:
    # A successful sign-in redirects. Only wrong secrets use up the limit: the facilitator signs
    # in on the laptop, the presenter's view and the phone remote, often behind the venue's one
    # address, and a co-facilitator may share it.
    return response.status_code != 302


@limiter.limit("10/minute;50/hour", methods=["POST"], deduct_when=_sign_in_failed)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        if services.secret.check_facilitator_secret(form.secret.data):
            sign_in_facilitator()
            return redirect(_local_path(request.args.get("next")) or url_for(".console"))
        form.secret.errors.append(_("That is not the facilitator secret."))
    return render_template("facilitator/login.html", form=form)


def logout():
    session.clear()
    return redirect(url_for("participant.index"))


@facilitator_required
def console():
    files = list_template_files(current_app.config["QUESTIONS_DIR"])
    form = NewRunForm()
    form.template.choices = [
        (f.template.id, presenter.localized(f.template.title)) for f in files if f.ok
    ]
    # The workshop a newcomer came for is the one chosen, not the first file by name.
    if current_app.config["DEFAULT_TEMPLATE"] in {f.template.id for f in files if f.ok}:
        form.template.data = current_app.config["DEFAULT_TEMPLATE"]
    runs = [
        {"code": r.code, "display_code": format_code(r.code), "template": r.template_id,
         "created_at": r.created_at, "participants": services.joining.participant_count(r)}
        for r in services.runs.all_runs()
    ]
    broken = [{"name": f.name, "problems": [p.render(gettext) for p in f.problems]}
              for f in files if not f.ok]
    templates = [{"id": f.template.id, "title": presenter.localized(f.template.title), "file": f.name,
                  "questions": len(f.template.questions)} for f in files if f.ok]
    return render_template("facilitator/console.html", form=form, runs=runs, broken=broken,
                           templates=templates, upload_form=UploadForm(),
                           join_address=join_address_view(url_for(".console")))


@facilitator_required
def create_run():
    files = {f.template.id: f for f in list_template_files(current_app.config["QUESTIONS_DIR"]) if f.ok}
    form = NewRunForm()
    form.template.choices = [(tid, tid) for tid in files]
    if not form.validate_on_submit():
        flash(_("Choose a workshop template that has no errors."), "error")
        return redirect(url_for(".console"))
    run = services.runs.create_run(files[form.template.data].template, form.language.data)
    return redirect(url_for(".run_console", code=run.code))


@facilitator_required
def run_console(code: str):
    run = run_or_404(code)
    template = services.runs.template_of(run)
    words = presenter.card_words()
    return render_template(
        "facilitator/run.html", run=run, code=format_code(run.code),
        join_address=join_address_view(url_for(".run_console", code=run.code), run),
        title=presenter.localized(template.title), questions=presenter.run_cards(run, words),
        card_words=words, form=ActionForm(),
        participants=services.joining.participant_count(run), rehearse_form=RehearseForm(),
        confirm_form=ConfirmCodeForm(), moderation=presenter.moderation_page(run),
        steps=presenter.step_buttons(run), presenter=presenter.presenter_view(run),
    )


@facilitator_required
def choose_join_address():
    form = JoinAddressForm()
    if form.validate_on_submit() and join_address.choose(form.address.data):
        flash(_("Phones now join at %(address)s.", address=join_address.join_base().url), "ok")
    else:
        flash(_("That is not one of this computer's network addresses now. Nothing was changed."), "error")
    return redirect(_local_path(form.next.data) or url_for(".console"))


@facilitator_required
def question_action(code: str, question_id: str, action: str):
    run = run_or_404(code)
    handler = ACTIONS.get(action)
    if handler is None or services.runs.template_of(run).question(question_id) is None:
        abort(404)
    top = field_number(request.form.get("top", ""))
    if action == "open" and top is not None and 1 <= top <= 20:
        services.exercise.open_question(run, question_id, top=top)  # how many goals the fruit board takes
    else:
        handler(run, question_id)
    if _wants_json():
        return "", 204
    return redirect(url_for(".run_console", code=run.code))


def _wants_json() -> bool:
    """The run page's script asks for JSON; a plain form post (no JS) goes back to the page."""
    return request.accept_mimetypes.best == "application/json"


@facilitator_required
def show_step(code: str, step: str):
    """Put a step (the lobby, a slide, the overview, a question, the board, the plan) on the
    projector. CSRF-checked by the app; an unknown step changes nothing and says so."""
    run = run_or_404(code)
    try:
        services.steps.show(run, step)
    except services.steps.StepError:
        message = _("This workshop has no step called “%(step)s”. The projector shows what it showed.",
                    step=step[:64])
        if _wants_json():
            return {"ok": False, "error": message}, 404
        flash(message, "error")
        return redirect(url_for(".run_console", code=run.code))
    if _wants_json():
        return "", 204
    return redirect(url_for(".run_console", code=run.code, _anchor="steps"))


MOVES = {"next": services.steps.next_step, "previous": services.steps.previous_step}


@facilitator_required
def move_step(code: str, direction: str):
    """The next or the previous step of the session on the projector (keys, the remote). Its
    own path (…/step/next), so no slide or question id can be mistaken for a direction."""
    run = run_or_404(code)
    move = MOVES.get(direction)
    if move is None:
        message = _("The projector moves only to the next or the previous step. Nothing was changed.")
        if _wants_json():
            return {"ok": False, "error": message}, 404
        flash(message, "error")
        return redirect(url_for(".run_console", code=run.code))
    move(run)
    if _wants_json():
        return "", 204
    return redirect(_local_path(request.form.get("next")) or url_for(".run_console", code=run.code, _anchor="steps"))


@facilitator_required
def remote(code: str):
    """The facilitator's phone-sized remote: big buttons, the current and next step, the notes."""
    run = run_or_404(code)
    return render_template("facilitator/remote.html", run=run, code=format_code(run.code),
                           form=ActionForm(), presenter=presenter.presenter_view(run))


@facilitator_required
def presenter_page(code: str):
    """The presenter's view for the laptop beside the projector: the current and the next
    step, the notes, the countdown and the answers, the keys steering the projector."""
    run = run_or_404(code)
    template = services.runs.template_of(run)
    return render_template("facilitator/presenter.html", run=run, code=format_code(run.code),
                           title=presenter.localized(template.title), form=ActionForm(),
                           presenter=presenter.presenter_view(run))


@facilitator_required
def open_all(code: str):
    run = run_or_404(code)
    services.exercise.open_all(run)
    if _wants_json():
        return "", 204
    return redirect(url_for(".run_console", code=run.code))


@facilitator_required
def qr_code(code: str):
    run = run_or_404(code)
    buffer = io.BytesIO()
    segno.make(join_url(run), error="m").save(buffer, kind="svg", scale=10, border=2, dark="#000")
    return buffer.getvalue(), 200, {"Content-Type": "image/svg+xml"}
