"""A hall joining at once, on the real server: the projector's count follows, one table stays
one table.

Joins are many in a few seconds when the QR code goes up. Each one tells the projector that
the run has one more participant, and the broadcaster coalesces those pushes (one per
interval, not one per join): the count on the screen must still end exactly right, within
about a second of the last join, and never go backwards.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from ..serverproc import create_run, facilitator_action, join_participant
from .conftest import TIMEOUT
from .test_real_server import read_db, watch_screen

pytestmark = pytest.mark.live

PHONES = 120
AT_ONCE = 16
# How people type the same tables: the first spelling stays, the others join it.
SPELLINGS = ["Bord {n}", "bord {n} ", "BORD {n}", "  Bord  {n}"]
TABLES = 6
FOLLOW_DEADLINE = 1.5  # seconds from the last join to the projector showing every phone


def test_the_projector_counts_every_phone_of_a_burst_of_joins(server, facilitator, live_clients):
    code = create_run(server, facilitator)
    facilitator_action(server, facilitator, code, "open-all")
    screen, watch = watch_screen(server, live_clients, facilitator, code)
    projected = next(p for p in watch["results"] if p["participants"] == 0)["question"]
    since = len(screen.received)

    def arrive(i: int) -> None:
        table = SPELLINGS[(i // TABLES) % len(SPELLINGS)].format(n=i % TABLES + 1)
        join_participant(server, code, table).close()

    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        list(pool.map(arrive, range(PHONES), timeout=6 * TIMEOUT))
    joined_at = time.monotonic()

    shown = screen.wait_for("results", lambda p: p["question"] == projected
                            and p["participants"] == PHONES, FOLLOW_DEADLINE + 5, since)
    assert shown is not None, "the projector never showed every phone that joined"
    assert shown[0] - joined_at <= FOLLOW_DEADLINE

    counts = [(p["seq"], p["participants"]) for p in screen.events("results")
              if p["question"] == projected]
    assert [n for _, n in sorted(counts)] == sorted(n for _, n in counts), "a count went back"
    assert len(counts) < PHONES // 2, "about one push per join: the pushes were not coalesced"

    # Phones of one table joined at the same moment: whichever spelling came first is shown.
    tables = [name for (name,) in read_db(
        server, 'SELECT g.name FROM "group" g JOIN run r ON r.id = g.run_id WHERE r.code = ?',
        (code,))]
    assert sorted(name.casefold() for name in tables) == [f"bord {n}" for n in range(1, TABLES + 1)]
