"""The join link and QR code on the projector, the run page and the console carry an address
the room's phones can reach, whatever address the facilitator's browser used.

This machine's network addresses are replaced by fixed ones (DISCOVER_ADDRESSES), so the tests
do not depend on the network they run on."""

from __future__ import annotations

import io
import re

import pytest
import segno
from click.testing import CliRunner

from workshop import cli, create_app, join_address
from workshop.extensions import db
from workshop.models import Setting

from ..conftest import SECRET

LAPTOP = "http://127.0.0.1:5123"  # where the facilitator opened the app, as the terminal said


class Browser:
    """The facilitator's browser at one address (cookies belong to the host they came from)."""

    def __init__(self, app, base_url=LAPTOP):
        self.client = app.test_client()
        self.base_url = base_url
        response = self.post("/facilitator/login", data={"secret": SECRET})
        assert response.status_code == 302

    def get(self, path, **kwargs):
        return self.client.get(path, base_url=self.base_url, **kwargs)

    def post(self, path, **kwargs):
        return self.client.post(path, base_url=self.base_url, **kwargs)

    def page(self, path) -> str:
        response = self.get(path)
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)


def machine_has(app, *addresses):
    app.config["DISCOVER_ADDRESSES"] = lambda: list(addresses)


def qr_for(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=10, border=2, dark="#000")
    return buffer.getvalue()


def test_projector_opened_at_loopback_shows_the_network_address(app, run_code):
    machine_has(app, "192.0.2.10")
    laptop = Browser(app)
    wanted = f"http://192.0.2.10:5123/j/{run_code}"
    assert wanted in laptop.page(f"/projector/{run_code}")
    assert wanted in laptop.page(f"/facilitator/runs/{run_code}")
    assert "127.0.0.1" not in laptop.page(f"/projector/{run_code}")
    # The QR code encodes the same link, not the laptop's own address.
    assert laptop.get(f"/facilitator/runs/{run_code}/qr.svg").data == qr_for(wanted)
    assert "join-warning" not in laptop.page(f"/projector/{run_code}")


def test_the_browsers_room_address_is_kept(app, run_code):
    machine_has(app, "192.0.2.10", "198.51.100.7")
    tablet = Browser(app, "http://198.51.100.7:5000")
    assert f"http://198.51.100.7:5000/j/{run_code}" in tablet.page(f"/projector/{run_code}")


def test_without_a_network_address_the_projector_warns(app, run_code):
    machine_has(app)
    laptop = Browser(app)
    for path in (f"/projector/{run_code}", f"/facilitator/runs/{run_code}", "/facilitator/"):
        page = laptop.page(path)
        assert 'class="join-warning" role="alert"' in page, path
        assert "Mobilene kan ikke nå denne adressen: den virker bare på denne datamaskinen." in page
    assert f"http://127.0.0.1:5123/j/{run_code}" in laptop.page(f"/projector/{run_code}")


def test_a_server_listening_on_loopback_only_warns_that_no_phone_can_connect(app, run_code):
    machine_has(app, "192.0.2.10")
    app.config["LISTEN_HOST"] = "127.0.0.1"
    page = Browser(app).page(f"/projector/{run_code}")
    assert "serveren lytter bare på 127.0.0.1" in page
    assert "192.0.2.10" not in page


def test_addresses_given_in_the_configuration_replace_the_ones_found(app, run_code):
    machine_has(app, "10.9.9.9")
    app.config["JOIN_ADDRESSES"] = ["192.0.2.10"]
    app.config["LISTEN_HOST"] = "127.0.0.1"  # e.g. a port forward to the laptop's loopback
    assert f"http://192.0.2.10:5123/j/{run_code}" in Browser(app).page(f"/projector/{run_code}")


def test_behind_a_proxy_the_public_url_is_used_whatever_the_request(app, run_code):
    machine_has(app, "192.0.2.10")
    app.config["PUBLIC_URL"] = "https://workshop.example.no"
    laptop = Browser(app)
    wanted = f"https://workshop.example.no/j/{run_code}"
    assert wanted in laptop.page(f"/projector/{run_code}")
    assert laptop.get(f"/facilitator/runs/{run_code}/qr.svg").data == qr_for(wanted)
    console = laptop.page("/facilitator/")
    assert "satt med WORKSHOP_PUBLIC_URL" in console and 'name="address"' not in console


def test_an_invalid_public_url_stops_the_app_from_starting(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKSHOP_PUBLIC_URL", "workshop.example.no/app")
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ValueError, match="WORKSHOP_PUBLIC_URL"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SCHEMA_FROM_MODELS": True})


def test_serve_refuses_an_invalid_public_url_before_starting(monkeypatch):
    monkeypatch.setenv("WORKSHOP_PUBLIC_URL", "ftp://workshop.example.no")
    monkeypatch.setenv("WORKSHOP_HOST", "0.0.0.0")
    result = CliRunner().invoke(cli.serve_command, [])
    assert result.exit_code == 2 and "WORKSHOP_PUBLIC_URL" in result.output


# --- several addresses: the facilitator chooses ---------------------------------------------

def radio_values(page: str) -> list[str]:
    return re.findall(r'<input type="radio" id="join-address-\d+" name="address" value="([^"]+)"', page)


def test_with_one_address_there_is_nothing_to_choose(app):
    machine_has(app, "192.0.2.10")
    console = Browser(app).page("/facilitator/")
    assert "http://192.0.2.10:5123" in console and radio_values(console) == []


def test_the_facilitator_chooses_among_several_addresses_and_every_screen_follows(app, run_code):
    machine_has(app, "192.0.2.10", "198.51.100.7")
    laptop = Browser(app)
    console = laptop.page("/facilitator/")
    assert radio_values(console) == ["192.0.2.10", "198.51.100.7"]
    assert 'value="192.0.2.10" checked' in console  # the one in use now
    assert radio_values(laptop.page(f"/facilitator/runs/{run_code}")) == ["192.0.2.10", "198.51.100.7"]

    back_to = f"/facilitator/runs/{run_code}"
    response = laptop.post("/facilitator/join-address", data={"address": "198.51.100.7", "next": back_to})
    assert response.status_code == 302 and response.location.endswith(back_to)
    run_page = laptop.page(back_to)
    assert "Mobilene blir nå med på http://198.51.100.7:5123." in run_page
    wanted = f"http://198.51.100.7:5123/j/{run_code}"
    assert wanted in run_page and 'value="198.51.100.7" checked' in run_page
    assert wanted in laptop.page(f"/projector/{run_code}")
    assert laptop.get(f"/facilitator/runs/{run_code}/qr.svg").data == qr_for(wanted)


def test_an_address_this_machine_does_not_have_is_refused_and_nothing_changes(app, run_code):
    machine_has(app, "192.0.2.10", "198.51.100.7")
    laptop = Browser(app)
    laptop.post("/facilitator/join-address", data={"address": "198.51.100.7"})
    for wrong in ("203.0.113.9", "", "127.0.0.1", "x" * 300):
        response = laptop.post("/facilitator/join-address", data={"address": wrong}, follow_redirects=True)
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Det er ikke en av denne datamaskinens nettverksadresser nå. Ingenting ble endret." in page
    with app.app_context():
        assert db.session.get(Setting, join_address.CHOICE_SETTING).value == "198.51.100.7"


def test_choosing_leads_back_only_to_a_page_of_this_site(app):
    machine_has(app, "192.0.2.10", "198.51.100.7")
    laptop = Browser(app)
    for elsewhere in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = laptop.post("/facilitator/join-address", data={"address": "192.0.2.10", "next": elsewhere})
        assert response.status_code == 302 and response.location.endswith("/facilitator/")


def test_choosing_needs_the_facilitator(app, client):
    machine_has(app, "192.0.2.10", "198.51.100.7")
    response = client.post("/facilitator/join-address", data={"address": "198.51.100.7"})
    assert response.status_code == 302 and "/facilitator/login" in response.location
    with app.app_context():
        assert db.session.get(Setting, join_address.CHOICE_SETTING) is None


def test_the_choice_is_shared_by_every_process_on_the_database(app, run_code, tmp_path, monkeypatch):
    """A second process (scale-out, or a restart) shows the address chosen through the first."""
    machine_has(app, "192.0.2.10", "198.51.100.7")
    Browser(app).post("/facilitator/join-address", data={"address": "198.51.100.7"})
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "second"))
    second = create_app({**{key: app.config[key] for key in (
        "TESTING", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED", "RATELIMIT_ENABLED", "SECRET_KEY",
        "QUESTIONS_DIR")}, "SCHEMA_FROM_MODELS": True})
    machine_has(second, "192.0.2.10", "198.51.100.7")
    try:
        page = Browser(second).page(f"/projector/{run_code}")
        assert f"http://198.51.100.7:5123/j/{run_code}" in page
    finally:
        with second.app_context():
            db.session.remove()
            db.engine.dispose()


# --- what `workshop serve` prints -----------------------------------------------------------

def config(**values):
    return {"PUBLIC_URL": None, "JOIN_ADDRESSES": [], **values}


def test_serve_prints_the_public_url_when_there_is_one():
    assert cli.phone_lines("127.0.0.1", 5001, config(PUBLIC_URL="https://workshop.example.no")) == [
        "  Phones join at:               https://workshop.example.no/  (WORKSHOP_PUBLIC_URL)"]


def test_serve_prints_every_address_the_chosen_one_first(monkeypatch):
    monkeypatch.setattr(cli.netaddress, "discover_addresses", lambda: ["192.0.2.10", "198.51.100.7"])
    lines = cli.phone_lines("0.0.0.0", 5000, config(), chosen="198.51.100.7")
    assert lines[0].endswith("http://198.51.100.7:5000/") and lines[1].endswith("http://192.0.2.10:5000/")
    assert "console" in lines[2]


def test_serve_says_when_no_phone_can_connect(monkeypatch):
    monkeypatch.setattr(cli.netaddress, "discover_addresses", lambda: [])
    assert "no network address found" in cli.phone_lines("0.0.0.0", 5000, config())[0]
    assert "listens on 127.0.0.1 only" in cli.phone_lines("127.0.0.1", 5000, config())[0]
