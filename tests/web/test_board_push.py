"""The board is drawn by the server once per change and pushed to the pages that watch it
(board:watch): the phones of a shared board in their language, the projector, the
facilitator's board with its controls. A page that does not watch is sent no board."""

import logging
import time

import pytest

from workshop import broadcast, create_app, services
from workshop.extensions import socketio

from ..conftest import QUESTIONS, SECRET, join
from .test_board_plan_exports import room


def boards(sock) -> list[dict]:
    return [e["args"][0] for e in sock.get_received() if e["name"] == "board"]


def watching_phone(app, client, code, audience="phones"):
    sock = socketio.test_client(app, flask_test_client=client)
    assert sock.emit("participant:join", {"code": code}, callback=True)["ok"]
    return sock, sock.emit("board:watch", {"code": code, "audience": audience}, callback=True)


def share(facilitator, code, on=True):
    facilitator.post(f"/facilitator/runs/{code}/board/share", data={"on": "1" if on else "0"})


def pin(facilitator, code, ref="digital", on=True):
    facilitator.post(f"/facilitator/runs/{code}/board/mark",
                     data={"question_id": "goals", "kind": "pin", "ref": ref, "on": "1" if on else "0"})


def goals_section(html: str) -> str:
    return html[html.index('id="board-goals"'):html.index('id="board-topics"')]


def test_a_watching_phone_is_pushed_the_board_after_a_pin_and_after_a_vote(app, facilitator, run_code):
    phones = room(app, facilitator, run_code)
    share(facilitator, run_code)
    phone, ack = watching_phone(app, phones[0], run_code)
    assert ack["ok"] and "Mer om maler" in ack["html"] and "<form" not in ack["html"]
    assert 'class="pinned' not in goals_section(ack["html"])
    phone.get_received()

    pin(facilitator, run_code)
    pushed = boards(phone)
    assert len(pushed) >= 1 and pushed[-1]["seq"] > ack["seq"]
    goals = goals_section(pushed[-1]["html"])
    assert "📌" in goals and goals.index("Digitalisering") < goals.index("Tillit hos brukere")  # pinned first
    assert "<form" not in pushed[-1]["html"]  # the phones' board has no controls

    # Bord 1 chose trust and env; a new table choosing digital makes it 2 of 4 groups.
    voter = join(app.test_client(), run_code, "Bord 4", "Ny")
    voter_socket = socketio.test_client(app, flask_test_client=voter)
    voter_socket.emit("participant:join", {"code": run_code}, callback=True)
    assert "1/3" in goals_section(pushed[-1]["html"])
    assert voter_socket.emit("vote", {"question": "goals", "fields": {"option": ["digital"]}}, callback=True)["ok"]
    after_vote = boards(phone)
    assert after_vote and "2/4" in goals_section(after_vote[-1]["html"])
    assert "Bord 4" in after_vote[-1]["html"]


def test_a_phone_that_does_not_watch_or_whose_board_is_not_shared_gets_no_board(app, facilitator, run_code):
    phones = room(app, facilitator, run_code)
    joined_only = socketio.test_client(app, flask_test_client=phones[0])
    assert joined_only.emit("participant:join", {"code": run_code}, callback=True)["ok"]
    unshared, ack = watching_phone(app, phones[1], run_code)
    assert ack == {"ok": False, "code": "not_shared", "error": "the board is not shared"}
    stranger = socketio.test_client(app, flask_test_client=app.test_client())
    assert stranger.emit("board:watch", {"code": run_code}, callback=True)["code"] == "not_joined"
    joined_only.get_received(), unshared.get_received()

    pin(facilitator, run_code)
    share(facilitator, run_code)  # shared: still nothing for a phone that did not ask to watch
    pin(facilitator, run_code, on=False)
    received = joined_only.get_received() + unshared.get_received() + stranger.get_received()
    assert not [e for e in received if e["name"] == "board"]
    assert "Mer om maler" not in str(received)  # no board's HTML in any other event either


def test_phones_of_an_unshared_board_are_told_it_waits_and_no_longer_sent_it(app, facilitator, run_code):
    phones = room(app, facilitator, run_code)
    share(facilitator, run_code)
    phone, ack = watching_phone(app, phones[0], run_code)
    assert ack["ok"]
    phone.get_received()
    share(facilitator, run_code, on=False)
    pushed = boards(phone)
    assert pushed and "Mer om maler" not in pushed[-1]["html"]
    assert "Fasilitatoren deler tavlen under diskusjonen." in pushed[-1]["html"]
    pin(facilitator, run_code)
    assert boards(phone) == []


def test_only_a_signed_in_facilitator_watches_the_controls_or_the_projector(app, client, facilitator, run_code):
    phones = room(app, facilitator, run_code)
    share(facilitator, run_code)
    for audience in ("controls", "screen"):
        stranger = socketio.test_client(app, flask_test_client=app.test_client())
        assert stranger.emit("board:watch", {"code": run_code, "audience": audience},
                             callback=True)["code"] == "forbidden"
        phone, ack = watching_phone(app, phones[0], run_code, audience)
        assert ack["code"] == "forbidden"
        stranger.get_received(), phone.get_received()
        pin(facilitator, run_code, on=audience == "controls")
        assert boards(stranger) == [] and "<form" not in str(phone.get_received())

    screen = socketio.test_client(app, flask_test_client=facilitator)
    ack = screen.emit("board:watch", {"code": run_code, "audience": "controls"}, callback=True)
    assert ack["ok"] and 'name="csrf_token" value=""' in ack["html"]
    pin(facilitator, run_code, "env")
    html = boards(screen)[-1]["html"]
    # Every form of the pushed controls waits for the page's token: none is left out or stale.
    assert html.count('name="csrf_token"') == html.count('name="csrf_token" value=""') > 0
    assert 'data-action="pin-off"' in goals_section(html)


def test_each_phone_is_pushed_the_board_in_its_own_language(app, facilitator, run_code):
    phones = room(app, facilitator, run_code)
    share(facilitator, run_code)
    phones[1].post("/lang/en", data={"next": "/"})
    norwegian, _ = watching_phone(app, phones[0], run_code)
    english, _ = watching_phone(app, phones[1], run_code)
    norwegian.get_received(), english.get_received()
    pin(facilitator, run_code)
    nb, en = boards(norwegian)[-1]["html"], boards(english)[-1]["html"]
    assert " svar · " in nb and " grupper" in nb and " answers · " not in nb
    assert " answers · " in en and " groups" in en and " svar · " not in en


@pytest.mark.parametrize("payload", [None, "x", 5, [], {}, {"code": 5}, {"code": "X", "audience": "everyone"},
                                     {"code": "X", "audience": ["controls"]}, {"code": {"a": 1}}])
def test_bad_watch_payloads_are_refused_without_a_traceback(app, facilitator, run_code, caplog, payload):
    screen = socketio.test_client(app, flask_test_client=facilitator)
    with caplog.at_level(logging.WARNING):
        ack = screen.emit("board:watch", payload, callback=True) if payload is not None \
            else screen.emit("board:watch", callback=True)
    assert ack["ok"] is False and ack["code"] in {"malformed", "unknown_run"}
    assert not caplog.records


def test_a_burst_of_votes_makes_few_pushes_and_the_last_shows_the_final_figures(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SCHEMA_FROM_MODELS": True, "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "c.sqlite"),
                      "RESULTS_INTERVAL": 0.05, "RATELIMIT_ENABLED": False, "QUESTIONS_DIR": QUESTIONS})
    monkeypatch.setattr(broadcast, "_worker_started", False)  # this app's coalescing task
    with app.app_context():
        services.secret.ensure_facilitator_secret(SECRET)
        from workshop.templates_io import find_template
        code = services.runs.create_run(find_template(QUESTIONS, "kontraktsoppfolging").template).code
    facilitator = app.test_client()
    facilitator.post("/facilitator/login", data={"secret": SECRET})
    facilitator.post(f"/facilitator/runs/{code}/open-all")
    share(facilitator, code)
    watcher, ack = watching_phone(app, join(app.test_client(), code, "Bord 0"), code)
    assert ack["ok"]
    voters = []
    for n in range(12):
        voter = socketio.test_client(app, flask_test_client=join(app.test_client(), code, f"Bord {n + 1}"))
        voter.emit("participant:join", {"code": code}, callback=True)
        voters.append(voter)
    time.sleep(1.2)
    watcher.get_received()

    started = time.monotonic()
    for voter in voters:  # twelve tables vote one after another, every 0.15 s
        assert voter.emit("vote", {"question": "goals", "fields": {"option": ["trust"]}}, callback=True)["ok"]
        time.sleep(0.15)
    burst = time.monotonic() - started
    time.sleep(2.5)
    pushed = boards(watcher)
    assert 1 <= len(pushed) <= 2 + int(burst), (len(pushed), burst)  # at most one a second
    assert "12/12" in goals_section(pushed[-1]["html"])  # the last push has every vote
    assert [p["seq"] for p in pushed] == sorted(p["seq"] for p in pushed)


def test_phones_coming_back_are_answered_with_the_board_drawn_once_until_it_changes(
        app, facilitator, run_code, monkeypatch):
    from workshop import presenter

    phones = room(app, facilitator, run_code)
    share(facilitator, run_code)
    drawn = []
    board_push = presenter.board_push
    monkeypatch.setattr(presenter, "board_push", lambda *a: drawn.append(a[1:]) or board_push(*a))
    first = [watching_phone(app, phone, run_code)[1] for phone in phones]  # a hall back on the wifi
    assert all(ack["ok"] for ack in first) and len({ack["html"] for ack in first}) == 1
    assert drawn == [("phones", "nb")], "each phone's watch drew the board again"

    pin(facilitator, run_code)  # a change: the next watch gets the board as it is now
    again = watching_phone(app, phones[0], run_code)[1]
    assert "📌" in goals_section(again["html"]) and again["seq"] > first[0]["seq"]
