"""The whole flow over the Socket.IO test client: join, open, vote, change vote, close, results."""

import pathlib

from workshop.extensions import db, socketio
from workshop.models import Answer

from ..conftest import join


def connect(app, flask_client):
    return socketio.test_client(app, flask_test_client=flask_client)


def events(client, name):
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def test_join_open_vote_change_close_results(app, client, facilitator, run_code):
    join(client, run_code, "Bord 1", "Kari")
    phone = connect(app, client)
    screen = connect(app, facilitator)
    ack = phone.emit("participant:join", {"code": run_code}, callback=True)
    assert ack["ok"] and {q["status"] for q in ack["state"]["questions"]} == {"draft"}
    watch = screen.emit("screen:watch", {"code": run_code}, callback=True)
    assert watch["ok"] and watch["results"][0]["respondents"] == 0

    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    pushed = events(phone, "state")
    assert pushed and [q["status"] for q in pushed[-1]["questions"] if q["id"] == "goals"] == ["open"]
    assert pushed[-1]["questions"][1]["closes_at"] > pushed[-1]["server_time"]
    screen.get_received()

    ack = phone.emit("vote", {"question": "goals", "fields": {"option": ["trust", "env"]}, "vote_id": "v1"}, callback=True)
    assert ack["ok"]
    results = [r for r in events(screen, "results") if r["question"] == "goals"]
    # Hidden until revealed: the projector gets the count, not the answers.
    assert results[-1]["respondents"] == 1 and results[-1]["results"] is None
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/reveal")
    results = [r for r in events(screen, "results") if r["question"] == "goals"]
    counts = {o["key"]: o["count"] for o in results[-1]["results"]["options"]}
    assert counts["trust"] == 1 and counts["env"] == 1

    ack = phone.emit("vote", {"question": "goals", "fields": {"option": ["digital"]}, "vote_id": "v2"}, callback=True)
    assert ack["ok"]
    latest = [r for r in events(screen, "results") if r["question"] == "goals"][-1]
    counts = {o["key"]: o["count"] for o in latest["results"]["options"]}
    assert counts["trust"] == 0 and counts["digital"] == 1 and latest["respondents"] == 1
    assert latest["results"]["groups"][0]["answer"][0]["key"] == "digital"

    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/close")
    ack = phone.emit("vote", {"question": "goals", "fields": {"option": ["trust"]}}, callback=True)
    assert not ack["ok"] and ack["code"] == "closed"
    with app.app_context():
        assert db.session.query(Answer).one().items == [{"option": "digital", "text": None, "rank": None}]


def test_phones_receive_no_results_before_reveal(app, client, facilitator, run_code):
    join(client, run_code)
    phone = connect(app, client)
    phone.emit("participant:join", {"code": run_code}, callback=True)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    phone.emit("vote", {"question": "goals", "fields": {"option": ["trust"]}}, callback=True)
    other = join(app.test_client(), run_code, "Bord 2")
    other.post(f"/r/{run_code}/answer/goals", data={"option": ["env"], "write_in": ["Lokale jobber"]})
    received = phone.get_received()
    assert "results" not in {e["name"] for e in received}
    assert "Lokale jobber" not in str(received) and "env" not in str(received)

    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/reveal")
    results = [e["args"][0] for e in phone.get_received() if e["name"] == "results"]
    counts = {o["key"]: o["count"] for o in results[-1]["results"]["options"]}
    assert counts["trust"] == 1 and counts["env"] == 1 and counts["~lokale jobber"] == 1
    assert "p-" not in str(results[-1]["results"])  # no participant ids on phones
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/hide")
    other.post(f"/r/{run_code}/answer/goals", data={"option": ["digital"]})
    assert "results" not in {e["name"] for e in phone.get_received()}


def test_ninth_goal_over_socket_is_refused_and_changes_nothing(app, client, facilitator, run_code):
    join(client, run_code)
    phone = connect(app, client)
    phone.emit("participant:join", {"code": run_code}, callback=True)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    nine = ["planned", "goals", "requirements", "expectations", "rights", "disputes", "innovation_room", "relations", "trust"]
    ack = phone.emit("vote", {"question": "goals", "fields": {"option": nine}}, callback=True)
    assert not ack["ok"] and ack["code"] == "too_many" and "8" in ack["error"]
    with app.app_context():
        assert db.session.query(Answer).count() == 0


def test_a_refused_vote_is_explained_in_the_phones_language(app, client, facilitator, run_code):
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    english = app.test_client()
    english.post("/lang/en")
    phones = {}
    for language, flask_client in (("nb", client), ("en", english)):
        join(flask_client, run_code)
        phones[language] = connect(app, flask_client)
        phones[language].emit("participant:join", {"code": run_code}, callback=True)
    vote = {"question": "goals", "fields": {"option": ["trust", "trust"]}}
    assert phones["en"].emit("vote", vote, callback=True)["error"] == "The same option was chosen twice."
    assert "samme" in phones["nb"].emit("vote", vote, callback=True)["error"]


def test_malformed_and_forged_votes_are_refused(app, client, facilitator, run_code):
    join(client, run_code)
    phone = connect(app, client)
    # Voting before joining the live room: no participant is known to this connection.
    assert phone.emit("vote", {"question": "goals", "fields": {"option": ["trust"]}}, callback=True)["code"] == "not_joined"
    phone.emit("participant:join", {"code": run_code}, callback=True)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    for payload in [None, "x", {"question": "goals", "fields": "trust"}, {"question": 5, "fields": {}},
                    {"question": "nope", "fields": {"option": ["trust"]}},
                    {"question": "goals", "fields": {"option": ["trust"]}, "participant": 999}]:
        ack = phone.emit("vote", payload, callback=True)
        if isinstance(payload, dict) and payload.get("participant"):
            assert ack["ok"]  # the forged id is ignored: the vote is this phone's own
        else:
            assert not ack["ok"] and ack["error"]
    with app.app_context():
        answers = db.session.query(Answer).all()
        assert len(answers) == 1 and answers[0].participant_id != 999


def test_stranger_cannot_join_a_run_or_watch_the_screen(app, run_code):
    stranger = connect(app, app.test_client())
    assert not stranger.emit("participant:join", {"code": run_code}, callback=True)["ok"]
    assert not stranger.emit("screen:watch", {"code": run_code}, callback=True)["ok"]
    assert stranger.get_received() == []


def test_participant_cannot_watch_the_screen(app, client, run_code):
    join(client, run_code)
    phone = connect(app, client)
    assert not phone.emit("screen:watch", {"code": run_code}, callback=True)["ok"]


def test_reconnecting_phone_gets_the_current_state(app, client, facilitator, run_code):
    join(client, run_code)
    phone = connect(app, client)
    phone.emit("participant:join", {"code": run_code}, callback=True)
    phone.disconnect()
    facilitator.post(f"/facilitator/runs/{run_code}/questions/topics/open")
    again = connect(app, client)
    ack = again.emit("participant:join", {"code": run_code}, callback=True)
    assert [q["status"] for q in ack["state"]["questions"] if q["id"] == "topics"] == ["open"]


def test_points_results_show_the_same_figures_on_the_page_and_in_a_push(app, client, facilitator):
    import re

    from workshop import services
    from workshop.templates_io import find_template

    from ..conftest import QUESTIONS

    with app.app_context():
        run = services.runs.create_run(find_template(QUESTIONS, "kategorier-100-poeng").template)
        code, question = run.code, services.runs.template_of(run).questions[0]
    facilitator.post(f"/facilitator/runs/{code}/open-all")
    join(client, code, "Bord 1")
    other = join(app.test_client(), code, "Bord 2")
    client.post(f"/r/{code}/answer/{question.id}", data={"points_1": "60", "points_2": "40"})
    other.post(f"/r/{code}/answer/{question.id}", data={"points_1": "30", "points_3": "70"})
    phone = connect(app, client)
    phone.emit("participant:join", {"code": code}, callback=True)
    facilitator.post(f"/facilitator/runs/{code}/questions/{question.id}/reveal")
    pushed = [r for r in events(phone, "results") if r["question"] == question.id][-1]
    page = client.get(f"/r/{code}").get_data(as_text=True)
    on_page = [int(v) for v in re.findall(r'<span class="bar-value">(\d+) poeng</span>', page)]
    in_push = [o["figure"] for o in pushed["results"]["options"]]
    assert on_page == in_push and in_push[:3] == [90, 40, 70]


def test_revealing_a_question_pushes_its_results_once(app, client, facilitator, run_code):
    join(client, run_code, "Bord 1")
    screen = connect(app, facilitator)
    screen.emit("screen:watch", {"code": run_code}, callback=True)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    screen.get_received()
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/reveal")
    pushed = [r for r in events(screen, "results") if r["question"] == "goals"]
    assert len(pushed) == 1 and pushed[0]["visible"]


def test_the_use_cases_announce_changes_and_import_nothing_of_the_push():
    import ast
    import pkgutil

    from workshop import services

    announcing = set()
    for module in pkgutil.iter_modules(services.__path__):
        source = (pathlib.Path(services.__path__[0]) / f"{module.name}.py").read_text()
        tree = ast.parse(source)
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                    for alias in node.names} | {node.module for node in ast.walk(tree)
                                                if isinstance(node, ast.ImportFrom) and node.module}
        assert not imported & {"broadcast", "socketio", "live", "presenter"}, module.name
        if "changes" in imported:
            announcing.add(module.name)
    # Every use case that changes what a screen shows announces it.
    assert {"runs", "exercise", "joining", "votes", "board", "ideas", "plan"} <= announcing


def test_the_use_case_modules_import_each_other_without_a_cycle():
    import ast
    import pkgutil

    from workshop import services

    names = {m.name for m in pkgutil.iter_modules(services.__path__)}
    uses = {}
    for name in names:
        tree = ast.parse((pathlib.Path(services.__path__[0]) / f"{name}.py").read_text())
        uses[name] = {node.module for node in ast.walk(tree)
                      if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module in names}

    def reaches(start, target, seen=()):
        return any(m == target or (m not in seen and reaches(m, target, seen + (m,))) for m in uses[start])

    assert [name for name in names if reaches(name, name)] == []
