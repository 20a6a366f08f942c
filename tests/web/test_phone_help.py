"""The phone helps before it refuses (issue 13, point 4): what the page is given for it, and
the refusal without JavaScript shown beside its question."""

from __future__ import annotations

import re

from workshop import services
from workshop.domain.question_types import type_of
from workshop.extensions import db, socketio
from workshop.models import Answer, Run
from workshop.templates_io import find_template

from ..conftest import QUESTIONS, join

NINE_GOALS = ["planned", "goals", "requirements", "expectations", "rights", "disputes",
              "innovation_room", "relations", "trust"]


def section(html: str, question: str) -> str:
    """One question's section of the phone's page."""
    match = re.search(rf'<section class="question card[^"]*" id="q-{question}".*?</section>', html, re.S)
    assert match, f"no section for {question}"
    return match.group(0)


def template():
    return find_template(QUESTIONS, "kontraktsoppfolging").template


def test_the_choice_view_carries_the_limit_the_count_and_the_exclusive_option():
    goals = template().question("goals")
    view = type_of(goals).phone_view(goals, {"option": ["trust", "env"], "write_in": ["Egne mål"]}, "nb")
    assert view["max"] == 8 and view["counted"] == 3  # a written-in goal is one of the eight
    categories = template().question("categories")
    view = type_of(categories).phone_view(categories, {}, "nb")
    assert [o["id"] for o in view["options"] if o["exclusive"]] == ["F"]
    assert view["max"] == 5 and view["counted"] == 0


def test_the_text_view_carries_the_most_texts():
    needs = template().question("needs")
    view = type_of(needs).phone_view(needs, {"entry": ["En", "  ", "To"]}, "nb")
    assert view["max_entries"] == 5 and view["counted"] == 2 and view["entries"] == ["En", "To", ""]


def test_the_goals_form_shows_the_counter_and_the_rules_the_phone_helps_with(client, facilitator, run_code):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    client.post(f"/r/{run_code}/answer/goals", data={"option": ["trust", "env"]})
    goals = section(client.get(f"/r/{run_code}").get_data(as_text=True), "goals")
    assert '<p class="choice-counter" aria-live="polite">2 av 8 valgt</p>' in goals
    assert 'data-max="8"' in goals and 'data-counter="{n} av 8 valgt"' in goals
    assert 'data-too-many="Høyst 8: fjern et kryss før du velger et nytt."' in goals
    assert 'data-type="choice"' in goals


def test_the_exclusive_option_is_explained_where_it_is_shown(client, facilitator, run_code):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/categories/open")
    categories = section(client.get(f"/r/{run_code}").get_data(as_text=True), "categories")
    option = re.search(r'<label class="choice exclusive">.*?</label>', categories, re.S).group(0)
    assert 'value="F"' in option and "Står alene: velger du dette, fjernes kryssene for de andre." in option
    assert 'data-cleared-others="Dette valget står alene, så kryssene for de andre valgene dine ble fjernet."' in option
    assert ('data-cleared-self="Krysset for «min kommune/fylkeskommune har ikke etablert mål for spesifikke '
            'kategorier» ble fjernet: det valget står alene."') in option
    assert option.count("exclusive-note") == 1
    assert categories.count("exclusive-note") == 1  # only the option that stands alone


def test_without_javascript_a_ninth_goal_is_refused_beside_its_question_with_the_ticks_kept(
        app, client, facilitator, run_code):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/open-all")
    response = client.post(f"/r/{run_code}/answer/goals", data={"option": NINE_GOALS})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    goals = section(html, "goals")
    assert '<p class="question-error" id="q-goals-error" role="alert">For mange svar: høyst 8.</p>' in goals
    assert goals.index("question-error") < goals.index("<fieldset")  # above the options, not under them
    assert goals.count(" checked") == 9  # to untick one and send again
    assert '<p class="choice-counter" aria-live="polite">9 av 8 valgt</p>' in goals
    assert "question-error" not in section(html, "categories")
    assert "flash-error" not in html  # not at the top of the page
    with app.app_context():
        assert db.session.query(Answer).count() == 0


def test_without_javascript_the_refusal_names_the_option_that_stands_alone(client, facilitator, run_code):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/categories/open")
    response = client.post(f"/r/{run_code}/answer/categories", data={"option": ["A", "F"]})
    assert response.status_code == 422
    categories = section(response.get_data(as_text=True), "categories")
    assert ("«min kommune/fylkeskommune har ikke etablert mål for spesifikke kategorier» står alene: "
            "fjern krysset for det, eller for de andre.") in categories


def test_the_form_posts_back_to_its_question(client, facilitator, run_code):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    goals = section(client.get(f"/r/{run_code}").get_data(as_text=True), "goals")
    assert f'action="/r/{run_code}/answer/goals#q-goals"' in goals


def test_an_accepted_form_post_still_redirects(client, facilitator, run_code):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    response = client.post(f"/r/{run_code}/answer/goals", data={"option": ["trust"]})
    assert response.status_code == 302 and response.location.endswith("#q-goals")


def test_a_second_text_box_is_there_and_more_can_be_added(client, facilitator, run_code):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/open")
    needs = section(client.get(f"/r/{run_code}").get_data(as_text=True), "needs")
    assert needs.count("<textarea") == 1
    assert 'data-max="5"' in needs and 'data-label="Svar {n}"' in needs
    assert "Legg til ett svar til" in needs and "Inntil 5 svar." in needs


def test_the_progress_line_counts_the_open_questions_answered(client, facilitator, run_code):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/goals/open")
    assert "progress-line" not in client.get(f"/r/{run_code}").get_data(as_text=True)  # one open
    facilitator.post(f"/facilitator/runs/{run_code}/open-all")
    client.post(f"/r/{run_code}/answer/goals", data={"option": ["trust"]})
    client.post(f"/r/{run_code}/answer/categories", data={"option": ["A"]})
    html = client.get(f"/r/{run_code}").get_data(as_text=True)
    line = re.search(r'<p class="progress-line"[^>]*>([^<]*)</p>', html)
    assert line and line.group(1) == "2 av 4 besvart"
    assert 'data-template="{answered} av {open} besvart"' in line.group(0)
    assert section(html, "goals").count('data-answered="1"') == 1


def test_the_links_to_board_and_plan_show_once_shared_and_the_state_says_so(app, client, facilitator, run_code):
    join(client, run_code)
    page = client.get(f"/r/{run_code}").get_data(as_text=True)
    assert re.search(r'class="button small board-link" hidden>', page)
    assert re.search(r'class="button small plan-link" hidden>', page)
    with app.app_context():
        from workshop import presenter
        run = db.session.query(Run).filter_by(code=run_code).one()
        assert presenter.run_state(run)["shared"] == {"board": False, "plan": False}
    facilitator.post(f"/facilitator/runs/{run_code}/board/share", data={"on": "1"})
    page = client.get(f"/r/{run_code}").get_data(as_text=True)
    assert re.search(rf'<a href="/r/{run_code}/board" class="button small board-link">Diskusjonstavle</a>', page) \
        or re.search(rf'<a href="/r/{run_code}/board" class="button small board-link">', page)
    assert re.search(rf'<a href="/r/{run_code}/plan" class="button small plan-link">', page)
    with app.app_context():
        from workshop import presenter
        run = db.session.query(Run).filter_by(code=run_code).one()
        assert presenter.run_state(run)["shared"] == {"board": True, "plan": True}


def test_a_workshop_without_a_plan_shares_only_the_board(app, client, facilitator):
    with app.app_context():
        code = services.runs.create_run(find_template(QUESTIONS, "kategorier-100-poeng").template).code
    join(client, code)
    facilitator.post(f"/facilitator/runs/{code}/board/share", data={"on": "1"})
    page = client.get(f"/r/{code}").get_data(as_text=True)
    assert re.search(rf'<a href="/r/{code}/board" class="button small board-link">', page)
    assert re.search(r'class="button small plan-link" hidden>', page)


def test_sharing_reaches_a_connected_phone_in_the_state_push(app, client, facilitator, run_code):
    join(client, run_code)
    phone = socketio.test_client(app, flask_test_client=client)
    ack = phone.emit("participant:join", {"code": run_code}, callback=True)
    assert ack["ok"] and ack["state"]["shared"] == {"board": False, "plan": False}
    phone.get_received()
    facilitator.post(f"/facilitator/runs/{run_code}/board/share", data={"on": "1"})
    states = [e["args"][0] for e in phone.get_received() if e["name"] == "state"]
    assert states and states[-1]["shared"] == {"board": True, "plan": True}
    facilitator.post(f"/facilitator/runs/{run_code}/board/share", data={"on": "0"})
    states = [e["args"][0] for e in phone.get_received() if e["name"] == "state"]
    assert states and states[-1]["shared"] == {"board": False, "plan": False}
    phone.disconnect()
