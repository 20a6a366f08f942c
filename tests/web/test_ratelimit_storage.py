"""The in-process rate-limit storage: exact limits, a rare sweep."""

import threading
import time

from limits import parse
from limits.strategies import FixedWindowRateLimiter

from workshop.extensions import limiter
from workshop.ratelimit import CalmMemoryStorage


def test_a_limit_refuses_over_its_count_and_allows_again_when_its_window_ends():
    storage = CalmMemoryStorage()
    strategy = FixedWindowRateLimiter(storage)
    two_a_second = parse("2/second")
    assert [strategy.hit(two_a_second, "vote", "7") for _ in range(3)] == [True, True, False]
    assert strategy.hit(two_a_second, "vote", "8"), "another participant has its own count"
    time.sleep(1.05)  # the sweep has not run yet: the counter's own expiry decides
    assert strategy.hit(two_a_second, "vote", "7")


def test_the_sweep_runs_at_most_once_a_second_while_votes_arrive():
    storage = CalmMemoryStorage()
    sweeps = []
    original = storage._MemoryStorage__expire_events

    def counting_sweep():
        sweeps.append(time.monotonic())
        original()

    storage._MemoryStorage__expire_events = counting_sweep
    strategy = FixedWindowRateLimiter(storage)
    limit = parse("1000/minute")
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline:
        strategy.hit(limit, "vote", "1")
        time.sleep(0.005)
    assert len(sweeps) <= 1  # limits' own storage sweeps every 10 ms: about 50 here


def test_hits_start_no_timer_threads(monkeypatch):
    # Under gevent, greenlets racing to restart limits' sweep timer each started one.
    storage = CalmMemoryStorage()
    started = []
    original_start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start",
                        lambda thread: started.append(thread) or original_start(thread))
    strategy = FixedWindowRateLimiter(storage)
    limit = parse("1000/minute")

    def hits(n):
        for i in range(100):
            strategy.hit(limit, "vote", f"{n}-{i}")
            time.sleep(0.002)

    workers = [threading.Thread(target=hits, args=(n,)) for n in range(3)]
    for worker in workers:
        original_start(worker)
    for worker in workers:
        worker.join(timeout=10)
    assert started == []


def test_the_app_counts_its_limits_in_the_calm_storage(tmp_path, monkeypatch):
    from workshop import create_app

    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("WORKSHOP_RATELIMIT_STORAGE", raising=False)
    app = create_app({"TESTING": True, "SCHEMA_FROM_MODELS": True,
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "r.sqlite")})
    with app.app_context():
        assert isinstance(limiter.limiter.storage, CalmMemoryStorage)
