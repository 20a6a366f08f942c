"""Rate limits on votes: per participant (tight) and per address (generous: a whole room
can share the venue's one public address); and on participant:join over Socket.IO: per
connection (tight) and per address (generous). HTTP sign-in and join use Flask-Limiter's
decorators and its storage (Redis when several processes serve one run); votes come over
Socket.IO too, so they are checked here for both paths, and counted in the process itself,
as are the joins over Socket.IO.

Why in the process: every vote of a phone reaches the process that holds its Socket.IO
connection (sticky sessions are required for Socket.IO), and deploy/nginx.conf sends every
client address to one process, so both counts are exact there. Counting them in Redis cost
two round trips per vote, about 0.3 ms of the worker's CPU against 0.01 ms in memory: over a
quarter of the phones' worker in a two-process flood (benchmarks/README.md). Behind a balancer that
spreads one address over N processes, the per-address limit becomes N times as generous."""

from __future__ import annotations

import time
from functools import lru_cache

from flask import Flask, current_app
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter


class CalmMemoryStorage(MemoryStorage):
    """limits' in-process storage, sweeping out expired counters at most once a second, in
    the request that comes due, instead of on a timer thread started every 10 ms.

    The sweep walks every key: in a full hall that is thousands of participants and
    addresses. limits' own scheduling swept a hundred times a second, and under gevent many
    greenlets at once found the timer not yet started and each started another, so sweeps
    took a third of the worker's CPU while the room voted (benchmarks/profiles). Limits stay
    exact, because every hit checks its own counter's expiry; the sweep only frees memory."""

    STORAGE_SCHEME = ["workshop-memory"]
    SWEEP_INTERVAL = 1.0
    _last_sweep = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # limits' private hook, pinned version
        now = time.monotonic()
        if now - self._last_sweep >= self.SWEEP_INTERVAL:
            self._last_sweep = now
            self._MemoryStorage__expire_events()


REDIS_CONNECTIONS = 64
_limit = lru_cache(maxsize=32)(parse)  # a vote's path: the configured strings parse once


def storage_options(uri: str) -> dict:
    """Options for limits' storage. On Redis, a pool that makes a hit wait for a free
    connection: redis-py's default pool raises "Too many connections" past 100, which a hall
    of phones reaches (2,000 phones on two processes, when votes were counted there too:
    799 votes unanswered)."""
    if not uri.startswith(("redis://", "rediss://", "unix://")):
        return {}
    import redis

    return {"connection_pool": redis.BlockingConnectionPool.from_url(
        uri, max_connections=REDIS_CONNECTIONS, timeout=30)}


def init_app(app: Flask) -> None:
    app.extensions["workshop.in_process_limits"] = FixedWindowRateLimiter(CalmMemoryStorage())


def vote_allowed(participant_id: int, address: str | None) -> bool:
    """Whether this vote is within the limits; `address` is the phone's (after ProxyFix)."""
    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True):
        return True
    counts = current_app.extensions["workshop.in_process_limits"]
    return counts.hit(_limit(config["VOTE_LIMIT_PER_PARTICIPANT"]), "vote", str(participant_id)) \
        and counts.hit(_limit(config["VOTE_LIMIT_PER_ADDRESS"]), "vote-address", address or "unknown")


def join_event_allowed(connection: str, address: str | None) -> bool:
    """Whether this participant:join is within the limits. Each join looks up the run and
    the participant in the database; a phone joins once per connection (again only when it
    reconnects, on a new connection), so the per-connection limit is tight. A whole hall
    behind one NAT rejoins at once after a network blip, so the per-address one is not.
    Counted per connection first: one socket hammering join does not use up its address's."""
    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True):
        return True
    counts = current_app.extensions["workshop.in_process_limits"]
    return counts.hit(_limit(config["JOIN_EVENT_LIMIT_PER_CONNECTION"]), "join-event", connection) \
        and counts.hit(_limit(config["JOIN_EVENT_LIMIT_PER_ADDRESS"]), "join-event-address",
                       address or "unknown")
