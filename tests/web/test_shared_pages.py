"""A hall's newcomers share one rendering of their page (workshop/participant/shared_pages.py):
every change of the run shows on the next page a phone fetches, each phone sees its own table,
name and CSRF token in it, and it is exactly the page the phone would have been rendered alone."""

import re
import shutil
from datetime import timedelta

import pytest

from workshop import create_app, presenter, services
from workshop.extensions import db
from workshop.models import utcnow
from workshop.participant import routes, shared_pages
from workshop.templates_io import find_template

from ..conftest import QUESTIONS, SECRET, approve_texts, join

TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"')


def page(client, code, path="/r/{code}"):
    response = client.get(path.format(code=code))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def alone(client, code, path="/r/{code}"):
    """The phone's page rendered for it alone, as before pages were shared."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shared_pages, "shareable", lambda: False)
        return page(client, code, path)


def without_tokens(html):
    return TOKEN.sub(r'\1"', html)


def assert_as_if_alone(client, code, path="/r/{code}"):
    """The shared page the phone gets now is the page rendered for it alone (CSRF tokens,
    which differ from request to request, aside); returns it."""
    shared = page(client, code, path)
    assert without_tokens(shared) == without_tokens(alone(client, code, path))
    return shared


def built_pages(monkeypatch):
    builds = []
    original = shared_pages._SlottedPage

    def counted(html):
        builds.append(1)
        return original(html)

    monkeypatch.setattr(shared_pages, "_SlottedPage", counted)
    return builds


def test_newcomers_share_one_page_and_each_sees_its_own_table_and_name(app, run_code, monkeypatch):
    builds = built_pages(monkeypatch)
    kari = join(app.test_client(), run_code, "Bord 1", "Kari")
    ola = join(app.test_client(), run_code, "Bord 2")
    first, second = page(kari, run_code), page(ola, run_code)
    assert "<strong>Bord 1</strong> · Kari" in first and "<strong>Bord 2</strong> ·" in second
    assert "Kari" not in second
    with app.app_context():
        public_ids = [p.public_id for p in db.session.query(services.joining.Participant).order_by("id")]
    assert f'data-me="{public_ids[0]}"' in first and f'data-me="{public_ids[1]}"' in second
    before = len(builds)
    third = join(app.test_client(), run_code, "Bord 3", "Per")
    assert "<strong>Bord 3</strong> · Per" in page(third, run_code)
    assert len(builds) == before, "a third newcomer with a name gets the page already built"
    for phone in (kari, ola, third):
        assert_as_if_alone(phone, run_code)


def test_a_table_and_name_with_markup_are_shown_as_the_template_would(app, run_code):
    phone = join(app.test_client(), run_code, 'Bord "<b>7</b>" & co', "<i>Ola</i>")
    shown = assert_as_if_alone(phone, run_code)
    assert "<b>7</b>" not in shown and "<i>Ola</i>" not in shown
    assert "Bord &#34;&lt;b&gt;7&lt;/b&gt;&#34; &amp; co" in shown and "&lt;i&gt;Ola&lt;/i&gt;" in shown


def test_a_question_opened_shows_on_the_next_page_of_every_newcomer(app, facilitator, run_code):
    early = join(app.test_client(), run_code, "Bord 1")
    assert "Vent til" in page(early, run_code) and 'id="q-goals"' not in page(early, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    late = join(app.test_client(), run_code, "Bord 2")
    for phone in (early, late):
        shown = assert_as_if_alone(phone, run_code)
        assert 'id="q-goals"' in shown and 'class="answer-form" data-question="goals"' in shown
    fragment = assert_as_if_alone(early, run_code, "/r/{code}/questions")
    assert 'data-question="goals"' in fragment


def test_closing_and_a_countdown_running_out_show_the_question_closed(app, facilitator, run_code, monkeypatch):
    phone = join(app.test_client(), run_code, "Bord 1")
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    facilitator.post(f"/facilitator/runs/{run_code}/questions/topics/open")
    assert 'data-question="topics" data-type' in page(phone, run_code)

    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/close")
    shown = assert_as_if_alone(phone, run_code)
    assert 'data-question="goals" data-type' not in shown and 'data-question="topics" data-type' in shown

    # Nobody closes it: its countdown ends. The next page shows it closed.
    later = utcnow() + timedelta(hours=1)
    for module in (routes, presenter, services.runs):
        monkeypatch.setattr(module, "utcnow", lambda: later)
    shown = assert_as_if_alone(phone, run_code)
    assert 'data-question="topics" data-type' not in shown
    assert 'id="q-topics" data-question="topics" data-answered="0" data-status="closed"' in shown


def test_revealed_results_follow_every_answer_on_newcomers_pages(app, facilitator, run_code):
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    voter = join(app.test_client(), run_code, "Bord 1")
    voter.post(f"/r/{run_code}/answer/goals", data={"option": ["trust"]})
    newcomer = join(app.test_client(), run_code, "Bord 2")
    assert 'class="respondents"' not in page(newcomer, run_code)  # hidden until revealed

    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/reveal")
    shown = assert_as_if_alone(newcomer, run_code)
    assert '<span class="respondents">1</span>' in shown

    join(app.test_client(), run_code, "Bord 3").post(f"/r/{run_code}/answer/goals", data={"option": ["env"]})
    shown = assert_as_if_alone(newcomer, run_code)
    assert '<span class="respondents">2</span>' in shown
    voter.post(f"/r/{run_code}/answer/goals", data={"option": ["env"]})  # a changed answer
    assert without_tokens(page(newcomer, run_code)) != without_tokens(shown)
    assert_as_if_alone(newcomer, run_code)

    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/hide")
    assert 'class="respondents"' not in assert_as_if_alone(newcomer, run_code)


def test_an_approved_idea_and_its_upvotes_reach_newcomers_pages(app, facilitator, run_code):
    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/open")
    writer = join(app.test_client(), run_code, "Bord 1")
    writer.post(f"/r/{run_code}/answer/needs", data={"entry": ["Mal for statusmøte"]})
    newcomer = join(app.test_client(), run_code, "Bord 2")
    assert "Mal for statusmøte" not in page(newcomer, run_code)  # waits for the facilitator

    approve_texts(facilitator, run_code)
    shown = assert_as_if_alone(newcomer, run_code)
    assert "Mal for statusmøte" in shown and "idea-votes" not in shown

    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/reveal")
    assert '<span class="idea-votes">0 ▲</span>' in assert_as_if_alone(newcomer, run_code)
    ref = re.search(r'name="ref" value="([^"]+)"', page(newcomer, run_code)).group(1)
    upvoter = join(app.test_client(), run_code, "Bord 3")
    upvoter.post(f"/r/{run_code}/upvote/needs", data={"ref": ref})
    assert '<span class="idea-votes">1 ▲</span>' in assert_as_if_alone(newcomer, run_code)
    page(upvoter, run_code)  # the flashed "counted"
    assert "Stemt ✓" in page(upvoter, run_code) and "Stemt ✓" not in page(newcomer, run_code)

    with app.app_context():
        run = services.runs.run_by_code(run_code)
        services.board.set_mark(run, "needs", "answered", ref, True)
    assert '<span class="level-tag">Besvart</span>' in assert_as_if_alone(newcomer, run_code)
    with app.app_context():
        run = services.runs.run_by_code(run_code)
        services.board.set_mark(run, "needs", "hide", ref, True)
    assert "Mal for statusmøte" not in assert_as_if_alone(newcomer, run_code)


def test_sharing_the_board_shows_its_link_to_newcomers(app, facilitator, run_code):
    phone = join(app.test_client(), run_code, "Bord 1")
    assert re.search(r'class="button small board-link" hidden', page(phone, run_code))
    facilitator.post(f"/facilitator/runs/{run_code}/board/share", data={"on": "1"})
    shown = assert_as_if_alone(phone, run_code)
    assert 'class="button small board-link">' in shown and 'class="button small plan-link">' in shown
    facilitator.post(f"/facilitator/runs/{run_code}/board/share", data={"on": "0"})
    assert 'class="button small board-link" hidden' in assert_as_if_alone(phone, run_code)


def test_the_plan_link_follows_the_plan_file(app, facilitator, run_code, tmp_path):
    folder = tmp_path / "questions"
    shutil.copytree(QUESTIONS, folder)
    app.config["QUESTIONS_DIR"] = str(folder)
    facilitator.post(f"/facilitator/runs/{run_code}/board/share", data={"on": "1"})
    phone = join(app.test_client(), run_code, "Bord 1")
    assert 'class="button small plan-link">' in page(phone, run_code)
    (folder / "kontraktsoppfolging.plan.yaml").unlink()  # the plan's wording taken away
    assert 'class="button small plan-link" hidden' in assert_as_if_alone(phone, run_code)


def test_a_phone_in_english_gets_the_page_in_english(app, facilitator, run_code):
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    norwegian = join(app.test_client(), run_code, "Bord 1")
    assert "Send svar" in page(norwegian, run_code)
    english = app.test_client()
    english.post("/lang/en", data={"next": "/"})
    join(english, run_code, "Table 2")
    shown = assert_as_if_alone(english, run_code)
    assert '<html lang="en">' in shown and "Send answer" in shown and "Send svar" not in shown
    assert "Send svar" in assert_as_if_alone(norwegian, run_code)
    other = app.test_client()
    other.post("/lang/en", data={"next": "/"})
    assert '<html lang="en">' in assert_as_if_alone(other, run_code, "/j/{code}")
    assert '<html lang="nb">' in assert_as_if_alone(app.test_client(), run_code, "/j/{code}")


def test_a_phone_that_answered_gets_its_own_page(app, facilitator, run_code):
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    voter = join(app.test_client(), run_code, "Bord 1")
    newcomer = join(app.test_client(), run_code, "Bord 2")
    page(newcomer, run_code)
    voter.post(f"/r/{run_code}/answer/goals", data={"option": ["trust"]})
    assert "Svaret ditt er lagret" in page(voter, run_code)  # (a flashed page is never shared)
    mine = page(voter, run_code)
    assert '<span class="answered">✓ Besvart</span>' in mine and 'value="trust" checked' in mine
    theirs = assert_as_if_alone(newcomer, run_code)
    assert "✓ Besvart" not in theirs and 'value="trust" checked' not in theirs


def test_a_flashed_message_is_shown_to_its_phone_only(app, facilitator, run_code):
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    phone = join(app.test_client(), run_code, "Bord 1")
    phone.post(f"/r/{run_code}/upvote/goals", data={"ref": "x"})  # refused: flashed on the next page
    flashed = page(phone, run_code)
    assert 'class="flash flash-error"' in flashed
    assert 'class="flash' not in page(join(app.test_client(), run_code, "Bord 2"), run_code)
    assert 'class="flash' not in page(phone, run_code)


def test_the_join_page_lists_each_new_table(app, run_code):
    assert 'name="group"' not in assert_as_if_alone(app.test_client(), run_code, "/j/{code}")
    join(app.test_client(), run_code, "Bord 2")
    shown = assert_as_if_alone(app.test_client(), run_code, "/j/{code}")
    assert 'value="Bord 2"' in shown
    join(app.test_client(), run_code, "Bord 1")
    shown = assert_as_if_alone(app.test_client(), run_code, "/j/{code}")
    assert shown.index('value="Bord 1"') < shown.index('value="Bord 2"')


def test_a_cleared_run_shows_newcomers_its_fresh_start(app, facilitator, run_code):
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    join(app.test_client(), run_code, "Bord 1").post(f"/r/{run_code}/answer/goals", data={"option": ["trust"]})
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/reveal")
    assert "Bord 1" in page(app.test_client(), run_code, "/j/{code}")
    assert 'id="q-goals"' in page(join(app.test_client(), run_code, "Bord 1"), run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/clear", data={"code": run_code})
    assert 'value="Bord 1"' not in assert_as_if_alone(app.test_client(), run_code, "/j/{code}")
    phone = join(app.test_client(), run_code, "Bord 9")
    assert 'id="q-goals"' not in assert_as_if_alone(phone, run_code)


# --- with CSRF on, as served, and two processes on one database --------------------------------

def served_app(tmp_path, monkeypatch, name):
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    return create_app({
        "TESTING": True, "SCHEMA_FROM_MODELS": name == "first",
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "shared.sqlite"),
        "RESULTS_INTERVAL": 0, "RATELIMIT_ENABLED": False, "SECRET_KEY": "same-for-both",
        "QUESTIONS_DIR": QUESTIONS,
    })


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def served_join(app, code, table):
    phone = app.test_client()
    token = CSRF.search(page(phone, code, "/j/{code}")).group(1)
    joined = phone.post(f"/j/{code}", data={"new_group": table, "csrf_token": token})
    assert joined.status_code == 302, joined.status_code
    return phone


def test_each_phone_gets_its_own_csrf_token_and_its_answer_is_taken(tmp_path, monkeypatch):
    app = served_app(tmp_path, monkeypatch, "first")
    with app.app_context():
        services.secret.ensure_facilitator_secret(SECRET)
        run = services.runs.create_run(find_template(QUESTIONS, "kontraktsoppfolging").template)
        services.exercise.open_question(run, "goals")
        code = run.code
    first, second = served_join(app, code, "Bord 1"), served_join(app, code, "Bord 2")
    tokens = [set(CSRF.findall(page(phone, code))) for phone in (first, second)]
    assert all(len(t) == 1 for t in tokens) and tokens[0] != tokens[1]
    for phone, option in ((first, "trust"), (second, "env")):
        token = CSRF.search(page(phone, code)).group(1)
        answered = phone.post(f"/r/{code}/answer/goals", data={"option": [option], "csrf_token": token})
        assert answered.status_code == 302
    with app.app_context():
        stored = {a.items[0]["option"] for a in db.session.query(services.votes.Answer)}
    assert stored == {"trust", "env"}
    # One phone's token is not another's: the other phone's post is refused.
    stolen = CSRF.search(page(first, code)).group(1)
    refused = second.post(f"/r/{code}/answer/goals", data={"option": ["social"], "csrf_token": stolen})
    assert refused.status_code == 400
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_change_made_in_another_process_shows_on_this_processs_next_page(tmp_path, monkeypatch):
    here, there = served_app(tmp_path, monkeypatch, "first"), served_app(tmp_path, monkeypatch, "second")
    with here.app_context():
        services.secret.ensure_facilitator_secret(SECRET)
        code = services.runs.create_run(find_template(QUESTIONS, "kontraktsoppfolging").template).code
    phone = served_join(here, code, "Bord 1")
    assert 'id="q-goals"' not in page(phone, code)  # kept by this process
    with there.app_context():
        services.exercise.open_question(services.runs.run_by_code(code), "goals")
    assert 'id="q-goals"' in page(phone, code)
    with there.app_context():
        services.board.share_board(services.runs.run_by_code(code), True)
    assert 'class="button small board-link">' in page(phone, code)
    for app in (here, there):
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
