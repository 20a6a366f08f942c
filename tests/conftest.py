import functools
import os

import pytest

from workshop import create_app, services
from workshop.extensions import db
from workshop.templates_io import find_template

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUESTIONS = os.path.join(ROOT, "questions")
SECRET = "test-facilitator-secret"
# Every Socket.IO event the server handles: the fuzz and malformed-frame tests call each one
# (tests/web/test_socket_frames.py checks the server handles exactly these).
SOCKET_EVENTS = ["participant:join", "vote", "upvote", "screen:watch", "board:watch"]


@pytest.fixture(scope="session", autouse=True)
def _hash_each_secret_once():
    """The facilitator secret's hash (scrypt) takes ~0.1 s, ~0.3 s on a loaded CI core, and
    every in-process app stores one and checks one at each sign-in: 2/3 of a web test's
    setup, ~200 s of the suite's CPU. Both are pure for a given secret (and hash), so each
    is computed for real once per secret and reused; the servers of the live and browser
    tests, other processes, hash every time."""
    from werkzeug import security

    generate = functools.cache(security.generate_password_hash)
    check = functools.cache(security.check_password_hash)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services.secret, "generate_password_hash", generate)
        patch.setattr(services.secret, "check_password_hash", check)
        yield


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({
        "TESTING": True,
        "SCHEMA_FROM_MODELS": True,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "test.sqlite"),
        "WTF_CSRF_ENABLED": False,
        "RESULTS_INTERVAL": 0,  # push results synchronously so tests see them at once
        "RATELIMIT_ENABLED": False,
        "SECRET_KEY": "test",
        "QUESTIONS_DIR": QUESTIONS,
    })
    with app.app_context():
        services.secret.ensure_facilitator_secret(SECRET)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def facilitator(app):
    client = app.test_client()
    response = client.post("/facilitator/login", data={"secret": SECRET})
    assert response.status_code == 302
    return client


@pytest.fixture
def run_code(app):
    with app.app_context():
        template = find_template(QUESTIONS, "kontraktsoppfolging").template
        return services.runs.create_run(template).code


def approve_texts(facilitator, code, question="needs"):
    """The facilitator lets every text that waits on a moderated question through."""
    response = facilitator.post(f"/facilitator/runs/{code}/moderation/{question}/approve-all")
    assert response.status_code == 302
    return response


def join(client, code, group="Bord 1", name=""):
    response = client.post(f"/j/{code}", data={"new_group": group, "display_name": name})
    assert response.status_code == 302, response.data
    return client
