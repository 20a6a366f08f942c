"""Rate limits counted in Redis (several processes): a hall voting at once is not refused
by the limit's own connection pool."""

import os
import threading

import pytest

from workshop import create_app
from workshop.ratelimit import vote_allowed

REDIS_URL = os.environ.get("WORKSHOP_TEST_REDIS_URL")

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not REDIS_URL, reason="WORKSHOP_TEST_REDIS_URL is not set "
                       "(e.g. redis://127.0.0.1:6379/0; .ci/run sets it)"),
]


def limits_db(url: str) -> str:
    """The same server, database 2: the limits' keys stay apart from the message queue's."""
    base, _, _ = url.rpartition("/")
    return f"{base}/2"


def test_three_hundred_phones_voting_at_once_all_pass_the_redis_limits(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SCHEMA_FROM_MODELS": True, "RATELIMIT_ENABLED": True,
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "r.sqlite"),
                      "RATELIMIT_STORAGE_URI": limits_db(REDIS_URL)})
    start = threading.Barrier(300)
    answers: list[bool] = []

    def phone(n):
        with app.test_request_context(environ_base={"REMOTE_ADDR": f"10.1.{n // 250}.{n % 250}"}):
            start.wait(timeout=30)
            for _ in range(3):
                answers.append(vote_allowed(100_000 + n, f"10.1.{n // 250}.{n % 250}"))

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(300)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive()
    assert answers == [True] * 900
    assert "rate-limit storage failed" not in caplog.text
