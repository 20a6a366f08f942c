"""Rehearsal, clearing and deleting runs, and the workshop templates (same blueprint)."""

from __future__ import annotations

import os

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import gettext as _

from .. import presenter, services
from ..auth import facilitator_required, run_or_404
from ..domain.codes import normalize_code
from ..domain.questions import TemplateError
from ..extensions import db, socketio
from ..templates_io import find_template, list_template_files, load_template_text
from .forms import ConfirmCodeForm, DuplicateForm, RehearseForm, UploadForm


@facilitator_required
def rehearse(code: str):
    run = run_or_404(code)
    form = RehearseForm()
    if not form.validate_on_submit():
        flash(_("Check the rehearsal settings."), "error")
        return redirect(url_for(".run_console", code=run.code))
    app = current_app._get_current_object()
    settings = dict(participants=form.participants.data, groups=form.groups.data,
                    seed=form.seed.data, delay=float(form.delay.data or 0),
                    group_prefix=_("Table"))

    def run_rehearsal(run_id: int) -> None:
        with app.test_request_context():
            try:
                services.rehearsal.rehearse(db.session.get(type(run), run_id), sleep=socketio.sleep, **settings)
            except Exception:  # a failed rehearsal must not take the server with it
                app.logger.exception("rehearsal of run %s failed", run_id)
            finally:
                db.session.remove()

    socketio.start_background_task(run_rehearsal, run.id)
    flash(_("The rehearsal is running: simulated participants are answering now."), "ok")
    return redirect(url_for(".run_console", code=run.code))


def _confirmed(run) -> bool:
    """Clearing and deleting ask for the run's code, so a stray click does nothing."""
    form = ConfirmCodeForm()
    if form.validate_on_submit() and normalize_code(form.code.data) == run.code:
        return True
    flash(_("Type the run's code to confirm."), "error")
    return False


@facilitator_required
def clear(code: str):
    run = run_or_404(code)
    if _confirmed(run):
        services.runs.clear_run(run)
        flash(_("The run is empty and ready for the real room."), "ok")
    return redirect(url_for(".run_console", code=run.code))


@facilitator_required
def delete(code: str):
    run = run_or_404(code)
    if not _confirmed(run):
        return redirect(url_for(".run_console", code=run.code))
    services.runs.delete_run(run)
    flash(_("The run and all its participants' data are deleted."), "ok")
    return redirect(url_for(".console"))


@facilitator_required
def template_preview(template_id: str):
    found = find_template(current_app.config["QUESTIONS_DIR"], template_id)
    if found is None or not found.ok:
        abort(404)
    return render_template("facilitator/template_preview.html", file=found.name,
                           preview=presenter.template_preview(found.template),
                           duplicate_form=DuplicateForm())


@facilitator_required
def duplicate_template(template_id: str):
    folder = current_app.config["QUESTIONS_DIR"]
    found = find_template(folder, template_id)
    form = DuplicateForm()
    if found is None or not found.ok:
        abort(404)
    if not form.validate_on_submit():
        flash(_("Use letters, digits, - or _ for the new id."), "error")
        return redirect(url_for(".template_preview", template_id=template_id))
    target = os.path.join(folder, f"{form.new_id.data}.yaml")
    if os.path.exists(target) or find_template(folder, form.new_id.data):
        flash(_("A workshop with that id exists already."), "error")
        return redirect(url_for(".template_preview", template_id=template_id))
    with open(os.path.join(folder, found.name), encoding="utf-8") as handle:
        text = handle.read()
    text = text.replace(f"id: {found.template.id}", f"id: {form.new_id.data}", 1)
    load_template_text(text, os.path.basename(target))  # the copy must be valid too
    with open(target, "x", encoding="utf-8") as handle:
        handle.write(text)
    flash(_("Copied to %(file)s: edit it, then upload or restart to use it.", file=os.path.basename(target)), "ok")
    return redirect(url_for(".template_preview", template_id=form.new_id.data))


@facilitator_required
def upload_template():
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("Choose a workshop file to upload."), "error")
        return redirect(url_for(".console"))
    upload = form.file.data
    name = os.path.basename(upload.filename or "")
    if not name.endswith((".yaml", ".yml")) or ".plan." in name:
        flash(_("The file must be a .yaml workshop file."), "error")
        return redirect(url_for(".console"))
    raw = upload.read(512 * 1024 + 1)
    try:
        template = load_template_text(raw.decode("utf-8"), name)
    except UnicodeDecodeError:
        flash(_("The file is not UTF-8 text."), "error")
        return redirect(url_for(".console"))
    except TemplateError as error:
        for problem in error.problems:
            flash(problem.render(gettext), "error")
        return redirect(url_for(".console"))
    folder = current_app.config["QUESTIONS_DIR"]
    existing = [f for f in list_template_files(folder) if f.ok and f.template.id == template.id]
    target = os.path.join(folder, f"{template.id}.yaml")
    if existing or os.path.exists(target):
        flash(_("A workshop with the id %(id)s exists already.", id=template.id), "error")
        return redirect(url_for(".console"))
    with open(target, "xb") as handle:
        handle.write(raw)
    flash(_("Workshop %(id)s added.", id=template.id), "ok")
    return redirect(url_for(".template_preview", template_id=template.id))
