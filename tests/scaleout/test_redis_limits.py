"""Rate limits counted in Redis (several processes): the join and sign-in limits are shared by
the processes, and a hall joining at once is not refused by the limit's own connection pool.
(Votes are counted in the process that holds the phone's connection: workshop/ratelimit.py.)"""

import os
import threading

import pytest
import redis
from limits import parse

from workshop import create_app, services
from workshop.extensions import limiter
from workshop.templates_io import find_template

from ..conftest import QUESTIONS

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


def redis_limited_app(tmp_path, **config):
    return create_app({"TESTING": True, "SCHEMA_FROM_MODELS": True, "RATELIMIT_ENABLED": True,
                       "WTF_CSRF_ENABLED": False, "QUESTIONS_DIR": QUESTIONS,
                       "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "r.sqlite"),
                       "RATELIMIT_STORAGE_URI": limits_db(REDIS_URL), **config})


def test_three_hundred_phones_joining_at_once_all_pass_the_redis_limits(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = redis_limited_app(tmp_path)
    start = threading.Barrier(300)
    allowed: list[bool] = []
    join_limit = parse(app.config["JOIN_LIMIT_PER_ADDRESS"])

    def phone(n):
        with app.app_context():
            start.wait(timeout=30)
            allowed.append(limiter.limiter.hit(join_limit, "join-test", f"10.1.{n // 250}.{n % 250}"))

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(300)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive()
    assert allowed == [True] * 300


def test_two_processes_count_one_join_limit_in_redis(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    redis.Redis.from_url(limits_db(REDIS_URL)).flushdb()
    first = redis_limited_app(tmp_path, JOIN_LIMIT_PER_ADDRESS="3/minute")
    second = redis_limited_app(tmp_path, JOIN_LIMIT_PER_ADDRESS="3/minute")
    with first.app_context():
        code = services.runs.create_run(find_template(QUESTIONS, "kontraktsoppfolging").template).code
    statuses = [app.test_client().post(f"/j/{code}", data={"new_group": "Bord 1"}).status_code
                for app in (first, second, first, second)]
    assert statuses == [302, 302, 302, 429]
