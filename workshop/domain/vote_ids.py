"""The id a phone gives each answer it makes, so a resent answer counts once and an old one
never replaces a newer one.

A phone makes the id itself, also while offline: the time by its own clock in milliseconds
since 1970 (13 digits, so the ids sort as they were made) and a random part, e.g.
``1764670000123-k3j9x0q2`` (static/js/offline.js). Ids of the same phone are compared by that
time only: the phones' clocks need not agree with each other or with the server, and the
phone never goes back in time (it remembers the last id it made).
"""

from __future__ import annotations

import re

_ORDERED = re.compile(r"(\d{13})-([a-z0-9]{8,16})")


def is_ordered_vote_id(vote_id: object) -> bool:
    """Whether `vote_id` is an id the phone's script makes (time and random part)."""
    return isinstance(vote_id, str) and _ORDERED.fullmatch(vote_id) is not None


def made_at(vote_id: str | None) -> int | None:
    """When the phone made the answer (ms, by its clock), or None for an id of another shape
    (older pages, scripts and tests use free tokens: they count once, but carry no order)."""
    match = _ORDERED.fullmatch(vote_id) if isinstance(vote_id, str) else None
    return int(match.group(1)) if match else None
