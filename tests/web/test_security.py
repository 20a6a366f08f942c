"""CSRF, cookies and headers that follow the request's scheme."""

import pytest

from workshop import create_app

from ..conftest import QUESTIONS, SECRET


@pytest.fixture
def csrf_app(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("WORKSHOP_FACILITATOR_SECRET", SECRET)
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "t.sqlite"),
                       "QUESTIONS_DIR": QUESTIONS, "RESULTS_INTERVAL": 0})


def test_form_without_csrf_token_is_refused_with_a_clear_message(csrf_app):
    from workshop import services

    with csrf_app.app_context():
        services.secret.ensure_facilitator_secret(SECRET)
    client = csrf_app.test_client()
    response = client.post("/facilitator/login", data={"secret": SECRET})
    assert response.status_code == 400
    assert "Ingenting ble endret" in response.get_data(as_text=True)
    assert client.get("/facilitator/").status_code == 302  # not signed in


def test_plain_http_gets_no_secure_cookie_and_no_hsts(csrf_app):
    client = csrf_app.test_client()
    response = client.get("/")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Strict-Transport-Security" not in response.headers


def test_https_gets_secure_cookie_and_hsts(csrf_app):
    client = csrf_app.test_client()
    response = client.get("/", base_url="https://workshop.example")
    assert "Secure" in response.headers.get("Set-Cookie", "")
    assert "Strict-Transport-Security" in response.headers
