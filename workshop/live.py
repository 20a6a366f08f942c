"""Socket.IO events. Thin: who is asking comes from the signed session, the work from services."""

from __future__ import annotations

from flask import session
from flask_socketio import join_room

from . import broadcast, presenter, services
from .auth import is_facilitator, participant_token
from .domain.answers import AnswerError, normalize_fields
from .extensions import database_turn, db, socketio
from .messages import answer_error_message
from .models import Participant
from .ratelimit import vote_allowed


def _refusal(error: AnswerError) -> dict:
    return {"ok": False, "code": error.code, "error": answer_error_message(error)}


@socketio.on("participant:join")
def participant_join(data):
    code = data.get("code") if isinstance(data, dict) else None
    run = services.run_by_code(code) if isinstance(code, str) else None
    participant = services.participant_by_token(run, participant_token(run)) if run else None
    if participant is None:
        return _refusal(AnswerError("not_joined"))
    session["live_participant"] = participant.id
    session["live_run"] = run.id
    join_room(broadcast.participants_room(run.id))
    return {"ok": True, "state": presenter.run_state(run)}


def _as_participant(data, action):
    """Run a participant's action: who it is comes from this connection's join, never from
    the payload; the rate limit and every refusal are answered the same way for each action."""
    participant_id, run_id = session.get("live_participant"), session.get("live_run")
    try:
        if not participant_id or not run_id:
            raise AnswerError("not_joined")
        if not isinstance(data, dict):
            raise AnswerError("malformed")
        if not vote_allowed(participant_id):
            raise AnswerError("rate_limited")
        return dict({"ok": True}, **action(services.Voter(participant_id, run_id)))
    except AnswerError as error:
        return _refusal(error)


@socketio.on("vote")
def vote(data):
    def submit(voter):
        vote_id = data.get("vote_id")
        vote_id = vote_id if isinstance(vote_id, str) and len(vote_id) <= 64 else None
        fields = normalize_fields(data.get("fields"))
        services.submit_answer(voter, data.get("question"), fields, vote_id)
        return {"question": data.get("question"), "vote_id": vote_id}

    return _as_participant(data, submit)


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

    return _as_participant(data, give)


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
