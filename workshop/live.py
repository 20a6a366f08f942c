"""Socket.IO events. Thin: who is asking comes from the connection's join, the work from services."""

from __future__ import annotations

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
from .ratelimit import vote_allowed

# Where a joined phone's identity is kept: the connection's WSGI environ, which python-socketio
# holds for the connection's lifetime (Flask-SocketIO keeps its copy of the session there too).
# Written only by participant:join, from the signed session cookie; never from a payload.
_PHONE = "workshop.live_phone"


class LivePhone(NamedTuple):
    voter: services.Voter
    address: str | None  # for the per-address vote limit (after ProxyFix)
    locale: str  # refusals are worded in the phone's language


def init_app(app: Flask) -> None:
    # 'vote' is the one event a full hall sends all at once. It is handled on python-socketio's
    # server directly: Flask-SocketIO builds a Flask request context for every event, which
    # was a quarter of the worker's CPU while 2,000 phones voted (benchmarks/README.md), and
    # a vote needs nothing of the request but who sent it, which its join recorded.
    socketio.server.on("vote", _vote_event, namespace="/")


def _refusal(error: AnswerError) -> dict:
    return {"ok": False, "code": error.code, "error": answer_error_message(error)}


@socketio.on("participant:join")
def participant_join(data):
    code = data.get("code") if isinstance(data, dict) else None
    run = services.run_by_code(code) if isinstance(code, str) else None
    participant = services.participant_by_token(run, participant_token(run)) if run else None
    if participant is None:
        return _refusal(AnswerError("not_joined"))
    request.environ[_PHONE] = LivePhone(
        services.Voter(participant.id, run.id), request.remote_addr, str(get_locale()))
    join_room(broadcast.participants_room(run.id))
    return {"ok": True, "state": presenter.run_state(run)}


def _as_participant(phone: LivePhone | None, data, action) -> dict:
    """Run a participant's action: who it is comes from this connection's join, never from
    the payload; the rate limit and every refusal are answered the same way for each action."""
    try:
        if phone is None:
            raise AnswerError("not_joined")
        if not isinstance(data, dict):
            raise AnswerError("malformed")
        if not vote_allowed(phone.voter.id, phone.address):
            raise AnswerError("rate_limited")
        return dict({"ok": True}, **action(phone.voter))
    except AnswerError as error:
        if phone is None:
            return _refusal(error)
        with force_locale(phone.locale):
            return _refusal(error)


def _vote_event(sid, data):
    environ = socketio.server.get_environ(sid)
    if not environ:  # the connection is already gone
        return None

    def submit(voter):
        vote_id = data.get("vote_id")
        vote_id = vote_id if isinstance(vote_id, str) and len(vote_id) <= 64 else None
        fields = normalize_fields(data.get("fields"))
        services.submit_answer(voter, data.get("question"), fields, vote_id)
        return {"question": data.get("question"), "vote_id": vote_id}

    with environ["flask.app"].app_context():
        return _as_participant(environ.get(_PHONE), data, submit)


@socketio.on("upvote")
def upvote(data):
    def give(voter):
        # The rate limit was checked before this: it may yield to other greenlets, which must
        # not happen while this one holds a pooled connection.
        with database_turn():
            participant = db.session.get(Participant, voter.id)
            if participant is None:
                raise AnswerError("not_joined")
            services.upvote(participant, data.get("question"), data.get("ref"))
        return {"ref": data.get("ref")}

    return _as_participant(request.environ.get(_PHONE), data, give)


@socketio.on("screen:watch")
def screen_watch(data):
    if not is_facilitator():
        return {"ok": False, "error": "forbidden"}
    code = data.get("code") if isinstance(data, dict) else None
    run = services.run_by_code(code) if isinstance(code, str) else None
    if run is None:
        return {"ok": False, "error": "unknown run"}
    join_room(broadcast.screens_room(run.id))
    state = presenter.run_state(run)
    return {
        "ok": True,
        "state": state,
        "results": [presenter.results_payload(run, q["id"]) for q in state["questions"]],
    }
