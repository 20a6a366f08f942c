"""Join code lookups limited per address (hits generously, unknown codes tightly), the app's
own page for a body over the size limit, and whose forwarded headers gunicorn believes."""

import io

import pytest

from workshop import cli
from workshop.extensions import db
from workshop.models import Answer

from ..conftest import join
from .test_abuse import limits_app, open_run

TOO_MANY_NB = "For mange forsøk på kort tid"
UNKNOWN_CODE_NB = "Ingen workshop har denne koden"
TOO_LARGE_NB = "Det du sendte, er for stort (mer enn 256 kB)"
TOO_LARGE_EN = "What you sent is too large (more than 256 KB)"
OVER_THE_SIZE_LIMIT = "x" * (256 * 1024 + 1)


def phone_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_join_page_lookups_beyond_the_limit_get_the_429_page_in_norwegian(tmp_path, monkeypatch):
    app = limits_app(tmp_path, monkeypatch, JOIN_PAGE_LIMIT_PER_ADDRESS="5/minute")
    code = open_run(app)
    behind_the_venue_nat = phone_at(app, "10.0.0.1")
    statuses = [behind_the_venue_nat.get(f"/j/{code}").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    refused = behind_the_venue_nat.get(f"/j/{code}")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and TOO_MANY_NB in page and '<html lang="nb">' in page
    # Only looking up is limited: the phones of that address still join and answer.
    assert behind_the_venue_nat.post(f"/j/{code}", data={"new_group": "Bord 1"}).status_code == 302
    # A phone on another address is not counted with them.
    assert phone_at(app, "10.0.0.2").get(f"/j/{code}").status_code == 200


def test_unknown_codes_are_limited_far_tighter_than_known_ones(tmp_path, monkeypatch):
    app = limits_app(tmp_path, monkeypatch, JOIN_PAGE_LIMIT_PER_ADDRESS="20/minute",
                     JOIN_MISS_LIMIT_PER_ADDRESS="3/minute")
    code = open_run(app)
    hall = phone_at(app, "10.0.0.1")
    # A hall opening the right link many times does not use up its allowance of unknown codes.
    assert [hall.get(f"/j/{code}").status_code for _ in range(10)] == [200] * 10
    guesser = phone_at(app, "10.0.0.9")
    misses = [guesser.get(f"/j/{unknown}") for unknown in ("ZZZZZZ", "ZZZZZY", "ZZZZZX")]
    assert [m.status_code for m in misses] == [404] * 3
    assert all(UNKNOWN_CODE_NB in m.get_data(as_text=True) for m in misses)
    # From then on the guesser learns nothing: a known code is refused like an unknown one.
    for path in ("/j/ZZZZZW", f"/j/{code}"):
        refused = guesser.get(path)
        assert refused.status_code == 429 and TOO_MANY_NB in refused.get_data(as_text=True)
    assert guesser.get("/").status_code == 200  # the start page itself still opens
    assert hall.get(f"/j/{code}").status_code == 200  # and the hall's address is not affected


def test_codes_typed_wrong_and_linked_wrong_count_together(tmp_path, monkeypatch):
    app = limits_app(tmp_path, monkeypatch, JOIN_MISS_LIMIT_PER_ADDRESS="3/minute")
    code = open_run(app)
    guesser = phone_at(app, "10.0.0.9")
    typed = [guesser.post("/", data={"code": unknown}) for unknown in ("ZZZZZZ", "ZZZZZY")]
    assert all(UNKNOWN_CODE_NB in t.get_data(as_text=True) for t in typed)
    assert guesser.get("/j/ZZZZZX").status_code == 404
    refused = guesser.post("/", data={"code": code})
    assert refused.status_code == 429 and TOO_MANY_NB in refused.get_data(as_text=True)
    # Typing the right code is not a miss, and another address types its code as usual.
    other = phone_at(app, "10.0.0.2")
    for _ in range(5):
        response = other.post("/", data={"code": code})
        assert response.status_code == 302 and response.location.endswith(f"/j/{code}")


def test_the_join_lookup_limits_default_to_a_hall_behind_one_address(app):
    from workshop.participant.routes import _join_page_limit, _unknown_code_limit

    with app.test_request_context():
        assert _join_page_limit() == "6000/minute"  # 2,000 phones, each opening the link 3 times
        assert _unknown_code_limit() == "120/minute"


def answers_stored(app) -> int:
    with app.app_context():
        return db.session.query(Answer).count()


def test_a_too_large_answer_gets_the_apps_413_page_in_norwegian_and_saves_nothing(app, client, facilitator, run_code):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/open")
    response = client.post(f"/r/{run_code}/answer/needs", data={"entry": [OVER_THE_SIZE_LIMIT]})
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert TOO_LARGE_NB in page and "Noe gikk galt" in page and '<html lang="nb">' in page
    assert "Request Entity Too Large" not in page
    assert answers_stored(app) == 0
    # The same answer within the limit is saved: it was the size that was refused.
    client.post(f"/r/{run_code}/answer/needs", data={"entry": ["Kortere svar"]})
    assert answers_stored(app) == 1


def test_a_too_large_post_in_an_english_session_gets_the_page_in_english(client, run_code):
    join(client, run_code)
    client.post("/lang/en")
    response = client.post(f"/r/{run_code}/answer/needs", data={"entry": [OVER_THE_SIZE_LIMIT]})
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert TOO_LARGE_EN in page and "Something went wrong" in page and '<html lang="en">' in page


def test_a_too_large_workshop_file_upload_gets_the_apps_413_page(app, facilitator, tmp_path):
    folder = tmp_path / "questions"  # were the file accepted, it would be written here
    folder.mkdir()
    app.config["QUESTIONS_DIR"] = str(folder)
    upload = io.BytesIO(b"id: big\n# " + OVER_THE_SIZE_LIMIT.encode() + b"\n")
    response = facilitator.post("/facilitator/templates", data={"file": (upload, "big.yaml")})
    assert response.status_code == 413 and TOO_LARGE_NB in response.get_data(as_text=True)
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("setting, trusted", [
    (None, ""), ("", ""), ("0", ""), ("false", ""), ("no", ""), ("off", ""),
    ("1", "127.0.0.1"), ("true", "127.0.0.1"), ("yes", "127.0.0.1"),
])
def test_gunicorn_trusts_forwarded_headers_only_as_the_app_reads_trust_proxy(monkeypatch, setting, trusted):
    monkeypatch.delenv("WORKSHOP_PROXY_IPS", raising=False)
    if setting is None:
        monkeypatch.delenv("WORKSHOP_TRUST_PROXY", raising=False)
    else:
        monkeypatch.setenv("WORKSHOP_TRUST_PROXY", setting)
    assert cli.forwarded_allow_ips() == trusted


def test_the_proxys_addresses_are_trusted_when_trust_proxy_is_on(monkeypatch):
    monkeypatch.setenv("WORKSHOP_TRUST_PROXY", "1")
    monkeypatch.setenv("WORKSHOP_PROXY_IPS", "10.1.2.3,10.1.2.4")
    assert cli.forwarded_allow_ips() == "10.1.2.3,10.1.2.4"
    monkeypatch.setenv("WORKSHOP_TRUST_PROXY", "0")
    assert cli.forwarded_allow_ips() == ""
