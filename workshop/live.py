"""Socket.IO events. Thin: who is asking comes from the signed session, the work from services."""

from __future__ import annotations

from flask import session
from flask_socketio import join_room

from . import broadcast, presenter, services
from .auth import is_facilitator, participant_token
from .domain.answers import AnswerError, normalize_fields
from .extensions import db, socketio
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
    join_room(broadcast.participants_room(run.id))
    return {"ok": True, "state": presenter.run_state(run)}


@socketio.on("vote")
def vote(data):
    participant_id = session.get("live_participant")
    participant = db.session.get(Participant, participant_id) if participant_id else None
    if participant is None:
        return _refusal(AnswerError("not_joined"))
    if not isinstance(data, dict):
        return _refusal(AnswerError("malformed"))
    if not vote_allowed(participant):
        return _refusal(AnswerError("rate_limited"))
    vote_id = data.get("vote_id")
    vote_id = vote_id if isinstance(vote_id, str) and len(vote_id) <= 64 else None
    try:
        fields = normalize_fields(data.get("fields"))
        services.submit_answer(participant, data.get("question"), fields, vote_id)
    except AnswerError as error:
        return _refusal(error)
    return {"ok": True, "question": data.get("question"), "vote_id": vote_id}


@socketio.on("upvote")
def upvote(data):
    participant_id = session.get("live_participant")
    participant = db.session.get(Participant, participant_id) if participant_id else None
    if participant is None:
        return _refusal(AnswerError("not_joined"))
    if not isinstance(data, dict):
        return _refusal(AnswerError("malformed"))
    if not vote_allowed(participant):
        return _refusal(AnswerError("rate_limited"))
    try:
        services.upvote(participant, data.get("question"), data.get("ref"))
    except AnswerError as error:
        return _refusal(error)
    return {"ok": True, "ref": data.get("ref")}


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
