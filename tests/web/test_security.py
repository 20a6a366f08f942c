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


def test_every_response_has_each_security_header_once_and_a_views_own_is_kept(csrf_app):
    @csrf_app.route("/_own-policy")
    def own_policy():
        return "x", 200, {"Content-Security-Policy": "default-src 'none'"}

    client = csrf_app.test_client()
    page, own = client.get("/"), client.get("/_own-policy")
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
        assert len(page.headers.getlist(name)) == 1 and len(own.headers.getlist(name)) == 1
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert own.headers["Content-Security-Policy"] == "default-src 'none'"
    secure = client.get("/", base_url="https://workshop.example")
    assert secure.headers.getlist("Strict-Transport-Security") == ["max-age=31536000"]


def test_sessions_follow_a_changed_secret_key_and_its_fallbacks(csrf_app):
    from workshop import services

    with csrf_app.app_context():
        services.secret.ensure_facilitator_secret(SECRET)
    client = csrf_app.test_client()
    token = client.get("/facilitator/login").get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1]
    client.post("/facilitator/login", data={"secret": SECRET, "csrf_token": token.split('"')[0]})
    assert client.get("/facilitator/").status_code == 200
    old = csrf_app.config["SECRET_KEY"]
    csrf_app.config["SECRET_KEY"] = csrf_app.secret_key = "a-new-key"
    assert client.get("/facilitator/").status_code == 302  # the old cookie no longer counts
    csrf_app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert client.get("/facilitator/").status_code == 200  # unless its key is a fallback
