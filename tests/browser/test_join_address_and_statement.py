"""In Chromium: the projector opened at 127.0.0.1 shows an address the room's phones can reach,
the console lets the facilitator choose among several, the projector warns when no phone can
connect; and the accessibility statement is one click from every page, readable on a phone.

Tests stay on loopback: the "network addresses" are given to the server as configuration
(WORKSHOP_JOIN_ADDRESSES, documentation addresses of RFC 5737), since a server listening on
127.0.0.1 offers none of this machine's own (workshop/netaddress.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ..serverproc import create_run, facilitator_session, running_server
from .test_accessibility import assert_no_violations, switch_to_english
from .test_board_and_plan import participant_cookies
from .test_phone_and_projector import screenshot, wait_for_ack

pytestmark = pytest.mark.browser

ROOM_ADDRESSES = ("192.0.2.10", "198.51.100.7")
BIG_SCREEN = {"viewport": {"width": 1920, "height": 1080}}
LAPTOP = {"viewport": {"width": 1280, "height": 720}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}


@pytest.fixture(scope="module")
def room_server(tmp_path_factory):
    """A server told that the machine has two network addresses."""
    with running_server(tmp_path_factory.mktemp("room-server"),
                        extra_env={"WORKSHOP_JOIN_ADDRESSES": " ".join(ROOM_ADDRESSES)}) as server:
        yield server


@pytest.fixture(scope="module")
def lonely_server(tmp_path_factory):
    """A server that listens on 127.0.0.1 only and is given no address: no phone can reach it."""
    with running_server(tmp_path_factory.mktemp("lonely-server")) as server:
        yield server


def port_of(server) -> str:
    return server.url.rsplit(":", 1)[1]


def signed_in(open_context, server, session, **size):
    page = open_context(**size).new_page()
    page.context.add_cookies(participant_cookies(server, session))
    return page


def test_projector_opened_at_loopback_shows_the_network_address(room_server, open_context, output_path):
    facilitator = facilitator_session(room_server)
    code = create_run(room_server, facilitator)
    assert room_server.url.startswith("http://127.0.0.1:")  # where the laptop opened the app
    projector = signed_in(open_context, room_server, facilitator, **BIG_SCREEN)
    projector.goto(f"{room_server.url}/projector/{code}")
    wait_for_ack(projector, "screen:watch")
    expect(projector.locator(".lobby-url.join-link")).to_have_text(
        f"http://192.0.2.10:{port_of(room_server)}/j/{code}")
    expect(projector.locator(".join-warning")).to_have_count(0)
    qr = projector.locator(".lobby-qr")
    expect(qr).to_be_visible()
    assert projector.evaluate("(img) => img.naturalWidth > 0", qr.element_handle())
    screenshot(projector, output_path, "projector-network-address.png")


def test_facilitator_chooses_the_address_and_the_projector_follows(room_server, open_context, output_path):
    facilitator = facilitator_session(room_server)
    code = create_run(room_server, facilitator)
    console = signed_in(open_context, room_server, facilitator, **LAPTOP)
    console.goto(f"{room_server.url}/facilitator/")
    picker = console.locator("form.join-address-form")
    radios = picker.locator("input[name=address]")
    expect(radios).to_have_count(2)
    expect(picker.locator("input[value='192.0.2.10']")).to_be_checked()
    picker.scroll_into_view_if_needed()
    screenshot(console, output_path, "console-address-picker.png")
    assert_no_violations(console, room_server, "console with the address choice")

    picker.get_by_label("198.51.100.7").check()
    picker.locator("button[type=submit]").click()
    port = port_of(room_server)
    expect(console.locator(".flash-ok")).to_contain_text(f"http://198.51.100.7:{port}")
    expect(console.locator(".join-base")).to_have_text(f"http://198.51.100.7:{port}")
    screenshot(console, output_path, "console-address-chosen.png", full_page=True)

    projector = signed_in(open_context, room_server, facilitator, **BIG_SCREEN)
    projector.goto(f"{room_server.url}/projector/{code}")
    expect(projector.locator(".lobby-url.join-link")).to_have_text(f"http://198.51.100.7:{port}/j/{code}")
    run_page = signed_in(open_context, room_server, facilitator, **LAPTOP)
    run_page.goto(f"{room_server.url}/facilitator/runs/{code}")
    expect(run_page.locator(".join-info .join-link")).to_have_text(f"http://198.51.100.7:{port}/j/{code}")
    screenshot(run_page, output_path, "run-page-address.png", full_page=True)


def test_projector_warns_when_no_phone_can_connect(lonely_server, open_context, output_path):
    live_server = lonely_server
    facilitator = facilitator_session(live_server)
    code = create_run(live_server, facilitator)
    projector = signed_in(open_context, live_server, facilitator, **BIG_SCREEN)
    projector.goto(f"{live_server.url}/projector/{code}")
    wait_for_ack(projector, "screen:watch")
    warning = projector.locator(".proj-head .join-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Mobilene kan ikke nå denne adressen")
    expect(projector.locator(".lobby-url.join-link")).to_have_text(f"{live_server.url}/j/{code}")
    screenshot(projector, output_path, "projector-loopback-warning.png")
    assert_no_violations(projector, live_server, "projector with the loopback warning")


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_statement_is_one_click_from_a_phones_start_page(live_server, open_context, output_path, lang):
    phone = open_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/")
    if lang == "en":
        switch_to_english(phone)
    phone.locator("footer.site-footer a").click()
    expect(phone).to_have_url(f"{live_server.url}/tilgjengelighetserklaering")
    heading = {"nb": "Tilgjengelighetserklæring", "en": "Accessibility statement"}[lang]
    expect(phone.locator("h1")).to_have_text(heading)
    screenshot(phone, output_path, f"statement-{lang}-390.png", full_page=True)
    assert_no_violations(phone, live_server, f"accessibility statement ({lang})")


def test_statement_reflows_at_320_css_pixels(live_server, open_context):
    page = open_context(viewport={"width": 320, "height": 640}, device_scale_factor=2,
                        is_mobile=True, has_touch=True).new_page()
    page.goto(f"{live_server.url}/tilgjengelighetserklaering")
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"sideways scrolling at 320 px: {widths}"
