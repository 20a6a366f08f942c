"""Socket.IO events. Thin: who is asking comes from the connection's join, the work from services."""

from __future__ import annotations

import logging
import re
from typing import NamedTuple

from flask import Flask, request
from flask_babel import force_locale, get_locale
from flask_socketio import join_room

from . import broadcast, presenter, services
from .auth import is_facilitator, participant_token
from .domain.answers import AnswerError, normalize_fields
from .extensions import database_turn, db, socketio
from .messages import answer_error_message
from .models import Participant
from .ratelimit import join_event_allowed, vote_allowed

log = logging.getLogger(__name__)

# Where a joined phone's identity is kept: the connection's WSGI environ, which python-socketio
# holds for the connection's lifetime (Flask-SocketIO keeps its copy of the session there too).
# Written only by participant:join, from the signed session cookie; never from a payload.
_PHONE = "workshop.live_phone"
_VOTE_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


class LivePhone(NamedTuple):
    voter: services.votes.Voter
    address: str | None  # for the per-address vote limit (after ProxyFix)
    locale: str  # refusals are worded in the phone's language


def init_app(app: Flask) -> None:
    # 'vote' is the one event a full hall sends all at once. It is handled on python-socketio's
    # server directly: Flask-SocketIO builds a Flask request context for every event, which
    # was a quarter of the worker's CPU while 2,000 phones voted (benchmarks/README.md), and
    # a vote needs nothing of the request but who sent it, which its join recorded.
    socketio.server.on("vote", _vote_event, namespace="/")
    _log_unreadable_frames_in_one_line(socketio.server)


def _refusal(error: AnswerError) -> dict:
    return {"ok": False, "code": error.code, "error": answer_error_message(error)}


def _the_object(args: tuple) -> dict | None:
    """The one JSON object every event of this app is called with; None for any other call:
    no argument, two or more, a string, number, list or null, or JSON that could not be read
    (extensions.UNREADABLE). python-socketio passes a call's arguments as they came, so the
    handlers take *args: a handler with one parameter raised TypeError on any other count."""
    return args[0] if len(args) == 1 and isinstance(args[0], dict) else None


def _one_line(error: BaseException) -> str:
    # repr: a message quoting what a client sent cannot start a line of its own in the log.
    return f"{type(error).__name__}: {str(error)[:200]!r}"


@socketio.on_error_default
def _unexpected_error(error: Exception) -> dict:
    """An event handler failed (a bug, or the database went away): one line in the log, not
    a traceback per call, and the phone is answered instead of left waiting. Flask-SocketIO
    sends what this returns as the call's acknowledgement, in the phone's request context."""
    log.error("Socket.IO event %r from %s failed: %s", request.event.get("message"),
              request.remote_addr, _one_line(error))
    return _refusal(AnswerError("malformed"))


def _log_unreadable_frames_in_one_line(server) -> None:
    """A frame python-socketio cannot take apart (not a packet, an event without a name, JSON
    naming no event) raises before any handler runs; python-engineio logged each one with its
    traceback. There is no call to answer, so it is logged in one line and dropped."""
    dispatch = server.eio.handlers["message"]

    def dispatch_or_log(eio_sid, data):
        try:
            return dispatch(eio_sid, data)
        except Exception as error:  # whatever it is: one line
            address = server.environ.get(eio_sid, {}).get("REMOTE_ADDR")
            log.warning("Socket.IO frame from %s refused: %s", address, _one_line(error))

    server.eio.on("message", dispatch_or_log)


@socketio.on("participant:join")
def participant_join(*args):
    data = _the_object(args)
    if data is None:
        return _refusal(AnswerError("malformed"))
    # Before the database is asked: one socket could otherwise make it look up ~700 joins a second.
    if not join_event_allowed(request.sid, request.remote_addr):
        return _refusal(AnswerError("rate_limited"))
    code = data.get("code")
    run = services.runs.run_by_code(code) if isinstance(code, str) else None
    participant = services.joining.participant_by_token(run, participant_token(run)) if run else None
    if participant is None:
        return _refusal(AnswerError("not_joined"))
    request.environ[_PHONE] = LivePhone(
        services.votes.Voter(participant.id, run.id), request.remote_addr, str(get_locale()))
    join_room(broadcast.participants_room(run.id))
    return {"ok": True, "state": presenter.run_state(run)}


def _as_participant(phone: LivePhone | None, data: dict | None, action) -> dict:
    """Run a participant's action: who it is comes from this connection's join, never from
    the payload; the rate limit and every refusal are answered the same way for each action."""
    try:
        if data is None:
            raise AnswerError("malformed")
        if phone is None:
            raise AnswerError("not_joined")
        if not vote_allowed(phone.voter.id, phone.address):
            raise AnswerError("rate_limited")
        return dict({"ok": True}, **action(phone.voter))
    except AnswerError as error:
        return _refusal_to(phone, error)


def _refusal_to(phone: LivePhone | None, error: AnswerError) -> dict:
    if phone is None:
        return _refusal(error)
    with force_locale(phone.locale):
        return _refusal(error)


def _vote_event(sid, *args):
    environ = socketio.server.get_environ(sid)
    if not environ:  # the connection is already gone
        return None
    data = _the_object(args)

    def submit(voter):
        vote_id = data.get("vote_id")
        # Stored as it is (a retry with it counts once): only a plain token, so one phone's
        # crafted id cannot fail the batch of votes written with it.
        vote_id = vote_id if isinstance(vote_id, str) and _VOTE_ID.fullmatch(vote_id) else None
        fields = normalize_fields(data.get("fields"))
        services.votes.submit_answer(voter, data.get("question"), fields, vote_id)
        return {"question": data.get("question"), "vote_id": vote_id}

    phone = environ.get(_PHONE)
    with environ["flask.app"].app_context():
        try:
            return _as_participant(phone, data, submit)
        except Exception as error:  # as _unexpected_error, which votes bypass
            log.error("Socket.IO event 'vote' from %s failed: %s",
                      environ.get("REMOTE_ADDR"), _one_line(error))
            return _refusal_to(phone, AnswerError("malformed"))


@socketio.on("upvote")
def upvote(*args):
    data = _the_object(args)

    def give(voter):
        # The rate limit was checked before this: it may yield to other greenlets, which must
        # not happen while this one holds a pooled connection.
        with database_turn():
            participant = db.session.get(Participant, voter.id)
            if participant is None:
                raise AnswerError("not_joined")
            services.ideas.upvote(participant, data.get("question"), data.get("ref"))
        return {"ref": data.get("ref")}

    return _as_participant(request.environ.get(_PHONE), data, give)


@socketio.on("screen:watch")
def screen_watch(*args):
    data = _the_object(args)
    if data is None:
        return _refusal(AnswerError("malformed"))
    if not is_facilitator():
        return {"ok": False, "code": "forbidden", "error": "forbidden"}
    code = data.get("code")
    run = services.runs.run_by_code(code) if isinstance(code, str) else None
    if run is None:
        return {"ok": False, "code": "unknown_run", "error": "unknown run"}
    join_room(broadcast.screens_room(run.id))
    state = presenter.run_state(run)
    return {
        "ok": True,
        "state": state,
        "results": presenter.results_payloads(run, [q["id"] for q in state["questions"]]),
    }


@socketio.on("board:watch")
def board_watch(*args):
    """A page showing the board asks for its pushes, and is answered with the board as it is
    now. The phones' audience for a phone that joined this run, once the board is shared; the
    projector's and the facilitator's (with the controls) for a signed-in facilitator."""
    data = _the_object(args)
    if data is None:
        return _refusal(AnswerError("malformed"))
    audience, code = data.get("audience", "phones"), data.get("code")
    if audience not in presenter.BOARD_AUDIENCES or not isinstance(code, str):
        return _refusal(AnswerError("malformed"))
    # Each watch renders a board: limited as a join is, before the database is asked.
    if not join_event_allowed(request.sid, request.remote_addr):
        return _refusal(AnswerError("rate_limited"))
    phone = request.environ.get(_PHONE)
    if audience != "phones" and not is_facilitator():
        return {"ok": False, "code": "forbidden", "error": "forbidden"}
    run = services.runs.run_by_code(code)
    if run is None:
        return {"ok": False, "code": "unknown_run", "error": "unknown run"}
    if audience == "phones":
        if phone is None or phone.voter.run_id != run.id:
            return _refusal(AnswerError("not_joined"))
        if not run.board_shared:
            return {"ok": False, "code": "not_shared", "error": "the board is not shared"}
    lang = phone.locale if audience == "phones" else presenter.current_language()
    join_room(broadcast.board_room(run.id, audience, lang))
    return {"ok": True, **broadcast.board_for(run, audience, lang)}
