"""The facilitator's queue in the browser: a text a phone sends appears in the queue without a
reload, is not on the projector, and reaches the projector's word cloud once approved."""

from playwright.sync_api import expect

from ..serverproc import create_run, facilitator_action, join_participant
from .test_board_and_plan import answer
from .test_phone_and_projector import wait_for_ack


def test_a_text_waits_in_the_queue_live_and_reaches_the_projector_once_approved(
        live_server, facilitator, projector, open_context):
    code = create_run(live_server, facilitator)
    facilitator_action(live_server, facilitator, code, "questions/needs/open")  # also projects it
    facilitator_action(live_server, facilitator, code, "questions/needs/reveal")
    console = open_context(viewport={"width": 1280, "height": 720})
    console.add_cookies([{"name": c.name, "value": c.value, "url": live_server.url} for c in facilitator.cookies])
    run_page = console.new_page()
    run_page.goto(f"{live_server.url}/facilitator/runs/{code}")
    wait_for_ack(run_page, "screen:watch")
    projector.goto(f"{live_server.url}/projector/{code}")
    wait_for_ack(projector, "screen:watch")

    writer = join_participant(live_server, code, "Bord 2", "Ola")
    answer(live_server, writer, code, "needs", {"entry": ["Sjekklister for statusmøter"]})

    queue = run_page.locator("#moderation .moderation[data-question=needs]")
    expect(queue.locator(".moderation-queue li")).to_contain_text("Sjekklister for statusmøter")
    expect(queue.locator(".waiting-count")).to_have_text("1")
    expect(projector.locator("body")).not_to_contain_text("Sjekklister")

    queue.locator("li", has_text="Sjekklister").get_by_role("button", name="Godkjenn").click()
    expect(run_page.locator("#moderation .moderation[data-question=needs] .waiting-count")).to_have_text("0")
    expect(projector.locator("body")).to_contain_text("sjekklister")  # the word cloud, lower case
