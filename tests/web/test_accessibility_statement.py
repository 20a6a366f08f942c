"""The accessibility statement (tilgjengelighetserklæring): linked from every page, in both
languages, with the deployer's contact; and the app's icon.

The statement names what tests/browser/test_accessibility.py checks; the last test here fails
when those checks change, so the statement is brought up to date with them."""

from __future__ import annotations

import pytest

from ..conftest import join

STATEMENT = "/tilgjengelighetserklaering"


def test_the_statement_is_in_norwegian_by_default_and_in_english_on_request(client):
    page = client.get(STATEMENT).get_data(as_text=True)
    assert "<h1>Tilgjengelighetserklæring</h1>" in page and '<html lang="nb">' in page
    assert "WCAG 2.1 på nivå AA" in page and "Hva som ikke er kontrollert" in page
    client.post("/lang/en", data={"next": STATEMENT})
    english = client.get(STATEMENT).get_data(as_text=True)
    assert "<h1>Accessibility statement</h1>" in english and '<html lang="en">' in english
    assert "What has not been verified" in english


def test_the_statement_names_the_checker_version_the_tests_run(client):
    import json

    from ..conftest import ROOT

    with open(f"{ROOT}/package.json", encoding="utf-8") as handle:
        version = json.load(handle)["devDependencies"]["axe-core"]
    assert f"axe-core {version}" in client.get(STATEMENT).get_data(as_text=True)


def test_without_a_contact_the_statement_says_who_must_set_one(client):
    page = client.get(STATEMENT).get_data(as_text=True)
    assert "Ingen kontaktinformasjon er satt opp for denne installasjonen." in page
    assert "WORKSHOP_ACCESSIBILITY_CONTACT" in page


@pytest.mark.parametrize("contact, shown", [
    ("uu@kommune.example.no", '<a href="mailto:uu@kommune.example.no">uu@kommune.example.no</a>'),
    ("https://kommune.example.no/uu", '<a href="https://kommune.example.no/uu">https://kommune.example.no/uu</a>'),
    ("Servicetorget, tlf. 12 34 56 78", "<p class=\"card\">Servicetorget, tlf. 12 34 56 78</p>"),
    ("javascript:alert(1)", "<p class=\"card\">javascript:alert(1)</p>"),
])
def test_the_deployers_contact_is_shown_as_a_link_when_it_is_one(app, client, contact, shown):
    app.config["ACCESSIBILITY_CONTACT"] = contact
    page = client.get(STATEMENT).get_data(as_text=True)
    assert shown in page and "Ingen kontaktinformasjon" not in page


def test_the_deployers_own_statement_is_linked_when_given(app, client):
    app.config["ACCESSIBILITY_STATEMENT_URL"] = "https://uustatus.no/nb/erklaringer/publisert/0000"
    page = client.get(STATEMENT).get_data(as_text=True)
    assert '<a href="https://uustatus.no/nb/erklaringer/publisert/0000">' in page
    app.config["ACCESSIBILITY_STATEMENT_URL"] = "javascript:alert(1)"
    assert "javascript:" not in client.get(STATEMENT).get_data(as_text=True)


def test_every_kind_of_page_links_to_the_statement_and_has_the_icon(app, client, facilitator, run_code):
    phone = join(app.test_client(), run_code)
    pages = {
        "start": client.get("/"), "join": client.get(f"/j/{run_code}"), "run": phone.get(f"/r/{run_code}"),
        "board": phone.get(f"/r/{run_code}/board"), "not found": client.get("/no-such-page"),
        "login": client.get("/facilitator/login"), "console": facilitator.get("/facilitator/"),
        "run console": facilitator.get(f"/facilitator/runs/{run_code}"),
        "projector": facilitator.get(f"/projector/{run_code}"),
        "projector board": facilitator.get(f"/projector/{run_code}/board"),
        "statement": client.get(STATEMENT),
    }
    for name, response in pages.items():
        page = response.get_data(as_text=True)
        assert f'<a href="{STATEMENT}">' in page, name
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page, name


def test_the_icons_are_served_by_the_app(client):
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.content_type.startswith("image/svg+xml") and b"<svg" in svg.data
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200 and ico.content_type == "image/x-icon"
    assert ico.data[:4] == b"\x00\x00\x01\x00"  # an icon file
    touch = client.get("/static/apple-touch-icon.png")
    assert touch.status_code == 200 and touch.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_statement_names_exactly_what_the_accessibility_tests_check(client):
    """When tests/browser/test_accessibility.py checks other pages, rules or sizes, this fails:
    update templates/accessibility.html (both languages) and then the lists here."""
    from ..browser import test_accessibility as checks

    assert checks.WCAG_TAGS == ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    assert checks.PHONE["viewport"] == {"width": 360, "height": 740}
    assert checks.LAPTOP["viewport"] == {"width": 1280, "height": 720}
    assert set(checks.PARTICIPANT_PAGES) == {"start", "join", "run", "run-points", "board", "plan"}
    assert set(checks.FACILITATOR_PAGES) == {"login", "console", "run-console", "template-preview", "board",
                                            "plan-editor", "projector-board"}
    projected = next(mark for mark in checks.test_projector_has_no_axe_violations.pytestmark
                     if mark.name == "parametrize").args[1]
    assert {question for _run, question in projected} == {"goals", "topics", "needs", "fruits", "attention"}
    reflowed = next(mark for mark in checks.test_phone_pages_reflow_at_320_css_pixels.pytestmark
                    if mark.name == "parametrize").args[1]
    assert {path for _who, path in reflowed} == {"/", "/j/{code}", "/r/{code}", "/r/{points}",
                                                 "/r/{code}/board", "/r/{code}/plan"}
    page = client.get(STATEMENT).get_data(as_text=True)
    for claim in ("360 × 740", "1280 × 720", "320 CSS-piksler", "WCAG 2.0 og 2.1 på nivå A og AA"):
        assert claim in page
