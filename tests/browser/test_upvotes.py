"""Ideas the room upvotes: two phones upvote the same idea and the projector reorders live.

Question 4 of the bundled workshop ("needs") is a text question with `upvotes: true` and
`cloud: true`. Three participants write their needs over HTTP; the facilitator reveals the
results, so the projector shows the ideas with their votes, most upvoted first, under a word
cloud. Two phones then upvote the same idea over Socket.IO, and the projector moves it to the
top without a reload.
"""

from __future__ import annotations

import re
import sqlite3

import pytest
from playwright.sync_api import expect

from ..serverproc import create_run, csrf_token, facilitator_action, join_participant
from .test_board_and_plan import answer, participant_cookies
from .test_offline_answers import wait_until_cached
from .test_phone_and_projector import (
    assert_not_reloaded,
    mark_loaded,
    received,
    screenshot,
    wait_for_ack,
)

pytestmark = pytest.mark.browser

# Kari writes first, so among ideas with equal votes hers is last (newest first among equals).
KARI = "Konkrete maler for rapportering til ledelsen"
OLA = "Flere eksempler på rapportering fra andre kommuner"
NILS = "Maler for dialogmøter med leverandøren"
PEOPLE = [("Kari", "Bord 1", KARI), ("Ola", "Bord 2", OLA), ("Nils", "Bord 3", NILS)]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}


def idea_ref(server, session, code, text):
    """The ref of someone else's idea, as the participant's own page lists it."""
    html = session.get(f"{server.url}/r/{code}", timeout=10).text
    pattern = r'<li data-ref="([^"]+)">\s*<span class="idea-text">' + re.escape(text) + "</span>"
    match = re.search(pattern, html)
    assert match, f"no idea {text!r} on the page"
    return match.group(1)


def upvote_over_http(server, session, code, ref):
    page = session.get(f"{server.url}/r/{code}", timeout=10)
    response = session.post(f"{server.url}/r/{code}/upvote/needs",
                            data={"ref": ref, "csrf_token": csrf_token(page.text)}, timeout=10)
    assert response.ok and "flash-error" not in response.text, response.text[-800:]


def projector_ideas(projector):
    texts = projector.locator("#proj-entries li.idea .idea-text").all_inner_texts()
    return [t.strip() for t in texts]


def test_two_phones_upvote_an_idea_to_the_top_of_the_projector(
        live_server, facilitator, open_context, projector, output_path):
    url = live_server.url
    code = create_run(live_server, facilitator)
    facilitator_action(live_server, facilitator, code, "questions/needs/open")  # also projects it

    sessions = {}
    for name, group, text in PEOPLE:
        sessions[name] = join_participant(live_server, code, group, name)
        answer(live_server, sessions[name], code, "needs", {"entry": [text]})
    facilitator_action(live_server, facilitator, code, "moderation/needs/approve-all")  # moderated texts
    # One upvote before the phones: Nils's idea leads, Kari's (the oldest) is last.
    nils_idea = idea_ref(live_server, sessions["Kari"], code, NILS)
    upvote_over_http(live_server, sessions["Kari"], code, nils_idea)
    facilitator_action(live_server, facilitator, code, "questions/needs/reveal")

    projector.goto(f"{url}/projector/{code}")
    wait_for_ack(projector, "screen:watch")
    expect(projector.locator("#proj-question")).to_contain_text("foredragsholdere")
    entries = projector.locator("#proj-entries li.idea")
    expect(entries).to_have_count(3)
    expect(entries.first.locator(".idea-text")).to_have_text(re.compile(re.escape(NILS)))
    assert projector_ideas(projector) == [NILS, OLA, KARI]
    # The word cloud of the three entries: "rapportering" and "maler" are written twice.
    cloud = projector.locator("#proj-cloud")
    expect(cloud).to_be_visible()
    words = cloud.locator("svg text")
    expect(words.first).to_be_visible()
    assert words.count() >= 5
    terms = [t.strip() for t in words.all_text_contents()]
    assert any(t.startswith("rapportering") for t in terms), terms
    assert any(t.startswith("maler") for t in terms), terms
    mark_loaded(projector)
    pushes_before = received(projector, "results")

    # Ola's and Nils's phones, signed in with their cookies.
    phones = {}
    for name in ("Ola", "Nils"):
        page = open_context(**PHONE).new_page()
        page.context.add_cookies(participant_cookies(live_server, sessions[name]))
        page.goto(f"{url}/r/{code}")
        wait_for_ack(page, "participant:join")
        ideas = page.locator("section.question[data-question=needs] .ideas li[data-ref]")
        expect(ideas).to_have_count(3)
        mark_loaded(page)
        phones[name] = page

    # Neither can upvote their own idea: there is no button on it.
    for name, _, text in PEOPLE[1:]:
        ideas = phones[name].locator(".ideas li[data-ref]")
        own = ideas.filter(has=phones[name].locator(".idea-text", has_text=text))
        expect(own).to_have_count(1)
        expect(own.locator(".upvote-form, button")).to_have_count(0)
        others = ideas.filter(has_not=phones[name].locator(".idea-text", has_text=text))
        expect(others.locator(".upvote-form button")).to_have_count(2)

    for n, name in enumerate(("Ola", "Nils"), start=1):
        phone = phones[name]
        kari = phone.locator(".ideas li[data-ref]", has=phone.locator(".idea-text", has_text=KARI))
        button = kari.locator(".upvote-form button")
        expect(button).to_be_enabled()
        button.click()
        expect(button).to_have_text(re.compile(r"^Stemt ✓$"))
        expect(button).to_be_disabled()
        wait_for_ack(phone, "upvote")
        assert_not_reloaded(phone)
        expect(projector.locator("#proj-entries li.idea", has_text=KARI).locator(".idea-votes")) \
            .to_have_text(f"{n} ▲")

    # Two votes against one: Kari's idea is first on the big screen, without a reload.
    expect(entries.first.locator(".idea-text")).to_have_text(re.compile(re.escape(KARI)))
    expect(entries.first.locator(".idea-votes")).to_have_text("2 ▲")
    assert projector_ideas(projector) == [KARI, NILS, OLA]
    assert_not_reloaded(projector)
    assert received(projector, "results") > pushes_before, "the new order did not come as a push"
    # The phones reorder too: the server's order, most upvoted first.
    for phone in phones.values():
        expect(phone.locator(".ideas li[data-ref] .idea-text").first).to_have_text(KARI)
        assert_not_reloaded(phone)

    # The upvote is the server's, not only the button's: after a reload it is still there.
    ola = phones["Ola"]
    ola.reload()
    kari = ola.locator(".ideas li[data-ref]", has=ola.locator(".idea-text", has_text=KARI))
    expect(kari.locator(".upvote-form button")).to_have_text(re.compile(r"Stemt ✓"))
    expect(kari.locator(".upvote-form button")).to_be_disabled()
    expect(kari.locator(".idea-votes")).to_have_text(re.compile(r"2 ▲"))

    screenshot(phones["Nils"], output_path, "phone-ideas.png")
    screenshot(projector, output_path, "ideas-top.png")
    screenshot(projector, output_path, "ideas-full.png", full_page=True)
    # At 1280 × 720 the list starts below the cloud, at the bottom edge: the README shows the
    # screen scrolled down, with the cloud and the whole list.
    # One step in the page: a push may replace the list between a locator's lookup and a scroll.
    projector.locator("#proj-entries").evaluate(
        "list => list.lastElementChild.scrollIntoView({block: 'end'})")
    screenshot(projector, output_path, "ideas.png", readme=True)


def test_a_phone_is_told_of_one_new_idea_and_of_two_in_the_right_number(live_server, facilitator, open_context):
    url = live_server.url
    code = create_run(live_server, facilitator)
    facilitator_action(live_server, facilitator, code, "questions/needs/open")
    kari = join_participant(live_server, code, "Bord 1", "Kari")
    answer(live_server, kari, code, "needs", {"entry": [KARI]})
    facilitator_action(live_server, facilitator, code, "moderation/needs/approve-all")
    page = open_context(**PHONE).new_page()
    page.context.add_cookies(participant_cookies(live_server, kari))
    page.goto(f"{url}/r/{code}")
    wait_for_ack(page, "participant:join")
    notice = page.locator("section.question[data-question=needs] .ideas-new")
    for n, (name, group, text) in enumerate(PEOPLE[1:], start=1):
        other = join_participant(live_server, code, group, name)
        answer(live_server, other, code, "needs", {"entry": [text]})
        facilitator_action(live_server, facilitator, code, "moderation/needs/approve-all")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text(f"{n} ny idé" if n == 1 else f"{n} nye ideer")


def stored_upvotes(server, code):
    path = server.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT u.participant_id, u.ref FROM upvote u JOIN run r ON r.id = u.run_id WHERE r.code = ?",
            (code,)).fetchall()


def test_an_upvote_made_offline_waits_on_the_phone_and_counts_once_back_online(
        live_server, facilitator, open_context, output_path):
    url = live_server.url
    code = create_run(live_server, facilitator)
    facilitator_action(live_server, facilitator, code, "questions/needs/open")
    sessions = {}
    for name, group, text in PEOPLE:
        sessions[name] = join_participant(live_server, code, group, name)
        answer(live_server, sessions[name], code, "needs", {"entry": [text]})
    facilitator_action(live_server, facilitator, code, "moderation/needs/approve-all")
    context = open_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                           is_mobile=True, has_touch=True)
    context.add_cookies(participant_cookies(live_server, sessions["Ola"]))
    page = context.new_page()
    page.goto(f"{url}/r/{code}")
    wait_for_ack(page, "participant:join")
    # participant.js, phone_help.js and offline.js share one connection.
    assert page.evaluate("window.__probe.sockets.length") == 1
    wait_until_cached(page)

    def button(text):
        idea = page.locator(".ideas li[data-ref]", has=page.locator(".idea-text", has_text=text))
        return idea.locator(".upvote-form button")

    context.set_offline(True)
    expect(page.locator("#connection")).to_contain_text("Frakoblet")
    button(KARI).click()
    expect(button(KARI)).to_have_text("Venter på å sendes")
    expect(button(KARI)).to_be_disabled()
    assert page.url.endswith(f"/r/{code}"), "the form posted: the browser's error page"
    button(KARI).scroll_into_view_if_needed()
    screenshot(page, output_path, "upvote-waiting-390x844.png")
    page.set_viewport_size({"width": 320, "height": 640})
    button(KARI).scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, output_path, "upvote-waiting-320x640.png")
    page.reload()  # offline: the service worker's copy; the upvote waits in the phone's storage
    expect(button(KARI)).to_have_text("Venter på å sendes")
    assert stored_upvotes(live_server, code) == []

    context.set_offline(False)
    expect(button(KARI)).to_have_text("Stemt ✓", timeout=15_000)
    expect(button(KARI)).to_be_disabled()
    assert len(stored_upvotes(live_server, code)) == 1
    assert page.url.endswith(f"/r/{code}")

    # One made offline to a question that closed meanwhile: not counted, and the button says why.
    context.set_offline(True)
    expect(page.locator("#connection")).to_contain_text("Frakoblet")
    button(NILS).click()
    expect(button(NILS)).to_have_text("Venter på å sendes")
    facilitator_action(live_server, facilitator, code, "questions/needs/close")
    context.set_offline(False)
    expect(button(NILS)).to_have_text("Ikke telt: Spørsmålet er stengt.", timeout=15_000)
    expect(button(NILS)).to_be_disabled()
    expect(button(KARI)).to_have_text("Stemt ✓")
    assert len(stored_upvotes(live_server, code)) == 1
    assert page.url.endswith(f"/r/{code}")
    screenshot(page, output_path, "upvote-not-counted-320x640.png")
