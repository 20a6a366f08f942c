"""Per-participant limit on votes (HTTP sign-in and join use Flask-Limiter's decorators).

Keyed by participant, not address: a whole room behind one NAT shares one public address.
"""

from __future__ import annotations

from flask import current_app
from limits import parse

from .extensions import limiter
from .models import Participant

VOTES_PER_PARTICIPANT = parse("30/minute")


def vote_allowed(participant: Participant) -> bool:
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    return limiter.limiter.hit(VOTES_PER_PARTICIPANT, "vote", str(participant.id))
