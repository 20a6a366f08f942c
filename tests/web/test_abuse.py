"""Hostile input: retries, rate limits, fuzzed payloads, hostile text and template files."""

import csv
import io
import logging
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshop import create_app, services
from workshop.extensions import db, socketio
from workshop.models import Answer, Participant

from ..conftest import QUESTIONS, SECRET, SOCKET_EVENTS, approve_texts, join


def snapshot(app):
    with app.app_context():
        answers = sorted((a.participant_id, a.question_id, repr(a.items)) for a in db.session.query(Answer))
        return answers, db.session.query(Participant).count()


def test_the_same_vote_sent_twice_is_counted_once(app, client, facilitator, run_code):
    join(client, run_code)
    phone = socketio.test_client(app, flask_test_client=client)
    phone.emit("participant:join", {"code": run_code}, callback=True)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    vote = {"question": "goals", "fields": {"option": ["trust"]}, "vote_id": "retry-1"}
    assert phone.emit("vote", vote, callback=True)["ok"]
    assert phone.emit("vote", vote, callback=True)["ok"]  # the retry after a lost ack
    with app.app_context():
        assert db.session.query(Answer).count() == 1
        run = services.runs.run_by_code(run_code)
        assert {o["key"]: o["count"] for o in services.results.results(run, "goals")["options"]}["trust"] == 1


def limits_app(tmp_path, monkeypatch, **limits):
    """An app with its rate limits on (tests turn them off elsewhere), in process memory."""
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SCHEMA_FROM_MODELS": True, "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "l.sqlite"),
                      "RESULTS_INTERVAL": 0, "QUESTIONS_DIR": QUESTIONS, "RATELIMIT_ENABLED": True,
                      "RATELIMIT_STORAGE_URI": "workshop-memory://", **limits})
    with app.app_context():
        services.secret.ensure_facilitator_secret(SECRET)
    return app


def open_run(app) -> str:
    from workshop.templates_io import find_template

    with app.app_context():
        run = services.runs.create_run(find_template(QUESTIONS, "kontraktsoppfolging").template)
        services.exercise.open_all(run)
        return run.code


@pytest.fixture
def limited_app(tmp_path, monkeypatch):
    return limits_app(tmp_path, monkeypatch, VOTE_LIMIT_PER_PARTICIPANT="3/minute")


def test_votes_are_limited_per_participant_not_per_room(limited_app):
    code = open_run(limited_app)
    first, second = (join(limited_app.test_client(), code, "Bord 1") for _ in range(2))
    phone = socketio.test_client(limited_app, flask_test_client=first)
    phone.emit("participant:join", {"code": code}, callback=True)
    acks = [phone.emit("vote", {"question": "goals", "fields": {"option": [o]}}, callback=True)
            for o in ("trust", "env", "digital", "social")]
    assert [a["ok"] for a in acks] == [True, True, True, False]
    assert acks[-1]["code"] == "rate_limited" and "Vent litt" in acks[-1]["error"]
    # Another phone behind the same address (the venue's NAT) still votes.
    other = socketio.test_client(limited_app, flask_test_client=second)
    other.emit("participant:join", {"code": code}, callback=True)
    assert other.emit("vote", {"question": "goals", "fields": {"option": ["trust"]}}, callback=True)["ok"]
    page = first.post(f"/r/{code}/answer/goals", data={"option": ["trust"]}, follow_redirects=True)
    assert "Vent litt" in page.get_data(as_text=True)  # the form path has the same limit


def test_the_address_limit_counts_every_phone_behind_one_address(tmp_path, monkeypatch):
    app = limits_app(tmp_path, monkeypatch, VOTE_LIMIT_PER_ADDRESS="3/minute")
    code = open_run(app)
    phones = []
    for address in ("10.0.0.1", "10.0.0.1", "10.0.0.2"):  # two phones behind one NAT, one not
        flask_client = app.test_client()
        flask_client.environ_base["REMOTE_ADDR"] = address
        phone = socketio.test_client(app, flask_test_client=join(flask_client, code))
        phone.emit("participant:join", {"code": code}, callback=True)
        phones.append(phone)
    acks = [phones[n].emit("vote", {"question": "goals", "fields": {"option": [o]}}, callback=True)
            for n, o in ((0, "trust"), (1, "env"), (0, "digital"), (1, "social"), (2, "trust"))]
    assert [a["ok"] for a in acks] == [True, True, True, False, True]
    assert acks[3]["code"] == "rate_limited"


def test_facilitator_sign_in_is_rate_limited(limited_app):
    client = limited_app.test_client()
    statuses = [client.post("/facilitator/login", data={"secret": f"guess{n}"}).status_code for n in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    assert client.post("/facilitator/login", data={"secret": SECRET}).status_code == 429


def test_signing_in_with_the_right_secret_does_not_use_up_the_limit(limited_app):
    # The laptop, the presenter's view and the remote sign in from one address, again and again.
    client = limited_app.test_client()
    assert [client.post("/facilitator/login", data={"secret": SECRET}).status_code
            for _ in range(12)] == [302] * 12
    assert [client.post("/facilitator/login", data={"secret": f"guess{n}"}).status_code
            for n in range(11)][-1] == 429


HOSTILE = [
    "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "Ord" * 160,  # one very long word
    "Vi trenger 🚀 eksempler 👍🏽",
    "نحتاج إلى قوالب עברית",
    "null\u200bbredde\u200dtegn\u2060",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]


def test_hostile_text_is_stored_as_given_shown_escaped_and_exported_neutralised(app, client, facilitator, run_code):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/open")
    for text in HOSTILE:
        other = join(app.test_client(), run_code, "Bord 2")
        other.post(f"/r/{run_code}/answer/needs", data={"entry": [text]})
    approve_texts(facilitator, run_code)
    with app.app_context():
        stored = {a.items[0]["text"] for a in db.session.query(Answer)}
    assert stored == set(HOSTILE)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/reveal")
    page = other.get(f"/r/{run_code}").get_data(as_text=True)
    board = facilitator.get(f"/facilitator/runs/{run_code}/board").get_data(as_text=True)
    for html in (page, board):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(" in html
        assert "🚀" in html and "עברית" in html
    exported = facilitator.get(f"/facilitator/runs/{run_code}/export/answers.csv?headers=keys").data.decode("utf-8-sig")
    texts = {r["answer_text"] for r in csv.DictReader(io.StringIO(exported, newline=""), delimiter=";")}
    assert "'=cmd|' /C calc'!A0" in texts and "'@SUM(1+1)*cmd|' /C calc'!A0" in texts
    assert HOSTILE[0] in texts and HOSTILE[4] in texts


def open_room(client, facilitator, run_code):
    """Joined and every question open. Hypothesis reuses the test's fixtures across examples,
    so this runs for each one: joining again is a redirect, opening again a new countdown."""
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/open-all")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)
field_names = st.sampled_from(["option", "write_in", "rank_1", "rank_2", "rank_3", "rank_1_text", "entry",
                               "place_1", "report_1", "csrf_token"]) | st.text(max_size=12)
form_values = st.lists(st.text(max_size=50) | st.sampled_from(["A", "F", "trust", "__write_in__", "x" * 600]),
                       max_size=10)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=st.sampled_from([*SOCKET_EVENTS, "unknown"]),
       payload=json_values | st.fixed_dictionaries({"question": st.sampled_from(["goals", "topics", "needs", "x"]),
                                                     "fields": json_values, "vote_id": json_values}))
def test_fuzzed_socket_payloads_never_fail_or_change_data(app, client, facilitator, run_code, caplog, event, payload):
    open_room(client, facilitator, run_code)
    phone = socketio.test_client(app, flask_test_client=client)
    phone.emit("participant:join", {"code": run_code}, callback=True)
    before = snapshot(app)
    with caplog.at_level(logging.ERROR):
        ack = phone.emit(event, payload, callback=True)
    phone.disconnect()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    after = snapshot(app)
    if isinstance(ack, dict) and ack.get("ok") and event == "vote":
        # An accepted (valid) vote changes this participant's answer to that question only.
        changed = set(after[0]) ^ set(before[0])
        assert {qid for _, qid, _ in changed} <= {payload["question"]} and after[1] == before[1]
    else:
        assert after == before


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["/r/{code}/answer/goals", "/r/{code}/answer/topics", "/r/{code}/answer/needs",
                             "/r/{code}/answer/nope", "/j/{code}", "/", "/r/{code}/answer/fruits"]),
       fields=st.dictionaries(field_names, form_values, max_size=6))
def test_fuzzed_form_posts_never_fail_or_change_data_unless_accepted(app, client, facilitator, run_code, path, fields):
    open_room(client, facilitator, run_code)
    before = snapshot(app)
    response = client.post(path.format(code=run_code), data=fields, follow_redirects=True)
    assert response.status_code < 500
    body = response.get_data(as_text=True)
    if "flash-ok" not in body and path != "/j/{code}":
        assert snapshot(app) == before


def test_broken_template_files_are_refused_and_the_app_keeps_running(tmp_path, monkeypatch):
    folder = tmp_path / "questions"
    folder.mkdir()
    shutil.copy(f"{QUESTIONS}/kontraktsoppfolging.yaml", folder / "good.yaml")
    (folder / "bad-yaml.yaml").write_text("id: x\nquestions: [\n  - {id: a\n")
    (folder / "unknown-type.yaml").write_text(
        "id: u\ntitle: {nb: U, en: U}\nquestions:\n  - id: q\n    type: slider\n    text: {nb: T, en: T}\n")
    options = "\n".join(f"      - {{id: o{n}, label: {{nb: O, en: O}}}}" for n in range(10000))
    (folder / "huge.yaml").write_text(
        "id: h\ntitle: {nb: H, en: H}\nquestions:\n  - id: q\n    type: choice\n    text: {nb: T, en: T}\n"
        f"    options:\n{options}\n")
    (folder / "bomb.yaml").write_text(
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"{chr(98 + n)}: &{chr(98 + n)} [{','.join(['*' + chr(97 + n)] * 9)}]\n" for n in range(8))
        + "id: bomb\n")
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SCHEMA_FROM_MODELS": True, "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "t.sqlite"),
                      "QUESTIONS_DIR": str(folder), "RATELIMIT_ENABLED": False})
    with app.app_context():
        services.secret.ensure_facilitator_secret(SECRET)
    facilitator = app.test_client()
    facilitator.post("/facilitator/login", data={"secret": SECRET})
    console = facilitator.get("/facilitator/")
    page = console.get_data(as_text=True)
    assert console.status_code == 200
    assert "bad-yaml.yaml" in page and "line" in page
    assert "unknown-type.yaml" in page and "slider" in page
    assert "huge.yaml" in page and "10000" in page
    assert "bomb.yaml" in page and "alias" in page
    assert facilitator.post("/facilitator/runs", data={"template": "u"}).status_code == 302
    with app.app_context():
        assert services.runs.all_runs() == []
    created = facilitator.post("/facilitator/runs", data={"template": "kontraktsoppfolging"})
    assert "/facilitator/runs/" in created.location


def test_a_vote_does_not_depend_on_the_shared_rate_limit_storage(limited_app, monkeypatch):
    """Redis (the shared storage of the join and sign-in limits) overloaded or down: votes are
    counted in the process, so they still count, and the limit on them still holds."""
    from workshop.extensions import limiter
    code = open_run(limited_app)
    phone = socketio.test_client(limited_app, flask_test_client=join(limited_app.test_client(), code))
    phone.emit("participant:join", {"code": code}, callback=True)

    def storage_down(*args, **kwargs):
        raise ConnectionError("Too many connections")

    monkeypatch.setattr(limiter.limiter, "hit", storage_down)
    acks = [phone.emit("vote", {"question": "goals", "fields": {"option": [o]}}, callback=True)
            for o in ("trust", "env", "digital", "social")]
    assert [a["ok"] for a in acks] == [True, True, True, False]  # VOTE_LIMIT 3/minute
    with limited_app.app_context():
        assert db.session.query(Answer).count() == 1
