"""Votes written in batches: each vote in a batch is checked on its own, and what the
phones were told is what the database holds."""

import threading

from sqlalchemy import select

from workshop import services
from workshop.domain.answers import AnswerError
from workshop.extensions import db, socketio
from workshop.models import Answer

from ..conftest import join


def stored(app):
    with app.app_context():
        rows = db.session.execute(select(Answer.participant_id, Answer.question_id, Answer.items))
        return {(p, q): [i["option"] for i in items] for p, q, items in rows}


def vote(participant, question, *options, vote_id=None):
    return services.votes.Vote(participant.id, participant.run_id, question,
                         {"option": list(options)}, vote_id)


def test_one_batch_refuses_each_bad_vote_alone_and_keeps_the_rest(app, run_code):
    with app.app_context():
        run = services.runs.run_by_code(run_code)
        services.exercise.open_question(run, "goals")  # "categories" stays closed
        kari, ola, other = (services.joining.join_run(run, "Bord 1", name) for name in ("Kari", "Ola", "Per"))
        other_run = services.runs.create_run(services.runs.template_of(run))
        stranger = services.joining.join_run(other_run, "Bord 9", "Eva")
        batch = [
            vote(kari, "goals", "trust"),
            vote(ola, "categories", "it"),            # closed
            vote(ola, "nope", "trust"),                # no such question
            vote(ola, "goals", *["trust"] * 9),        # malformed: the same option 9 times
            services.votes.Vote(stranger.id, run.id, "goals", {"option": ["env"]}, None),  # not of this run
            vote(ola, "goals", "env"),
            vote(kari, "goals", "digital", vote_id="later"),  # Kari again: the later one wins
        ]
        outcomes = services.votes.write_votes(batch)
        codes = [o.code if isinstance(o, AnswerError) else [i.option for i in o] for o in outcomes]
        assert codes[0] == ["trust"] and codes[5] == ["env"] and codes[6] == ["digital"]
        assert codes[1] == "closed" and codes[2] == "unknown_question" and codes[4] == "not_joined"
        assert isinstance(outcomes[3], AnswerError)
        ids = kari.id, ola.id, other.id
    assert stored(app) == {(ids[0], "goals"): ["digital"], (ids[1], "goals"): ["env"]}


def test_a_vote_from_a_deleted_participant_is_refused_and_the_rest_of_its_batch_counts(app, run_code):
    with app.app_context():
        run = services.runs.run_by_code(run_code)
        services.exercise.open_question(run, "goals")
        kari, ola = services.joining.join_run(run, "Bord 1", "Kari"), services.joining.join_run(run, "Bord 2", "Ola")
        gone = services.votes.Vote(10_000, run.id, "goals", {"option": ["env"]}, None)
        outcomes = services.votes.write_votes([vote(kari, "goals", "trust"), gone, vote(ola, "goals", "env")])
        assert isinstance(outcomes[1], AnswerError) and outcomes[1].code == "not_joined"
        kari_id, ola_id = kari.id, ola.id
    assert stored(app) == {(kari_id, "goals"): ["trust"], (ola_id, "goals"): ["env"]}


def test_phones_voting_at_the_same_moment_are_all_stored_as_acknowledged(app, facilitator, run_code):
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    options = ["trust", "env", "digital", "social"]
    phones = []
    for n in range(24):
        browser = join(app.test_client(), run_code, f"Bord {n % 4 + 1}")
        phone = socketio.test_client(app, flask_test_client=browser)
        assert phone.emit("participant:join", {"code": run_code}, callback=True)["ok"]
        phones.append(phone)
    acks = [None] * len(phones)
    start = threading.Barrier(len(phones))

    def send(n):
        start.wait(timeout=10)
        acks[n] = phones[n].emit("vote", {"question": "goals", "fields": {"option": [options[n % 4]]},
                                          "vote_id": f"v{n}"}, callback=True)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(phones))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive()
    assert all(ack and ack["ok"] for ack in acks), acks
    answers = stored(app)
    assert len(answers) == len(phones)
    assert sorted(o for items in answers.values() for o in items) == sorted(options[n % 4] for n in range(len(phones)))
    writer = app.extensions["workshop.vote_writer"]
    assert writer.items == len(phones)


def test_a_connection_decodes_the_session_cookie_once_not_for_every_vote(app, facilitator, run_code, monkeypatch):
    from workshop.security import SchemeAwareSessionInterface

    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    phone = socketio.test_client(app, flask_test_client=join(app.test_client(), run_code))
    assert phone.emit("participant:join", {"code": run_code}, callback=True)["ok"]
    decoded = []
    original = SchemeAwareSessionInterface.get_signing_serializer
    monkeypatch.setattr(SchemeAwareSessionInterface, "get_signing_serializer",
                        lambda self, app: decoded.append(1) or original(self, app))
    acks = [phone.emit("vote", {"question": "goals", "fields": {"option": [o]}}, callback=True)
            for o in ("trust", "env", "digital")]
    assert all(a["ok"] for a in acks)  # the connection's identity is still there
    assert decoded == []


def test_a_vote_whose_check_fails_unexpectedly_is_refused_alone(app, run_code, monkeypatch):
    from workshop.domain.question_types import TYPES

    real_check = TYPES["choice"].check_answer

    def check(question, fields):
        if fields.get("option") == ["boom"]:
            raise ValueError("a bug in one type's check")
        return real_check(question, fields)

    monkeypatch.setattr(TYPES["choice"], "check_answer", check)
    with app.app_context():
        run = services.runs.run_by_code(run_code)
        services.exercise.open_question(run, "goals")
        kari, ola = services.joining.join_run(run, "Bord 1", "Kari"), services.joining.join_run(run, "Bord 2", "Ola")
        outcomes = services.votes.write_votes([vote(kari, "goals", "trust"), vote(ola, "goals", "boom")])
        assert [i.option for i in outcomes[0]] == ["trust"]
        assert isinstance(outcomes[1], AnswerError) and outcomes[1].code == "malformed"
        kari_id = kari.id
    assert stored(app) == {(kari_id, "goals"): ["trust"]}


def test_a_crafted_vote_id_is_dropped_and_the_vote_still_counts(app, client, facilitator, run_code):
    join(client, run_code)
    phone = socketio.test_client(app, flask_test_client=client)
    phone.emit("participant:join", {"code": run_code}, callback=True)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    ack = phone.emit("vote", {"question": "goals", "fields": {"option": ["trust"]},
                              "vote_id": "v\ud800"}, callback=True)
    assert ack["ok"] and ack["vote_id"] is None
    with app.app_context():
        assert [(a.vote_id, a.items[0]["option"]) for a in db.session.query(Answer)] == [(None, "trust")]
