"""The discussion board, the fruit board and the follow-up plan in a real browser.

The participants answer over HTTP (fast, and the same form POST a phone without JavaScript
makes); the pages under test are the projector board, the facilitator's board with its Pin and
Hide buttons, a phone's board once shared, and the plan with its CSV download and print view.
"""

from __future__ import annotations

import csv
import os
import re
import shutil

import pytest
from docx import Document
from playwright.sync_api import expect

from ..serverproc import ROOT, create_run, csrf_token, facilitator_action, join_participant
from .test_phone_and_projector import (
    DOCS_SCREENSHOTS,
    assert_not_reloaded,
    mark_loaded,
    received,
    screenshot,
    wait_for_ack,
)

pytestmark = pytest.mark.browser

RUDE = "Upassende tekst"
FRUIT_ITEMS = 6  # the fruit board takes the room's top six goals

# Four participants at three tables. Goals: option ids (+ a written-in goal); topics: three
# ranked option ids; needs: free texts; fruits: a box per fruit item ("" skips it) and reports.
PEOPLE = [
    {"group": "Bord 1", "name": "Kari",
     "categories": ["C", "D"],
     "goals": ["planned", "requirements", "trust", "env"], "write_in": "Færre klager fra brukerne",
     "topics": ["anchoring", "sanctions", "dialogue"],
     "needs": ["Flere eksempler på gode rapporteringskrav", "Maler på norsk for små kommuner"],
     "places": ["high", "low", "high", "exotic", "windfall", "low"],
     "reports": {1: "Avvik og retting hvert kvartal", 2: "Andel leveranser på tid"}},
    {"group": "Bord 1", "name": "Ola",
     "categories": ["C"],
     "goals": ["planned", "requirements", "economic"],
     "topics": ["anchoring", "dialogue", "reporting"],
     "needs": ["Hvordan få ledelsen med på oppfølgingen"]},
    {"group": "Bord 2", "name": "Nils",
     "categories": ["B", "C"],
     "goals": ["planned", "requirements", "env", "digital"],
     "topics": ["sanctions", "anchoring", "templates"],
     "needs": [RUDE, "Konkrete spørsmål å stille leverandøren"],
     "places": ["high", "low", "exotic", "exotic", "windfall", ""],
     "reports": {3: "Sorteringsgrad målt på hvert møte"}},
    {"group": "Bord 3", "name": "Åse",
     "categories": ["F"],
     "goals": ["requirements", "trust", "env", "social"],
     "topics": ["dialogue", "start_small", "anchoring"],
     "needs": ["Tid til å øve på dialogmøter"],
     "places": ["high", "high", "high", "exotic", "low", ""],
     "reports": {4: "Dialogmøte med leverandøren hvert halvår"}},
]


def answer(server, session, code, question_id, data):
    """A participant's answer as the phone's form posts it; the server must accept it."""
    page = session.get(f"{server.url}/r/{code}", timeout=10)
    response = session.post(f"{server.url}/r/{code}/answer/{question_id}",
                            data={**data, "csrf_token": csrf_token(page.text)}, timeout=10)
    assert response.ok and "flash-error" not in response.text, (question_id, response.text[-800:])
    return response


def facilitator_post(server, session, code, path, data):
    page = session.get(f"{server.url}/facilitator/runs/{code}", timeout=10)
    response = session.post(f"{server.url}/facilitator/runs/{code}/{path}",
                            data={**data, "csrf_token": csrf_token(page.text)}, timeout=10)
    assert response.ok, response.text[:500]
    return response


@pytest.fixture
def workshop_run(live_server, facilitator):
    """A run after the group exercise and the fruit board: returns (code, participants)."""
    def make(rude=True):
        code = create_run(live_server, facilitator)
        facilitator_action(live_server, facilitator, code, "open-all")  # the four questions
        participants = {}
        for person in PEOPLE:
            session = join_participant(live_server, code, person["group"], person["name"])
            participants[person["name"]] = session
            answer(live_server, session, code, "categories", {"option": person["categories"]})
            answer(live_server, session, code, "goals",
                   {"option": person["goals"], "write_in": person.get("write_in", "")})
            answer(live_server, session, code, "topics",
                   {f"rank_{n}": option for n, option in enumerate(person["topics"], start=1)})
            needs = [t for t in person["needs"] if rude or t != RUDE]
            answer(live_server, session, code, "needs", {"entry": needs})
        facilitator_action(live_server, facilitator, code, "moderation/needs/approve-all")  # moderated
        # The fruit board takes its items from the goals' answers when it opens.
        facilitator_post(live_server, facilitator, code, "questions/fruits/open", {"top": FRUIT_ITEMS})
        for person in PEOPLE:
            if "places" not in person:
                continue
            session = participants[person["name"]]
            fields = {f"place_{n}": place for n, place in enumerate(person["places"], start=1)}
            fields.update({f"report_{n}": text for n, text in person["reports"].items()})
            answer(live_server, session, code, "fruits", fields)
        return code, participants
    return make


def participant_cookies(server, session):
    return [{"name": c.name, "value": c.value, "url": server.url} for c in session.cookies]


def test_hidden_text_leaves_projector_and_phone_boards_without_reload(
        live_server, workshop_run, projector, phone, output_path):
    url = live_server.url
    code, participants = workshop_run()

    # The big screen shows the board; it is in the screens' room before anything changes.
    projector.goto(f"{url}/projector/{code}/board")
    wait_for_ack(projector, "board:watch")
    needs_on_projector = projector.locator("#board-needs")
    expect(needs_on_projector).to_contain_text(RUDE)
    # Question 4 takes upvotes: the board lists its entries as ideas, each with its table.
    expect(needs_on_projector.locator(".idea-list li").first).to_contain_text("Bord")
    expect(projector.locator("button, form")).to_have_count(0)  # no controls on the projector
    # Kari chose the trust goal and Ola did not: half of Bord 1, said as such to a screen
    # reader, not as a ranking's "shared place" (delt plass).
    half = projector.locator("#board-goals tr[data-key=trust] td.cell-tie")
    expect(half).to_have_count(1)
    expect(half).to_have_text("½halve bordet")
    mark_loaded(projector)

    # The facilitator's laptop, in another tab of the same browser.
    board = projector.context.new_page()
    board.goto(f"{url}/facilitator/runs/{code}/board")
    rude_entry = board.locator("#board-needs li", has=board.locator(".idea-text", has_text=RUDE))
    expect(rude_entry).to_have_count(1)

    # A phone (Nils at Bord 2) sees only a placeholder until the facilitator shares the board.
    phone.context.add_cookies(participant_cookies(live_server, participants["Nils"]))
    phone.goto(f"{url}/r/{code}/board")
    wait_for_ack(phone, "participant:join")
    expect(phone.locator("#board .waiting")).to_be_visible()
    expect(phone.locator("#board")).not_to_contain_text(RUDE)
    mark_loaded(phone)
    board.locator("form[action$='/board/share'] button[type=submit]").click()
    expect(phone.locator("#board-needs")).to_contain_text(RUDE)
    assert_not_reloaded(phone)
    assert_fits_the_screen(phone)

    # Hide: gone from the projector and the phone without a reload, the rest stays.
    rude_entry.locator("button[data-action=hide-on]").click()
    expect(board).to_have_url(re.compile(rf"/facilitator/runs/{code}/board#board-needs$"))
    expect(board.locator("#board-needs")).not_to_contain_text(RUDE)
    expect(needs_on_projector).not_to_contain_text(RUDE)
    expect(needs_on_projector).to_contain_text("Konkrete spørsmål å stille leverandøren")
    expect(phone.locator("#board-needs")).not_to_contain_text(RUDE)
    expect(phone.locator("#board-needs")).to_contain_text("Tid til å øve på dialogmøter")
    assert_not_reloaded(projector)
    assert_not_reloaded(phone)
    assert received(projector, "board") >= 1 and received(phone, "board") >= 1

    # The export keeps the hidden text, marked as hidden, for the facilitator's records.
    answers = fetch_csv(board, f"{url}/facilitator/runs/{code}/export/answers.csv?headers=keys")
    rude_rows = [r for r in answers if r["answer_text"] == RUDE]
    assert len(rude_rows) == 1 and rude_rows[0]["hidden"].lower() in ("true", "1", "yes", "ja")

    screenshot(board, output_path, "facilitator-board.png", full_page=True)
    screenshot(phone, output_path, "phone-board.png", full_page=True)

    # Shared with the board: the plan, on the phone, without the facilitator's controls.
    phone.goto(f"{url}/r/{code}/plan")
    expect(phone.locator(".plan-doc .plan-goal").first).to_contain_text("1. ")
    expect(phone.locator("form")).to_have_count(1)  # only the language switch
    assert_fits_the_screen(phone)
    screenshot(phone, output_path, "phone-plan.png", full_page=True)


def fragment_requests(page) -> list[str]:
    """Every request the page makes for a board's fragment, from now on."""
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "/board/fragment" in request.url else None)
    return asked


def test_boards_follow_votes_and_pins_from_the_push_without_fetching_the_board(
        live_server, workshop_run, projector, open_context, facilitator, output_path):
    url = live_server.url
    code, participants = workshop_run(rude=False)
    facilitator_post(live_server, facilitator, code, "board/share", {"on": "1"})
    digital = "tr[data-key=digital]"

    board = projector  # the facilitator's laptop, signed in
    asked = fragment_requests(board)
    board.goto(f"{url}/facilitator/runs/{code}/board")
    wait_for_ack(board, "board:watch")
    phone = open_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                         is_mobile=True, has_touch=True).new_page()
    asked += fragment_requests(phone)
    phone.context.add_cookies(participant_cookies(live_server, participants["Åse"]))
    phone.goto(f"{url}/r/{code}/board")
    wait_for_ack(phone, "board:watch")
    for page in (board, phone):
        expect(page.locator(f"#board-goals {digital} td.num")).to_have_text("1/3")  # Bord 2 only
        mark_loaded(page)
        # Marks the board as loaded: a pushed board replaces it, marks and all.
        page.evaluate("document.querySelector('#board-goals').dataset.asLoaded = '1'")

    # A vote: Åse (Bord 3) adds the digital goal; both boards follow, drawn from the push.
    answer(live_server, participants["Åse"], code, "goals",
           {"option": ["requirements", "trust", "env", "social", "digital"]})
    for page in (board, phone):
        expect(page.locator(f"#board-goals {digital} td.num")).to_have_text("2/3")
        expect(page.locator("#board-goals[data-as-loaded]")).to_have_count(0)
        assert_not_reloaded(page)

    # Pin on a row the push drew: its form has the page's CSRF token, so the pin is taken.
    board.locator(f"#board-goals {digital} button[data-action=pin-on]").click()
    expect(board).to_have_url(re.compile(rf"/facilitator/runs/{code}/board#board-goals$"))
    expect(board.locator(f"#board-goals {digital}")).to_have_class(re.compile(r"\bpinned\b"))
    expect(board.locator(f"#board-goals {digital} button[data-action=pin-off]")).to_have_count(1)
    expect(phone.locator(f"#board-goals {digital}")).to_have_class(re.compile(r"\bpinned\b"))
    expect(phone.locator("#board-goals tbody tr").first).to_have_attribute("data-key", "digital")  # first
    assert_not_reloaded(phone)
    expect(phone.locator("#board form")).to_have_count(0)  # still no controls on the phone

    # Again after the reload: Nils (Bord 2, alone at his table) drops the digital goal, and a
    # note is added with the form the push drew.
    wait_for_ack(board, "board:watch")
    board.evaluate("document.querySelector('#board-goals').dataset.asLoaded = '1'")
    answer(live_server, participants["Nils"], code, "goals", {"option": ["planned", "requirements", "env"]})
    expect(board.locator(f"#board-goals {digital} td.num")).to_have_text("1/3")
    expect(board.locator("#board-goals[data-as-loaded]")).to_have_count(0)
    board.locator("#note-goals").fill("Digitalt er felles for alle bord")
    board.locator("#board-goals .note-form button[type=submit]").click()
    expect(board.locator("#board-goals .notes")).to_contain_text("Digitalt er felles for alle bord")
    expect(phone.locator("#board-goals .notes")).to_contain_text("Digitalt er felles for alle bord")
    assert_not_reloaded(phone)

    assert asked == [], asked  # no board fetched its fragment: every change came in its push
    assert received(phone, "board") >= 3
    assert_fits_the_screen(phone)
    phone.locator("#board-goals").scroll_into_view_if_needed()
    screenshot(phone, output_path, "phone-board-pushed.png")
    screenshot(phone, output_path, "phone-board-pushed-full.png", full_page=True)


def assert_fits_the_screen(page):
    """No sideways scrolling: a phone's page is as wide as its screen."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth, screen.width]")
    assert widths[0] <= widths[2] and widths[1] <= widths[2], f"page, layout, screen: {widths}"


def fetch_csv(page, address):
    """A CSV export fetched with the page's cookies, as rows."""
    response = page.request.get(address)
    assert response.ok
    body = response.body()
    assert body.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark"
    return list(csv.DictReader(body.decode("utf-8-sig").splitlines(), delimiter=";"))


def test_facilitator_edits_the_plan_and_downloads_it(live_server, workshop_run, projector,
                                                     output_path):
    url = live_server.url
    code, _ = workshop_run(rude=False)
    page = projector  # the facilitator's laptop
    page.goto(f"{url}/facilitator/runs/{code}/plan")
    goal = page.locator("#goals-0-goal")
    expect(goal).not_to_have_value("")  # drafted from the room's goals

    new_goal = "Få det vi bestilte – særlig økt kvalitet på måltidene"
    new_name = "Kari Nordmann, skolemåltider"
    goal.fill(new_goal)
    page.locator("#goals-0-responsible").select_option("contract_manager")
    page.locator("#goals-0-responsible_name").fill(new_name)
    page.locator("form.plan-form button.primary[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/facilitator/runs/{code}/plan$"))
    expect(page.locator(".flash-ok")).to_be_visible()
    expect(page.locator("#goals-0-goal")).to_have_value(new_goal)
    expect(page.locator("#goals-0-responsible")).to_have_value("contract_manager")
    expect(page.locator("#goals-0-responsible_name")).to_have_value(new_name)

    with page.expect_download() as download_info:
        page.locator(f"a[href$='/facilitator/runs/{code}/export/plan.csv']").click()
    download = download_info.value
    assert download.suggested_filename == f"{code}-plan.csv"
    saved = os.path.join(output_path, download.suggested_filename)
    os.makedirs(output_path, exist_ok=True)
    download.save_as(saved)

    with open(saved, "rb") as handle:
        assert handle.read(3) == b"\xef\xbb\xbf", "no UTF-8 byte-order mark"
    with open(saved, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))  # headers in the run's language
    assert rows and rows[0]["Kode"] == code and rows[0]["Nr."] == "1"
    assert rows[0]["Mål"] == new_goal
    assert rows[0]["Ansvarlig (rolle)"] == "Kontraktsforvalter" and rows[0]["Navn eller enhet"] == new_name

    with page.expect_download() as download_info:
        page.locator(f"a[href$='/facilitator/runs/{code}/plan.docx']").click()
    assert download_info.value.suggested_filename == f"{code}-plan.docx"
    document = os.path.join(output_path, f"{code}-plan.docx")
    download_info.value.save_as(document)
    tables = Document(document).tables
    cells = [cell.text for table in tables for row in table.rows for cell in row.cells]
    assert new_goal in cells and new_name in cells  # the overview and the goal's own table
    text = "".join("".join(row.values()) for row in rows)
    for letter in "æøå":
        assert letter in text, f"{letter} lost in the CSV"


def test_screenshots_for_the_readme(live_server, projector, open_context, facilitator, output_path):
    """The README's demo is a rehearsal: `workshop rehearse` fills the run, as a facilitator
    would the evening before, and the pages are photographed as the room will see them."""
    import subprocess
    import sys

    url = live_server.url
    code = create_run(live_server, facilitator)
    done = subprocess.run(
        [sys.executable, "-m", "workshop.cli", "rehearse", code, "--participants", "24",
         "--groups", "4", "--seed", "5"],
        cwd=ROOT, env=live_server.env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    facilitator_post(live_server, facilitator, code, "board/share", {"on": "1"})

    projector.goto(f"{url}/projector/{code}/board")
    wait_for_ack(projector, "board:watch")
    fruits = projector.locator("#board-fruits")
    expect(fruits.locator(".fruit-box")).to_have_count(4)
    expect(fruits.locator(".fruit-box li strong")).not_to_have_count(0)
    expect(projector.locator("#board-goals .board-table tbody tr")).not_to_have_count(0)
    screenshot(projector, output_path, "board-full.png", full_page=True)
    # For the README: the first questions of the board, small enough to keep in git.
    projector.set_viewport_size({"width": 1280, "height": 1100})
    screenshot(projector, output_path, "board.png", readme=True)
    fruits.scroll_into_view_if_needed()
    path = os.path.join(output_path, "fruit-board.png")
    fruits.screenshot(path=path)
    screenshot_copy(path, "fruit-board.png")

    # The plan as it prints: A4 at 96 dpi, only the plan document.
    context = open_context(viewport={"width": 794, "height": 1123})
    context.add_cookies([{"name": c.name, "value": c.value, "url": url} for c in facilitator.cookies])
    plan = context.new_page()
    plan.goto(f"{url}/facilitator/runs/{code}/plan")
    plan.emulate_media(media="print")
    expect(plan.locator(".plan-doc")).to_be_visible()
    expect(plan.locator(".plan-form")).to_be_hidden()
    for hidden in (".bar", ".run-nav", "button"):
        expect(plan.locator(hidden).first).to_be_hidden()
    expect(plan.locator(".plan-doc .plan-goal")).not_to_have_count(0)
    # The real thing: a PDF on A4 (kept with the test's output, not in the README).
    plan.pdf(path=os.path.join(output_path, "plan.pdf"), prefer_css_page_size=True)
    # Chromium paints the @page margins (18 mm × 16 mm) only when it paginates; in a screenshot
    # they are added as padding, so the picture has the printed page's line length.
    plan.evaluate("document.querySelector('main').style.padding = '18mm 16mm'")  # CSP: no <style>
    # The whole print stays with the test's output; the README shows its first A4 page (the
    # whole of it was over 500 KiB, too heavy for a picture in the repository).
    screenshot(plan, output_path, "plan-print-whole.png", full_page=True)
    screenshot(plan, output_path, "plan-print.png", readme=True)


def screenshot_copy(path, name):
    os.makedirs(DOCS_SCREENSHOTS, exist_ok=True)
    shutil.copyfile(path, os.path.join(DOCS_SCREENSHOTS, name))


def test_the_fruit_question_on_the_projector_is_the_live_fruit_board(
        live_server, workshop_run, projector, facilitator, output_path):
    code, _ = workshop_run()
    facilitator_action(live_server, facilitator, code, "questions/fruits/reveal")
    facilitator_post(live_server, facilitator, code, "questions/fruits/project", {})
    projector.goto(f"{live_server.url}/projector/{code}")
    board = projector.locator("#proj-results .fruit-board")
    expect(board.locator(".fruit-box")).to_have_count(4)
    expect(board.locator(".fruit-high h3")).to_have_text("Høythengende frukter")
    # Each goal sits in the box most tables placed it in, with its count of placements.
    expect(board.locator(".fruit-high li").first).to_be_visible()
    text = projector.locator("#proj-results").inner_text()
    for wrong in ("NaN", "undefined", "null", "[object Object]"):
        assert not re.search(rf"(?<!\w){re.escape(wrong)}(?!\w)", text), wrong
    assert re.search(r"\d+/\d+", text)
    screenshot(projector, output_path, "projector-fruit-board.png")
