"""Rate limits on votes: per participant (tight) and per address (generous: a whole room
can share the venue's one public address). HTTP sign-in and join use Flask-Limiter's
decorators; votes come over Socket.IO too, so they are checked here for both paths."""

from __future__ import annotations

from flask import current_app, request
from limits import parse

from .extensions import limiter


def vote_allowed(participant_id: int) -> bool:
    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True):
        return True
    strategy = limiter.limiter
    per_participant = parse(config["VOTE_LIMIT_PER_PARTICIPANT"])
    per_address = parse(config["VOTE_LIMIT_PER_ADDRESS"])
    return strategy.hit(per_participant, "vote", str(participant_id)) and strategy.hit(
        per_address, "vote-address", request.remote_addr or "unknown"
    )
