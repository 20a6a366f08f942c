"""Upvoting ideas over Socket.IO and forms: once per participant, never one's own."""

from workshop import services
from workshop.extensions import db, socketio
from workshop.models import Upvote

from ..conftest import approve_texts, join


def test_upvote_once_each_never_ones_own_and_only_while_open(app, facilitator, run_code):
    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/open")
    author = join(app.test_client(), run_code, "Bord 1")
    author.post(f"/r/{run_code}/answer/needs", data={"entry": ["Flere eksempler"]})
    approve_texts(facilitator, run_code)
    voters = [join(app.test_client(), run_code, f"Bord {n}") for n in (2, 3)]
    with app.app_context():
        ref = services.results.results(services.runs.run_by_code(run_code), "needs")["ideas"][0]["ref"]
    phones = []
    for voter in voters:
        phone = socketio.test_client(app, flask_test_client=voter)
        phone.emit("participant:join", {"code": run_code}, callback=True)
        phones.append(phone)
    assert phones[0].emit("upvote", {"question": "needs", "ref": ref}, callback=True)["ok"]
    again = phones[0].emit("upvote", {"question": "needs", "ref": ref}, callback=True)
    assert not again["ok"] and again["code"] == "already_upvoted"
    assert phones[1].emit("upvote", {"question": "needs", "ref": ref}, callback=True)["ok"]
    own = socketio.test_client(app, flask_test_client=author)
    own.emit("participant:join", {"code": run_code}, callback=True)
    assert own.emit("upvote", {"question": "needs", "ref": ref}, callback=True)["code"] == "own_idea"
    assert phones[0].emit("upvote", {"question": "needs", "ref": "p-0:nope"}, callback=True)["code"] == "unknown_idea"
    assert phones[0].emit("upvote", {"question": "goals", "ref": ref}, callback=True)["code"] == "unknown_question"
    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/close")
    late = join(app.test_client(), run_code, "Bord 4")
    late_phone = socketio.test_client(app, flask_test_client=late)
    late_phone.emit("participant:join", {"code": run_code}, callback=True)
    assert late_phone.emit("upvote", {"question": "needs", "ref": ref}, callback=True)["code"] == "closed"
    with app.app_context():
        assert db.session.query(Upvote).count() == 2
        assert services.results.results(services.runs.run_by_code(run_code), "needs")["ideas"][0]["votes"] == 2


def test_phones_see_ideas_but_not_their_votes_before_reveal(app, facilitator, run_code):
    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/open")
    reader = join(app.test_client(), run_code, "Bord 2")
    phone = socketio.test_client(app, flask_test_client=reader)
    phone.emit("participant:join", {"code": run_code}, callback=True)
    author = join(app.test_client(), run_code, "Bord 1")
    author.post(f"/r/{run_code}/answer/needs", data={"entry": ["Mal for statusmøte"]})
    approve_texts(facilitator, run_code)
    # Phones are told how many ideas there are, never the texts or votes, over Socket.IO.
    ideas = [e["args"][0] for e in phone.get_received() if e["name"] == "ideas"]
    assert ideas and ideas[-1]["total"] == 1 and "Mal for statusmøte" not in str(ideas)
    page = reader.get(f"/r/{run_code}").get_data(as_text=True)
    assert "Mal for statusmøte" in page and "upvote-form" in page and "▲</span>" not in page
    with app.app_context():
        ref = services.results.results(services.runs.run_by_code(run_code), "needs")["ideas"][0]["ref"]
    response = reader.post(f"/r/{run_code}/upvote/needs", data={"ref": ref}, follow_redirects=True)
    assert response.status_code == 200
    with app.app_context():
        assert db.session.query(Upvote).count() == 1


def test_points_question_refuses_more_than_the_budget(app, facilitator):
    created = facilitator.post("/facilitator/runs", data={"template": "kategorier-100-poeng", "language": "nb"})
    code = created.location.rsplit("/", 1)[1]
    facilitator.post(f"/facilitator/runs/{code}/questions/attention/open")
    phone = join(app.test_client(), code, "Bord 1")
    page = phone.get(f"/r/{code}").get_data(as_text=True)
    assert 'name="points_1"' in page and 'data-budget="100"' in page
    refused = phone.post(f"/r/{code}/answer/attention", data={"points_1": "80", "points_2": "30"}, follow_redirects=True)
    assert "110" in refused.get_data(as_text=True)
    phone.post(f"/r/{code}/answer/attention", data={"points_1": "80", "points_2": "20"})
    with app.app_context():
        result = services.results.results(services.runs.run_by_code(code), "attention")
    assert {o["key"]: o["points_total"] for o in result["options"]}["fuel_transport"] == 20


def test_an_upvote_the_phones_script_sends_is_answered_in_json_and_counted_once(app, facilitator, run_code):
    # offline.js sends an upvote that waited offline to the form's address when its socket is
    # down: never a page or a redirect, and a resend (its first answer lost) counts once.
    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/open")
    author = join(app.test_client(), run_code, "Bord 1")
    author.post(f"/r/{run_code}/answer/needs", data={"entry": ["Flere eksempler"]})
    approve_texts(facilitator, run_code)
    voter = join(app.test_client(), run_code, "Bord 2")
    with app.app_context():
        ref = services.results.results(services.runs.run_by_code(run_code), "needs")["ideas"][0]["ref"]
    scripted = {"Accept": "application/json"}
    url = f"/r/{run_code}/upvote/needs"
    first = voter.post(url, data={"ref": ref}, headers=scripted)
    assert first.status_code == 200 and first.get_json() == {"ok": True, "ref": ref}
    again = voter.post(url, data={"ref": ref}, headers=scripted)
    assert again.status_code == 409 and again.get_json()["code"] == "already_upvoted"
    own = author.post(url, data={"ref": ref}, headers=scripted).get_json()
    assert own["code"] == "own_idea" and own["error"] == "Du kan ikke stemme på din egen idé."
    stranger = app.test_client().post(url, data={"ref": ref}, headers=scripted)
    assert stranger.status_code == 403 and stranger.get_json()["code"] == "not_joined"
    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/close")
    late = join(app.test_client(), run_code, "Bord 3").post(url, data={"ref": ref}, headers=scripted)
    assert late.status_code == 400 and late.get_json() == {"ok": False, "code": "closed", "error": "Spørsmålet er stengt."}
    assert app.test_client().post("/r/NOSUCH/upvote/needs", data={"ref": ref}, headers=scripted).status_code == 404
    with app.app_context():
        assert db.session.query(Upvote).count() == 1
