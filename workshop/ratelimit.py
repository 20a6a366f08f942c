"""Rate limits on votes: per participant (tight) and per address (generous: a whole room
can share the venue's one public address). HTTP sign-in and join use Flask-Limiter's
decorators; votes come over Socket.IO too, so they are checked here for both paths."""

from __future__ import annotations

import threading

from flask import current_app, request
from limits import parse
from limits.storage import MemoryStorage

from .extensions import limiter


class CalmMemoryStorage(MemoryStorage):
    """limits' in-process storage, sweeping out expired counters once a second, not every
    10 ms.

    The sweep walks every key: in a full hall that is thousands of participants and
    addresses, and a hundred sweeps a second took a sixth of the worker's CPU while the room
    voted (benchmarks/profiles). Limits stay exact, because every hit checks its counter's
    expiry itself; the sweep only frees memory."""

    STORAGE_SCHEME = ["workshop-memory"]
    SWEEP_INTERVAL = 1.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # limits' private hook, pinned version
        if not self.timer.is_alive():
            self.timer = threading.Timer(self.SWEEP_INTERVAL, self._MemoryStorage__expire_events)
            self.timer.daemon = True
            self.timer.start()


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
