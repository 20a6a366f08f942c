"""Moderation before display, at the event level: a text that waits for approval never reaches
a projector or a phone; once approved it does; the export has both with their status."""

import io

import pandas as pd

from workshop.extensions import socketio

from ..conftest import join


def all_events(*clients):
    return str([client.get_received() for client in clients])


def test_a_waiting_text_reaches_no_screen_until_approved(app, client, facilitator, run_code):
    join(client, run_code, "Bord 1")
    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/open")
    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/reveal")
    phone = socketio.test_client(app, flask_test_client=client)
    phone.emit("participant:join", {"code": run_code}, callback=True)
    screen = socketio.test_client(app, flask_test_client=facilitator)
    watched = screen.emit("screen:watch", {"code": run_code}, callback=True)
    writer = join(app.test_client(), run_code, "Bord 2")
    writer_socket = socketio.test_client(app, flask_test_client=writer)
    writer_socket.emit("participant:join", {"code": run_code}, callback=True)

    ack = writer_socket.emit("vote", {"question": "needs", "fields": {"entry": ["Hemmelig forslag", "Maler"]},
                                      "vote_id": "w1"}, callback=True)
    assert ack["ok"]
    received = all_events(phone, screen, writer_socket)
    assert "Hemmelig forslag" not in received and "Maler" not in received and "Hemmelig" not in str(watched)
    screen.get_received()
    # The phones' and projector's pages do not carry it either.
    assert "Hemmelig forslag" not in facilitator.get(f"/projector/{run_code}").get_data(as_text=True)
    assert "Hemmelig forslag" not in client.get(f"/r/{run_code}").get_data(as_text=True)
    assert "Hemmelig forslag" not in client.get(f"/r/{run_code}/board/fragment").get_data(as_text=True)

    console = facilitator.get(f"/facilitator/runs/{run_code}").get_data(as_text=True)
    assert "Hemmelig forslag" in console and "Maler" in console  # the facilitator's queue
    queue = facilitator.get(f"/facilitator/runs/{run_code}/moderation").get_data(as_text=True)
    assert queue.count('name="ref"') == 4  # two texts, each with approve and hide

    with app.app_context():
        from workshop import services
        run = services.runs.run_by_code(run_code)
        waiting = {e["text"]: e["ref"] for e in services.moderation.waiting(run, "needs")}
    phone.get_received(), screen.get_received()
    approved = facilitator.post(f"/facilitator/runs/{run_code}/moderation/needs/approve",
                                data={"ref": waiting["Maler"]})
    assert approved.status_code == 302
    pushed = [e["args"][0] for e in screen.get_received() if e["name"] == "results"]
    latest = [r for r in pushed if r["question"] == "needs"][-1]
    assert [e["text"] for e in latest["results"]["entries"]] == ["Maler"] and latest["waiting"] == 1
    assert "Maler" in str(phone.get_received()) and "Hemmelig forslag" not in str(pushed)

    facilitator.post(f"/facilitator/runs/{run_code}/moderation/needs/reject", data={"ref": waiting["Hemmelig forslag"]})
    with app.app_context():
        run = services.runs.run_by_code(run_code)
        assert services.moderation.waiting(run, "needs") == []
    assert "Hemmelig forslag" not in str(screen.get_received())

    export = facilitator.get(f"/facilitator/runs/{run_code}/export/answers.csv?headers=keys")
    table = pd.read_csv(io.BytesIO(export.data), sep=";", encoding="utf-8-sig")
    needs = table[table["question_id"] == "needs"]
    assert dict(zip(needs["answer_text"], needs["status"])) == {"Maler": "approved", "Hemmelig forslag": "hidden"}


def test_approve_all_lets_every_waiting_text_through(app, client, facilitator, run_code):
    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/open")
    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/reveal")
    for number in range(3):
        phone = join(app.test_client(), run_code, f"Bord {number + 1}")
        phone.post(f"/r/{run_code}/answer/needs", data={"entry": [f"Forslag {number}"]})
    screen = socketio.test_client(app, flask_test_client=facilitator)
    watched = screen.emit("screen:watch", {"code": run_code}, callback=True)
    needs = next(r for r in watched["results"] if r["question"] == "needs")
    assert needs["waiting"] == 3 and needs["results"]["entries"] == []
    facilitator.post(f"/facilitator/runs/{run_code}/moderation/needs/approve-all")
    latest = [e["args"][0] for e in screen.get_received() if e["name"] == "results"][-1]
    assert sorted(e["text"] for e in latest["results"]["entries"]) == ["Forslag 0", "Forslag 1", "Forslag 2"]
    assert latest["waiting"] == 0
    console = facilitator.get(f"/facilitator/runs/{run_code}").get_data(as_text=True)
    assert "Ingen tekster venter" in console


def test_a_bad_moderation_request_changes_nothing(app, facilitator, run_code):
    assert facilitator.post(f"/facilitator/runs/{run_code}/moderation/needs/approve", data={}).status_code == 400
    assert facilitator.post(f"/facilitator/runs/{run_code}/moderation/needs/bless", data={"ref": "x"}).status_code == 400
    assert facilitator.post(f"/facilitator/runs/{run_code}/moderation/nope/approve", data={"ref": "x"}).status_code == 404
    assert facilitator.post(f"/facilitator/runs/{run_code}/moderation/nope/approve-all").status_code == 404
