"""What the projector shows: the facilitator puts a step on it (services.steps), every screen
is told once, and a step the workshop does not have changes nothing and says so."""

import re

import pytest

from workshop import create_app, services
from workshop.extensions import db, socketio

from ..conftest import QUESTIONS, SECRET, join


def run_of(app, code):
    return services.runs.run_by_code(code)


def step_of(app, code):
    with app.app_context():
        return run_of(app, code).projector_step


def watch(app, facilitator, code):
    screen = socketio.test_client(app, flask_test_client=facilitator)
    ack = screen.emit("screen:watch", {"code": code}, callback=True)
    assert ack["ok"]
    screen.get_received()
    return screen, ack


def states(screen):
    return [e["args"][0] for e in screen.get_received() if e["name"] == "state"]


# --- the use case ----------------------------------------------------------------------------

def test_a_new_run_starts_on_the_lobby_and_moves_through_the_files_steps(app, run_code):
    with app.app_context():
        run = run_of(app, run_code)
        assert services.steps.current(run).kind == "lobby"
        keys = [s.key for s in services.steps.steps_of(run)]
        assert keys[:2] == ["lobby", "why"] and keys[-1] == "plan"
        assert services.steps.next_step(run).key == "why"
        assert services.steps.next_step(run).key == "fruit_picture"
        assert services.steps.previous_step(run).key == "why"
        assert services.steps.previous_step(run).key == "lobby"
        assert services.steps.previous_step(run).key == "lobby"  # the first stays the first
        services.steps.show(run, "plan")
        assert services.steps.next_step(run).key == "plan"  # the last stays the last


def test_showing_a_question_projects_it_and_next_goes_on_after_the_exercise(app, run_code):
    with app.app_context():
        run = run_of(app, run_code)
        step = services.steps.show(run, "goals")
        assert (step.kind, step.ref) == ("question", "goals")
        assert run.projected_question_id == "goals"
        # goals is one of the exercise's questions, not a step of its own: it stands where
        # the exercise stands, so next is the board
        assert services.steps.next_step(run).key == "board"


def test_an_unknown_step_is_refused_and_changes_nothing(app, run_code):
    with app.app_context():
        run = run_of(app, run_code)
        services.steps.show(run, "why")
        with pytest.raises(services.steps.StepError):
            services.steps.show(run, "no-such-step")
        assert services.steps.current(run).key == "why"


def test_opening_questions_moves_the_projector(app, run_code):
    with app.app_context():
        run = run_of(app, run_code)
        services.exercise.open_all(run)
        assert services.steps.current(run).kind == "exercise"  # the overview
        services.exercise.open_question(run, "topics")
        assert services.steps.current(run).key == "topics"
        services.exercise.project_question(run, "categories")
        assert services.steps.current(run).key == "categories"
        services.runs.clear_run(run)
        assert services.steps.current(run).kind == "lobby"  # the real room joins


def test_a_move_is_pushed_once_to_the_screens_with_the_step(app, facilitator, run_code):
    screen, ack = watch(app, facilitator, run_code)
    assert ack["state"]["step"] == {"key": "lobby", "kind": "lobby", "ref": None, "number": 1, "total": 14}
    with app.app_context():
        services.steps.show(run_of(app, run_code), "focus")
    pushed = states(screen)
    assert len(pushed) == 1
    assert pushed[0]["step"] == {"key": "focus", "kind": "slide", "ref": "focus", "number": 4, "total": 14}


def test_screens_learn_who_joined_at_which_table_and_phones_do_not(app, client, facilitator, run_code):
    screen, _ = watch(app, facilitator, run_code)
    join(client, run_code, "Bord 10")
    join(app.test_client(), run_code, "Bord 2")
    join(app.test_client(), run_code, "bord 2 ")
    results = [e["args"][0] for e in screen.get_received() if e["name"] == "results"]
    assert results[-1]["joined"] == [{"name": "Bord 2", "participants": 2}, {"name": "Bord 10", "participants": 1}]
    assert results[-1]["tables_answered"] == 0
    from workshop import presenter

    with app.app_context():
        services.exercise.open_question(run_of(app, run_code), "goals")
        services.exercise.set_revealed(run_of(app, run_code), "goals", True)
        payload = presenter.results_payload(run_of(app, run_code), "goals")
    assert "joined" not in presenter.phone_results_payload(payload)


# --- the route ---------------------------------------------------------------------------------

def test_the_run_page_has_a_button_per_step_and_marks_the_current(facilitator, run_code):
    page = facilitator.get(f"/facilitator/runs/{run_code}").get_data(as_text=True)
    assert f'action="/facilitator/runs/{run_code}/projector/why"' in page
    assert f'action="/facilitator/runs/{run_code}/projector/exercise"' in page
    assert re.search(r'class="step-lobby current-step" aria-current="step"', page)


def test_the_route_shows_a_step_and_returns_to_the_run_page(app, facilitator, run_code):
    response = facilitator.post(f"/facilitator/runs/{run_code}/projector/why")
    assert response.status_code == 302 and response.location.endswith(f"/facilitator/runs/{run_code}#steps")
    assert step_of(app, run_code) == "why"


def test_the_route_answers_a_script_with_204(app, facilitator, run_code):
    response = facilitator.post(f"/facilitator/runs/{run_code}/projector/exercise",
                                headers={"Accept": "application/json"})
    assert response.status_code == 204
    assert step_of(app, run_code) == "exercise"


def test_an_unknown_step_gets_a_clear_message_not_an_error(app, facilitator, run_code):
    facilitator.post(f"/facilitator/runs/{run_code}/projector/why")
    response = facilitator.post(f"/facilitator/runs/{run_code}/projector/nope", follow_redirects=True)
    assert response.status_code == 200
    assert "har ikke noe steg som heter «nope»" in response.get_data(as_text=True)
    scripted = facilitator.post(f"/facilitator/runs/{run_code}/projector/nope",
                                headers={"Accept": "application/json"})
    assert scripted.status_code == 404 and "nope" in scripted.get_json()["error"]
    assert step_of(app, run_code) == "why"
    assert facilitator.post("/facilitator/runs/NOSUCH/projector/why").status_code == 404


def test_someone_not_signed_in_cannot_move_the_projector(app, client, run_code):
    response = client.post(f"/facilitator/runs/{run_code}/projector/why")
    assert response.status_code == 302 and "/facilitator/login" in response.location
    assert step_of(app, run_code) == "lobby"


def test_a_step_without_the_forms_token_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "t.sqlite"),
                      "QUESTIONS_DIR": QUESTIONS, "RESULTS_INTERVAL": 0, "SCHEMA_FROM_MODELS": True})
    from workshop.templates_io import find_template

    with app.app_context():
        services.secret.ensure_facilitator_secret(SECRET)
        code = services.runs.create_run(find_template(QUESTIONS, "kontraktsoppfolging").template).code
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/facilitator/login").get_data(as_text=True)).group(1)
    assert client.post("/facilitator/login", data={"secret": SECRET, "csrf_token": token}).status_code == 302
    refused = client.post(f"/facilitator/runs/{code}/projector/why")
    assert refused.status_code == 400 and "Ingenting ble endret" in refused.get_data(as_text=True)
    assert step_of(app, code) == "lobby"
    page = client.get(f"/facilitator/runs/{code}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"/facilitator/runs/{code}/projector/why", data={"csrf_token": token}).status_code == 302
    assert step_of(app, code) == "why"
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
