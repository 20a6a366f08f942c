"""The presenter's controls: the next and previous step from a key or the phone remote, the
exercise opened by reaching it, the remote's page and the presenter's view on the run page."""

import json
import re

from workshop import services

from .test_projector_steps import run_of, step_of, watch


def status_of(app, code, question_id):
    with app.app_context():
        run = run_of(app, code)
        return services.runs.status_of(services.runs.question_states(run)[question_id])


def test_next_and_previous_move_through_the_files_steps(app, facilitator, run_code):
    json_accept = {"Accept": "application/json"}
    assert facilitator.post(f"/facilitator/runs/{run_code}/step/next", headers=json_accept).status_code == 204
    assert step_of(app, run_code) == "why"
    assert facilitator.post(f"/facilitator/runs/{run_code}/step/next", headers=json_accept).status_code == 204
    assert step_of(app, run_code) == "fruit_picture"
    response = facilitator.post(f"/facilitator/runs/{run_code}/step/previous")
    assert response.status_code == 302 and response.location.endswith(f"/facilitator/runs/{run_code}#steps")
    assert step_of(app, run_code) == "why"


def test_a_move_is_one_push_with_the_new_step(app, facilitator, run_code):
    screen, _ = watch(app, facilitator, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/step/next", headers={"Accept": "application/json"})
    pushed = [e["args"][0] for e in screen.get_received() if e["name"] == "state"]
    assert [p["step"]["key"] for p in pushed] == ["why"]


def test_an_unknown_direction_says_so_and_changes_nothing(app, facilitator, run_code):
    response = facilitator.post(f"/facilitator/runs/{run_code}/step/sideways", follow_redirects=True)
    assert response.status_code == 200
    assert "bare til neste eller forrige steg" in response.get_data(as_text=True)
    scripted = facilitator.post(f"/facilitator/runs/{run_code}/step/sideways", headers={"Accept": "application/json"})
    assert scripted.status_code == 404 and scripted.get_json()["error"]
    assert step_of(app, run_code) == "lobby"
    assert facilitator.post("/facilitator/runs/NOSUCH/step/next").status_code == 404


def test_a_slide_called_next_is_still_a_step_of_its_own(app, facilitator, run_code):
    # "next" is a valid id: the moves live under …/step/, the steps under …/projector/
    assert facilitator.post(f"/facilitator/runs/{run_code}/projector/next").status_code == 302
    assert step_of(app, run_code) == "lobby"  # no such step: refused, not taken for a move


def test_someone_not_signed_in_cannot_move_or_open_the_remote(app, client, run_code):
    for response in (client.post(f"/facilitator/runs/{run_code}/step/next"),
                     client.get(f"/facilitator/runs/{run_code}/remote")):
        assert response.status_code == 302 and "/facilitator/login" in response.location
    assert step_of(app, run_code) == "lobby"


def test_a_move_without_the_forms_token_is_refused(app, facilitator, run_code):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = facilitator.post(f"/facilitator/runs/{run_code}/step/next")
        assert refused.status_code == 400 and "Ingenting ble endret" in refused.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert step_of(app, run_code) == "lobby"


def test_reaching_the_exercise_opens_its_questions_once(app, facilitator, run_code):
    facilitator.post(f"/facilitator/runs/{run_code}/projector/exercise", headers={"Accept": "application/json"})
    assert step_of(app, run_code) == "exercise"
    assert [status_of(app, run_code, q) for q in ("categories", "goals", "topics", "needs")] == ["open"] * 4
    assert status_of(app, run_code, "fruits") == "draft"  # drawn from the goals' answers, later
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/close")
    facilitator.post(f"/facilitator/runs/{run_code}/projector/board")
    facilitator.post(f"/facilitator/runs/{run_code}/projector/exercise")
    assert status_of(app, run_code, "goals") == "closed"  # walking past it does not reopen it


def test_reaching_the_fruit_board_opens_it(app, facilitator, run_code):
    facilitator.post(f"/facilitator/runs/{run_code}/projector/fruits")
    assert step_of(app, run_code) == "fruits" and status_of(app, run_code, "fruits") == "open"


def test_reveal_answers_a_script_with_204(app, facilitator, run_code):
    response = facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/reveal",
                                headers={"Accept": "application/json"})
    assert response.status_code == 204
    with app.app_context():
        assert services.runs.question_states(run_of(app, run_code))["goals"].revealed


def presenter_data(page):
    return json.loads(re.search(r'<script type="application/json" id="presenter-data">(.*?)</script>',
                                page, re.S).group(1))


def test_the_run_page_shows_the_keys_and_knows_the_steps_and_notes(facilitator, run_code):
    page = facilitator.get(f"/facilitator/runs/{run_code}").get_data(as_text=True)
    assert "<kbd>→</kbd>" in page and "<kbd>B</kbd>" in page and "neste steg" in page
    data = presenter_data(page)
    assert data["order"][:2] == ["lobby", "why"] and data["order"][-1] == "plan"
    assert data["jumps"] == {"b": "board", "f": "fruits", "l": "lobby", "o": "exercise"}
    assert data["notes"]["why"]  # the bundled slides have presenter notes
    assert data["names"]["goals"].startswith("2. ")


def test_the_remote_has_big_buttons_and_no_notes_reach_the_phones(app, facilitator, client, run_code):
    page = facilitator.get(f"/facilitator/runs/{run_code}/remote").get_data(as_text=True)
    for command in ("previous", "next", "reveal", "b", "l"):
        assert f'data-command="{command}"' in page
    assert "Forrige" in page and "Neste" in page
    notes = presenter_data(page)["notes"]["why"]
    screen, ack = watch(app, facilitator, run_code)
    assert notes not in json.dumps(ack["state"])  # the state push is every phone's: no notes in it
    assert facilitator.get("/facilitator/runs/NOSUCH/remote").status_code == 404


def test_the_presenter_page_has_the_view_and_the_keys(facilitator, client, run_code):
    page = facilitator.get(f"/facilitator/runs/{run_code}/presenter").get_data(as_text=True)
    assert 'id="presenter-current"' in page and 'id="presenter-next"' in page and "<kbd>R</kbd>" in page
    assert presenter_data(page)["notes"]["why"]
    assert "/facilitator/login" in client.get(f"/facilitator/runs/{run_code}/presenter").location
    assert facilitator.get("/facilitator/runs/NOSUCH/presenter").status_code == 404


def card_of(page, question_id):
    """One question's card on the run page, as served."""
    return re.search(rf'<section class="card question-control" data-question="{question_id}".*?</section>',
                     page, re.S).group(0)


def buttons_shown(card):
    """The labels of the card's buttons that are not hidden, in order."""
    forms = re.findall(r'<form [^>]*data-action="\w+"[^>]*?( hidden)?>.*?<button[^>]*>([^<]*)</button>', card, re.S)
    return [label for hidden, label in forms if not hidden]


def test_the_run_pages_cards_say_what_is_true_and_each_button_posts_without_a_script(facilitator, run_code):
    page = facilitator.get(f"/facilitator/runs/{run_code}").get_data(as_text=True)
    goals = card_of(page, "goals")
    assert ">Ikke åpnet<" in goals and "Resultatene er skjult" in goals
    assert buttons_shown(goals) == ["Åpne", "Vis resultatene", "Vis på projektoren"]
    # The lobby is on the projector, not the first question (which the run "projects" from
    # the start): no card says it is on the projector.
    assert 'data-on-screen="1"' not in page
    assert 'name="top"' in card_of(page, "fruits")  # how many goals the fruit board places

    # Without JavaScript each button posts and the page comes back, as the push draws it.
    for action in ("open", "reveal"):
        response = facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/{action}")
        assert response.status_code == 302 and response.location.endswith(f"/facilitator/runs/{run_code}")
    goals = card_of(facilitator.get(f"/facilitator/runs/{run_code}").get_data(as_text=True), "goals")
    assert 'data-status="open"' in goals and ">Åpen nå<" in goals and "Resultatene vises" in goals
    assert 'data-on-screen="1"' in goals and re.search(r'data-closes-at="\d{13}"', goals)
    assert buttons_shown(goals) == ["Steng", "Skjul resultatene"]  # it is on the projector already

    facilitator.post(f"/facilitator/runs/{run_code}/projector/lobby")
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/close")
    page = facilitator.get(f"/facilitator/runs/{run_code}").get_data(as_text=True)
    goals = card_of(page, "goals")
    assert ">Stengt<" in goals and 'data-on-screen="0"' in goals and 'data-closes-at=""' in goals
    assert buttons_shown(goals) == ["Åpne igjen", "Skjul resultatene", "Vis på projektoren"]
    # The page's script draws the cards again from the pushes with these same words.
    words = json.loads(re.search(r'<script type="application/json" id="card-words">(.*?)</script>', page, re.S).group(1))
    assert words["actions"]["open"] == {"draft": "Åpne", "closed": "Åpne igjen"}
    assert words["status"] == {"draft": "Ikke åpnet", "open": "Åpen nå", "closed": "Stengt"}


def test_opening_every_question_answers_a_script_with_204(app, facilitator, run_code):
    response = facilitator.post(f"/facilitator/runs/{run_code}/open-all", headers={"Accept": "application/json"})
    assert response.status_code == 204
    assert status_of(app, run_code, "goals") == "open"
    assert facilitator.post(f"/facilitator/runs/{run_code}/open-all").status_code == 302
