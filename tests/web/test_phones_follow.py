"""Every phone follows the projector's step: a slide its workshop file puts on the phones
(`on_phones`) shows above the questions while it is the step, the question on the screen is
marked, the board's or the plan's link says it is on the screen; the state push carries what
a phone needs to follow, and nothing of the presenter's notes ever reaches a phone."""

import html
import json
import re

from workshop import services
from workshop.extensions import socketio

from ..conftest import join
from .test_projector_steps import run_of

JSON = {"Accept": "application/json"}
FRUIT_TITLE = "Strategiske mål for å lage LEDELSESFORANKRING"


def show(facilitator, code, step):
    assert facilitator.post(f"/facilitator/runs/{code}/projector/{step}", headers=JSON).status_code == 204


def fragment(client, code):
    response = client.get(f"/r/{code}/questions")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def phone_socket(app, client, code):
    phone = socketio.test_client(app, flask_test_client=client)
    ack = phone.emit("participant:join", {"code": code}, callback=True)
    assert ack["ok"]
    phone.get_received()
    return phone, ack


def pushed_states(phone):
    return [e["args"][0] for e in phone.get_received() if e["name"] == "state"]


def phone_slides(page: str) -> list[str]:
    return re.findall(r'class="phone-slide card" data-slide="([^"]*)"', page)


def on_screen_sections(page: str) -> list[str]:
    return re.findall(r'<section class="question card on-screen" id="q-[^"]+" data-question="([^"]+)"', page)


def visible_labels(page: str) -> int:
    return len(re.findall(r'<p class="on-screen-label">På skjermen nå</p>', page))


def test_a_slide_for_the_phones_shows_on_them_while_it_is_the_step_and_goes_after(
        app, client, facilitator, run_code):
    join(client, run_code)
    show(facilitator, run_code, "fruit_picture")
    for page in (fragment(client, run_code), client.get(f"/r/{run_code}").get_data(as_text=True)):
        assert phone_slides(page) == ["fruit_picture"]  # on page load and after a push alike
        assert FRUIT_TITLE in page and "Nedfallsfrukt – mål å slutte med" in page
        assert 'src="/static/slides/fruit-tree.svg"' in page
        assert visible_labels(page) == 1
        # above the questions' waiting line, the first thing of the questions
        assert page.index('class="phone-slide') < page.index('class="waiting card"')
    facilitator.post(f"/facilitator/runs/{run_code}/step/next", headers=JSON)  # on to "focus"
    assert step_key(app, run_code) == "focus"
    page = fragment(client, run_code)
    assert phone_slides(page) == [] and FRUIT_TITLE not in page
    assert "LEDELSESFOKUS" not in page  # a slide the file keeps on the projector only


def step_key(app, code):
    with app.app_context():
        return services.steps.current(run_of(app, code)).key


def test_a_slide_not_for_the_phones_and_other_steps_show_nothing_of_a_slide(app, client, facilitator, run_code):
    join(client, run_code)
    for step in ("lobby", "why", "dfo_templates", "exercise", "board"):
        show(facilitator, run_code, step)
        assert phone_slides(fragment(client, run_code)) == [], step
    assert "Hvorfor kontraktsoppfølging" not in fragment(client, run_code)


def test_the_slide_is_in_the_phones_own_language(app, client, facilitator, run_code):
    client.post("/lang/en", data={"next": "/"})
    join(client, run_code)
    show(facilitator, run_code, "start_realistic")
    page = fragment(client, run_code)
    assert phone_slides(page) == ["start_realistic"]
    assert "START REALISTIC – CREATE GOOD EXAMPLES" in page and "On the screen now" in page
    assert "START REALISTISK" not in page


def test_the_push_names_the_phones_slide_and_a_move_between_other_slides_changes_nothing_phones_compare(
        app, client, facilitator, run_code):
    join(client, run_code)
    phone, ack = phone_socket(app, client, run_code)
    assert ack["state"]["phone_slide"] is None  # the lobby
    states = {}
    for step in ("why", "fruit_picture", "focus", "expectations", "trust", "exercise"):
        show(facilitator, run_code, step)
        [states[step]] = pushed_states(phone)
        assert states[step]["step"]["key"] == step
    assert [s["phone_slide"] for s in states.values()] == [None, "fruit_picture", None, None, "trust", None]

    # What participant.js compares before it fetches its questions again (the phone's slide
    # and the questions' states): the same from "focus" to "expectations", so such a move
    # costs a hall of phones no request; different when a slide for the phones comes or goes.
    def compared(state):
        return state["phone_slide"], state["questions"]
    assert compared(states["focus"]) == compared(states["expectations"]) == compared(states["why"])
    assert compared(states["fruit_picture"]) != compared(states["focus"])


def test_nothing_of_the_presenters_notes_ever_reaches_a_phone(app, client, facilitator, run_code):
    join(client, run_code)
    phone, _ = phone_socket(app, client, run_code)
    with app.app_context():
        template = services.runs.template_of(run_of(app, run_code))
        notes = [text for slide in template.slides for text in slide.notes.values()]
        steps = [s.key for s in template.steps]
    assert len(notes) >= 6
    # The notes exist, and the facilitator's own view shows them (so this test can fail).
    show(facilitator, run_code, "trust")
    assert "snakket med mamma" in html.unescape(
        facilitator.get(f"/facilitator/runs/{run_code}/presenter").get_data(as_text=True))
    phone.get_received()
    for step in steps:
        show(facilitator, run_code, step)
        seen = [html.unescape(fragment(client, run_code)),
                html.unescape(client.get(f"/r/{run_code}").get_data(as_text=True)),
                json.dumps(pushed_states(phone), ensure_ascii=False)]
        for text in notes:
            for what in seen:
                assert text not in what, (step, text)
    assert phone_slides(fragment(client, run_code)) == []  # the plan, the last step


def test_the_question_on_the_screen_is_marked_on_the_phones(app, client, facilitator, run_code):
    join(client, run_code)
    show(facilitator, run_code, "exercise")  # the overview: no single question on the screen
    page = fragment(client, run_code)
    assert on_screen_sections(page) == [] and visible_labels(page) == 0
    assert page.count('<p class="on-screen-label" hidden>') == 4  # ready for the pushes to move
    show(facilitator, run_code, "goals")
    page = fragment(client, run_code)
    assert on_screen_sections(page) == ["goals"] and visible_labels(page) == 1
    phone, ack = phone_socket(app, client, run_code)
    assert (ack["state"]["step"]["kind"], ack["state"]["step"]["ref"]) == ("question", "goals")
    show(facilitator, run_code, "board")  # the projected question is still goals, not on the screen
    assert on_screen_sections(fragment(client, run_code)) == []


def test_english_phones_say_the_question_is_on_the_screen_in_english(app, client, facilitator, run_code):
    client.post("/lang/en", data={"next": "/"})
    join(client, run_code)
    show(facilitator, run_code, "exercise")
    show(facilitator, run_code, "topics")
    page = fragment(client, run_code)
    assert on_screen_sections(page) == ["topics"]
    assert '<p class="on-screen-label">On the screen now</p>' in page


def board_link(page: str) -> str:
    return re.search(r'<a [^>]*class="button small board-link[^"]*"[^>]*>.*?</a>', page).group(0)


def plan_link(page: str) -> str:
    return re.search(r'<a [^>]*class="button small plan-link[^"]*"[^>]*>.*?</a>', page).group(0)


def test_the_board_on_the_screen_is_marked_on_its_link_once_shared(app, client, facilitator, run_code):
    join(client, run_code)
    show(facilitator, run_code, "board")
    link = board_link(client.get(f"/r/{run_code}").get_data(as_text=True))
    assert " hidden" in link and "on-screen " not in link  # not shared: nothing on the phones
    assert '<span class="on-screen-prefix" hidden>' in link
    facilitator.post(f"/facilitator/runs/{run_code}/board/share", data={"on": "1"})
    page = client.get(f"/r/{run_code}").get_data(as_text=True)
    link = board_link(page)
    assert "board-link on-screen" in link and '<span class="on-screen-prefix">På skjermen nå: </span>' in link
    assert "plan-link on-screen" not in plan_link(page)
    show(facilitator, run_code, "plan")
    page = client.get(f"/r/{run_code}").get_data(as_text=True)
    assert "plan-link on-screen" in plan_link(page) and "board-link on-screen" not in board_link(page)
