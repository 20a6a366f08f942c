"""The participant's pages: join by code, pick a group, answer. Works without JavaScript."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext as _

from .. import presenter, services
from ..auth import participant_token, remember_participant, run_or_404
from ..domain.answers import AnswerError, normalize_fields
from ..domain.vote_ids import is_ordered_vote_id
from ..extensions import limiter
from ..messages import answer_error_message
from ..models import utcnow
from ..ratelimit import vote_allowed
from . import shared_pages
from .forms import AnswerForm, CodeForm, JoinForm


def _current_participant(run):
    return services.joining.participant_by_token(run, participant_token(run))


def _join_limit() -> str:
    return current_app.config["JOIN_LIMIT_PER_ADDRESS"]


def _join_page_limit() -> str:
    return current_app.config["JOIN_PAGE_LIMIT_PER_ADDRESS"]


def _unknown_code_limit() -> str:
    return current_app.config["JOIN_MISS_LIMIT_PER_ADDRESS"]


def _looked_up_an_unknown_code(response) -> bool:
    # The join link answers 404 for a code no run has; the code form says so on its own page.
    return response.status_code == 404 or g.get("unknown_code", False)


# Whether a code exists is what a guesser learns, from the code form and the join link alike,
# so their unknown codes count together. Every phone of a hall behind one NAT shares this
# count, but a hall's only misses are its typos on the code form (the QR code's link is
# right): if a quarter of 2,000 phones type the code in the first minute and one in ten
# mistypes, that is about 50, well under the default 120. Once the limit is reached, known
# codes are refused too: answering them would tell the guesser which exist.
UNKNOWN_CODES_SCOPE = "unknown-join-codes"
unknown_codes_typed = limiter.shared_limit(
    _unknown_code_limit, UNKNOWN_CODES_SCOPE, methods=["POST"], deduct_when=_looked_up_an_unknown_code)
unknown_codes_linked = limiter.shared_limit(
    _unknown_code_limit, UNKNOWN_CODES_SCOPE, deduct_when=_looked_up_an_unknown_code)


@limiter.limit(_join_limit, methods=["POST"])
@unknown_codes_typed
def index():
    form = CodeForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        run = services.runs.run_by_code(form.code.data)
        if run is not None:
            return redirect(url_for(".join", code=run.code))
        g.unknown_code = True
        form.code.errors.append(_("No workshop has this code. Check the code and try again."))
    return render_template("participant/index.html", form=form)


@limiter.limit(_join_limit, methods=["POST"])
# Its own scope: a lookup must not share a counter with joining should both limits be set alike.
@limiter.limit(_join_page_limit, methods=["GET"], scope="lookup")
@unknown_codes_linked
def join(code: str):
    run = run_or_404(code)
    if _current_participant(run) is not None:
        return redirect(url_for(".run_page", code=run.code))
    if request.method == "GET" and shared_pages.shareable():
        # The page a whole hall opens at once: the same for every phone but its CSRF token.
        tables = services.joining.groups_of(run)
        page = shared_pages.render(("join", run.id, run.code, run.created_at), [t.name for t in tables],
                                   lambda: _join_page(run, JoinForm(), tables), {})
        if page is not None:
            return page
    form = JoinForm()
    if form.validate_on_submit():
        group_name = (form.new_group.data or "").strip() or (form.group.data or "")
        try:
            participant = services.joining.join_run(
                run, group_name, form.display_name.data or "", session.get("lang", "nb")
            )
        except services.joining.JoinError as error:
            form.new_group.errors.append(_("Pick your group or write its name."))
            if error.code == "group_too_long":
                form.new_group.errors[-1] = _("The group name is too long.")
        else:
            remember_participant(run, participant.token)
            return redirect(url_for(".run_page", code=run.code))
    return _join_page(run, form, services.joining.groups_of(run))


def _join_page(run, form: JoinForm, tables: list) -> str:
    # The tables are read only to show them: a join post finds the one typed by its name. They
    # are listed as plain data, not as the form's radio field: rendering 50 tables through
    # WTForms' widgets was most of a hall's join page (benchmarks/README.md, joins).
    chosen = form.group.data
    template = services.runs.template_of(run)
    return render_template(
        "participant/join.html", form=form, run=run,
        title=presenter.localized(template.title), code=presenter.format_code(run.code),
        tables=[{"name": t.name, "checked": t.name == chosen} for t in tables],
    )


def run_page(code: str):
    run = run_or_404(code)
    participant = _current_participant(run)
    if participant is None:
        return redirect(url_for(".join", code=run.code))
    return _phone_page("participant/run.html", run, participant)


def questions_fragment(code: str):
    run = run_or_404(code)
    participant = _current_participant(run)
    if participant is None:
        abort(403)
    return _phone_page("participant/_questions.html", run, participant)


def _phone_page(template_name: str, run, participant) -> str:
    """The phone's page (or its questions), shared by every phone of the run that has neither
    answered nor upvoted yet: the whole hall, right after it joined."""
    if shared_pages.shareable() and not services.votes.answered_or_upvoted(participant):
        states = services.runs.question_states(run)
        now = utcnow()  # one moment for the version and the page: a countdown may end between
        named = bool(participant.display_name)

        def build() -> str:
            owner = presenter.PageOwner(shared_pages.marker("group"),
                                        shared_pages.marker("name") if named else None,
                                        shared_pages.marker("me"))
            return render_template(template_name, run=run, form=AnswerForm(),
                                   page=presenter.phone_page(run, owner, states=states, now=now))

        values = {"group": participant.group.name, "me": participant.public_id}
        if named:
            values["name"] = participant.display_name
        page = shared_pages.render((template_name, run.id, run.code, run.created_at, named),
                                   presenter.newcomer_page_version(run, states, now), build, values)
        if page is not None:
            return page
    return render_template(template_name, run=run, form=AnswerForm(),
                           page=presenter.phone_page(run, presenter.page_owner(participant)))


def _participant_post(code: str, question_id: str, action, done_message: str, refused=None):
    """A participant's form post (the path without JavaScript): same rules as the live one.
    `refused(run, participant, error)` answers a refusal itself, when it can say more."""
    run = run_or_404(code)
    participant = _current_participant(run)
    if participant is None:
        return redirect(url_for(".join", code=run.code))
    try:
        if not vote_allowed(participant.id, request.remote_addr):
            raise AnswerError("rate_limited")
        action(participant)
    except AnswerError as error:
        if refused is not None:
            return refused(run, participant, error)
        flash(answer_error_message(error), "error")
    else:
        flash(done_message, "ok")
    return redirect(url_for(".run_page", code=run.code, _anchor=f"q-{question_id}"))


def answer(code: str, question_id: str):
    fields = {key: request.form.getlist(key) for key in request.form if key != "csrf_token"}

    def refused(run, participant, error):
        # The page again, not a redirect: the refusal beside its question (not in a flash at
        # the top of a long page) and the choices as they were sent, to correct and send again.
        page = presenter.phone_page(run, presenter.page_owner(participant),
                                    presenter.Refusal(question_id, fields, answer_error_message(error)))
        if not any(q["error"] for q in page["questions"]):
            flash(answer_error_message(error), "error")  # no such question on the page
        return render_template("participant/run.html", run=run, page=page, form=AnswerForm()), 422

    return _participant_post(
        code, question_id, lambda p: services.votes.submit_answer(p, question_id, fields),
        _("Your answer is saved. You can change it while the question is open."), refused)


def vote(code: str):
    """An answer as JSON from the phone's script ({question, fields, vote_id}), answered as the
    Socket.IO vote is: {"ok": true, ...} or {"ok": false, "code", "error"} in the phone's
    language. Used when the socket is down, so an answer kept offline is sent by plain HTTP."""
    data = request.get_json(silent=True)

    def submit(participant):
        if not isinstance(data, dict) or not is_ordered_vote_id(data.get("vote_id")):
            raise AnswerError("malformed")
        services.votes.submit_answer(
            participant, data.get("question"), normalize_fields(data.get("fields")), data["vote_id"])
        return {"question": data.get("question"), "vote_id": data["vote_id"]}

    return _participant_call_in_json(code, submit)


def _participant_call_in_json(code: str, act):
    """A participant's call from the phone's script when its socket is down, with the live
    path's rules (joined, within the rate limit): {"ok": true, ...what `act` returns} or the
    refusal, never a page or a redirect."""
    run = services.runs.run_by_code(code)
    participant = _current_participant(run) if run is not None else None
    try:
        if run is None:
            raise AnswerError("run_ended")
        if participant is None:
            raise AnswerError("not_joined")
        if not vote_allowed(participant.id, request.remote_addr):
            raise AnswerError("rate_limited")
        return jsonify(ok=True, **act(participant))
    except AnswerError as error:
        return _json_refusal(error)


def _json_refusal(error: AnswerError):
    """A refusal as the phone's script reads it: the code it acts on, the words it shows."""
    status = {"run_ended": 404, "not_joined": 403, "rate_limited": 429, "already_upvoted": 409}.get(error.code, 400)
    return jsonify(ok=False, code=error.code, error=answer_error_message(error)), status


def service_worker():
    response = send_from_directory(current_app.static_folder, "js/sw.js", mimetype="text/javascript",
                                   max_age=0)
    response.headers["Cache-Control"] = "no-cache"  # a new version is found at the next visit
    return response


def upvote(code: str, question_id: str):
    if request.accept_mimetypes.best == "application/json":
        return _upvote_in_json(code, question_id)
    return _participant_post(
        code, question_id, lambda p: services.ideas.upvote(p, question_id, request.form.get("ref", "")),
        _("Your upvote is counted."))


def _upvote_in_json(code: str, question_id: str):
    """The form's upvote sent by the phone's script when its socket is down (an upvote that
    waited offline: offline.js). Sent twice, it is counted once (already_upvoted)."""
    ref = request.form.get("ref", "")

    def upvote_idea(participant):
        services.ideas.upvote(participant, question_id, ref)
        return {"ref": ref}

    return _participant_call_in_json(code, upvote_idea)


def set_language(lang: str):
    if lang in ("nb", "en"):
        session["lang"] = lang
    target = request.form.get("next") or url_for(".index")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for(".index")
    return redirect(target)


def board(code: str):
    run = run_or_404(code)
    if _current_participant(run) is None:
        return redirect(url_for(".join", code=run.code))
    return render_template("participant/board.html", run=run, board=_shared_board(run))


def board_fragment(code: str):
    run = run_or_404(code)
    if _current_participant(run) is None:
        abort(403)
    return render_template("_board.html", board=_shared_board(run))


def _shared_board(run):
    # Until the facilitator shares the board, phones see that it is coming, not the answers.
    return presenter.board_page(run) if run.board_shared else None


def plan(code: str):
    run = run_or_404(code)
    if _current_participant(run) is None:
        return redirect(url_for(".join", code=run.code))
    if services.plan.plan_suggestions(run) is None or not run.board_shared:
        abort(404, description=_("The plan is shown here when the facilitator shares it."))
    return render_template("plan_view.html", run=run, doc=services.plan.plan_document(run))
