"""Answers a phone kept offline and sends later: a resend counts once, an answer made before
the stored one never replaces it, and the phone's JSON endpoint answers every refusal in the
phone's language (never a 500)."""

import pytest
from sqlalchemy import select

from workshop import services
from workshop.domain.answers import AnswerError
from workshop.domain.vote_ids import is_ordered_vote_id, made_at
from workshop.extensions import db, socketio
from workshop.models import Answer

from ..conftest import join

EARLY, LATE = "1764670000000-aaaaaaaa", "1764670005000-bbbbbbbb"  # made 5 s apart on one phone


def vote(participant, question, *options, vote_id=None):
    return services.votes.Vote(participant.id, participant.run_id, question, {"option": list(options)}, vote_id)


def stored(app):
    with app.app_context():
        rows = db.session.execute(select(Answer.question_id, Answer.items, Answer.vote_id))
        return [(q, [i["option"] for i in items], v) for q, items, v in rows]


@pytest.fixture
def kari(app, run_code):
    with app.app_context():
        run = services.runs.run_by_code(run_code)
        services.exercise.open_question(run, "goals")
        return services.joining.join_run(run, "Bord 1", "Kari")


def test_vote_ids_made_by_the_phone_carry_the_time_they_were_made():
    assert made_at(EARLY) == 1764670000000 and made_at(LATE) > made_at(EARLY)
    assert is_ordered_vote_id(EARLY)
    for other in ("v1", "retry-1", "1764670000000", "1764670000000-AAAA", "x" * 64, None, 17, ["a"]):
        assert not is_ordered_vote_id(other) and made_at(other) is None


def test_the_same_vote_sent_twice_is_stored_once(app, kari):
    with app.app_context():
        first = services.votes.write_votes([vote(kari, "goals", "trust", vote_id=EARLY)])
        again = services.votes.write_votes([vote(kari, "goals", "trust", vote_id=EARLY)])
        assert [i.option for i in first[0]] == [i.option for i in again[0]] == ["trust"]
        answer = db.session.execute(select(Answer)).scalar_one()
        assert answer.made_at_ms == made_at(EARLY)
        submitted = answer.submitted_at
    assert stored(app) == [("goals", ["trust"], EARLY)]
    with app.app_context():  # the resend did not touch the stored answer
        assert db.session.execute(select(Answer.submitted_at)).scalar_one() == submitted


def test_an_answer_made_before_the_stored_one_never_replaces_it(app, kari):
    with app.app_context():
        services.votes.write_votes([vote(kari, "goals", "digital", vote_id=LATE)])
        late = services.votes.write_votes([vote(kari, "goals", "trust", vote_id=EARLY)])
        assert isinstance(late[0], AnswerError) and late[0].code == "superseded"
    assert stored(app) == [("goals", ["digital"], LATE)]


def test_in_one_batch_the_answer_made_last_wins_whatever_the_order_they_arrive_in(app, kari):
    with app.app_context():
        outcomes = services.votes.write_votes([
            vote(kari, "goals", "digital", vote_id=LATE), vote(kari, "goals", "trust", vote_id=EARLY)])
        assert [i.option for i in outcomes[0]] == ["digital"]
        assert isinstance(outcomes[1], AnswerError) and outcomes[1].code == "superseded"
    assert stored(app) == [("goals", ["digital"], LATE)]


def test_an_answer_without_a_time_replaces_one_with_a_time_and_the_other_way_round(app, kari):
    with app.app_context():
        services.votes.submit_answer(kari, "goals", {"option": ["trust"]}, LATE)
        services.votes.submit_answer(kari, "goals", {"option": ["env"]})  # a form post: the newest
        assert stored(app) == [("goals", ["env"], None)]
        services.votes.submit_answer(kari, "goals", {"option": ["digital"]}, EARLY)
    assert stored(app) == [("goals", ["digital"], EARLY)]


def test_the_phones_json_endpoint_stores_an_answer_and_a_resend_once(app, client, run_code, facilitator):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    body = {"question": "goals", "fields": {"option": ["trust", "env"]}, "vote_id": EARLY}
    for _ in range(2):
        response = client.post(f"/r/{run_code}/vote", json=body)
        assert response.status_code == 200
        assert response.json == {"ok": True, "question": "goals", "vote_id": EARLY}
    assert stored(app) == [("goals", ["trust", "env"], EARLY)]
    older = client.post(f"/r/{run_code}/vote", json=dict(body, vote_id="1764669999999-cccccccc",
                                                          fields={"option": ["digital"]}))
    assert older.status_code == 400 and older.json["code"] == "superseded"
    assert older.json["error"] == "Et nyere svar fra deg er allerede lagret."
    assert stored(app) == [("goals", ["trust", "env"], EARLY)]


@pytest.mark.parametrize("vote_id", [None, "", "v1", "1764670000000", "1764670000000-", "1764670000000-ABCDEFGH",
                                     "1764670000000-aaaaaaaa\n", 1764670000000, ["1764670000000-aaaaaaaa"],
                                     "1764670000000-" + "a" * 40, "\ud800"])
def test_a_bad_vote_id_is_refused_with_a_clear_message_and_changes_nothing(app, client, run_code, facilitator, vote_id):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    body = {"question": "goals", "fields": {"option": ["trust"]}}
    if vote_id is not None:
        body["vote_id"] = vote_id
    response = client.post(f"/r/{run_code}/vote", json=body)
    assert response.status_code == 400
    assert response.json["ok"] is False and response.json["code"] == "malformed"
    assert response.json["error"] == "Svaret kunne ikke leses. Last inn siden på nytt og prøv igjen."
    assert stored(app) == []


@pytest.mark.parametrize("payload", [b"", b"not json", b"[1, 2]", b'"text"', b"null", b'{"question": "goals"}',
                                     b'{"question": "goals", "fields": [1], "vote_id": "1764670000000-aaaaaaaa"}',
                                     b'{"question": ["goals"], "fields": {}, "vote_id": "1764670000000-aaaaaaaa"}',
                                     b'{"question": "goals", "fields": {"option": [1]}, "vote_id": "1764670000000-aaaaaaaa"}'])
def test_a_body_that_is_not_an_answer_is_refused_not_a_500(app, client, run_code, facilitator, payload):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    response = client.post(f"/r/{run_code}/vote", data=payload, content_type="application/json")
    assert response.status_code == 400 and response.json["ok"] is False
    assert response.json["code"] in ("malformed", "unknown_question")
    assert stored(app) == []


def test_an_answer_sent_after_the_question_closed_is_refused_and_the_phone_is_told_why(
        app, client, run_code, facilitator):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    assert client.post(f"/r/{run_code}/vote", json={
        "question": "goals", "fields": {"option": ["trust"]}, "vote_id": EARLY}).status_code == 200
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/close")
    response = client.post(f"/r/{run_code}/vote", json={
        "question": "goals", "fields": {"option": ["digital"]}, "vote_id": LATE})
    assert response.status_code == 400 and response.json["code"] == "closed"
    assert response.json["error"] == "Dette spørsmålet er stengt. Det forrige svaret ditt er beholdt."
    assert stored(app) == [("goals", ["trust"], EARLY)]
    client.post("/lang/en", data={"next": "/"})
    english = client.post(f"/r/{run_code}/vote", json={
        "question": "goals", "fields": {"option": ["digital"]}, "vote_id": LATE})
    assert english.json["error"] == "This question is closed. Your earlier answer is kept."


def test_an_answer_to_a_run_that_is_gone_or_not_joined_is_refused_in_json(app, client, run_code, facilitator):
    body = {"question": "goals", "fields": {"option": ["trust"]}, "vote_id": EARLY}
    response = client.post(f"/r/{run_code}/vote", json=body)  # never joined
    assert response.status_code == 403 and response.json["code"] == "not_joined"
    response = client.post("/r/ZZZZZZ/vote", json=body)
    assert response.status_code == 404 and response.json["code"] == "run_ended"
    assert response.json["error"] == "Denne workshopen er avsluttet eller finnes ikke lenger."


def test_the_socket_path_and_the_endpoint_share_the_store(app, client, run_code, facilitator):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    phone = socketio.test_client(app, flask_test_client=client)
    assert phone.emit("participant:join", {"code": run_code}, callback=True)["ok"]
    ack = phone.emit("vote", {"question": "goals", "fields": {"option": ["env"]}, "vote_id": LATE}, callback=True)
    assert ack["ok"]
    again = client.post(f"/r/{run_code}/vote", json={"question": "goals", "fields": {"option": ["env"]},
                                                     "vote_id": LATE})
    assert again.json["ok"]
    older = phone.emit("vote", {"question": "goals", "fields": {"option": ["trust"]}, "vote_id": EARLY},
                       callback=True)
    assert not older["ok"] and older["code"] == "superseded"
    assert stored(app) == [("goals", ["env"], LATE)]


def test_the_service_worker_is_served_where_its_scope_covers_the_phone_page(client):
    response = client.get("/r/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "no-cache" in response.headers["Cache-Control"]
    assert b"addEventListener(\"fetch\"" in response.data
