"""The real server (`workshop serve`, gunicorn + gevent) on 127.0.0.1: whose forwarded headers
it believes, and the app's own page for a body over the size limit.

Without WORKSHOP_TRUST_PROXY (unset, or "0" as config.py reads it) a client on the laptop
itself sending X-Forwarded-Proto: https must not switch HSTS and Secure cookies on: gunicorn's
own default trusts 127.0.0.1. With it set, the proxy's header is believed.

A body over MAX_CONTENT_LENGTH (256 KiB) gets the app's 413 page in Norwegian, also when it is
still arriving, slowly, after gunicorn would have closed the connection (its keep-alive, 2 s).
"""

from __future__ import annotations

import time

import pytest
import requests

from ..serverproc import (
    create_run,
    csrf_token,
    facilitator_action,
    facilitator_session,
    fail_on_new_tracebacks,
    join_participant,
    running_server,
    start_server,
    stop_server,
)
from .conftest import TIMEOUT

pytestmark = pytest.mark.live

# gunicorn's secure_scheme_headers, each of which it would turn into https when it trusts the peer.
HTTPS_CLAIMS = [{"X-Forwarded-Proto": "https"}, {"X-Forwarded-Ssl": "on"}, {"X-Forwarded-Protocol": "ssl"}]
OVER_THE_SIZE_LIMIT = 256 * 1024 + 1


@pytest.fixture(scope="module", params=[None, "0"], ids=["trust-proxy-unset", "trust-proxy-0"])
def untrusting_server(request, tmp_path_factory):
    extra = {} if request.param is None else {"WORKSHOP_TRUST_PROXY": request.param}
    with pytest.MonkeyPatch.context() as patch:
        # The server's environment starts from this process's: this test decides, not the shell.
        patch.delenv("WORKSHOP_TRUST_PROXY", raising=False)
        patch.delenv("WORKSHOP_PROXY_IPS", raising=False)
        patch.delenv("FORWARDED_ALLOW_IPS", raising=False)  # gunicorn's own default, if set
        server = start_server(tmp_path_factory.mktemp("untrusting"), extra_env=extra)
    try:
        yield server
    finally:
        stop_server(server)
    fail_on_new_tracebacks()  # written while it stopped


@pytest.fixture(scope="module")
def trusting_server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("trusting"), extra_env={"WORKSHOP_TRUST_PROXY": "1"}) as server:
        yield server
    fail_on_new_tracebacks()  # written while it stopped


def start_page(server, headers: dict) -> requests.Response:
    response = requests.get(server.url + "/", headers=headers, timeout=TIMEOUT)
    assert response.status_code == 200 and "Set-Cookie" in response.headers  # the session cookie
    return response


@pytest.mark.parametrize("claim", HTTPS_CLAIMS, ids=lambda claim: next(iter(claim)))
def test_a_client_on_the_laptop_cannot_claim_https_without_trust_proxy(untrusting_server, claim):
    response = start_page(untrusting_server, claim)
    assert "Strict-Transport-Security" not in response.headers
    assert "; secure" not in response.headers["Set-Cookie"].lower()


def test_the_proxys_https_is_believed_with_trust_proxy(trusting_server):
    response = start_page(trusting_server, {"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "; secure" in response.headers["Set-Cookie"].lower()
    plain = start_page(trusting_server, {})
    assert "Strict-Transport-Security" not in plain.headers
    assert "; secure" not in plain.headers["Set-Cookie"].lower()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("sizes")) as server:
        yield server
    fail_on_new_tracebacks()  # written while it stopped


def assert_the_apps_413_page(response: requests.Response) -> None:
    assert response.status_code == 413
    page = response.text
    assert '<html lang="nb">' in page and "Noe gikk galt" in page and "Tilbake til startsiden" in page
    assert "Request Entity Too Large" not in page


def test_a_too_large_answer_gets_the_apps_413_page_and_changes_nothing(server):
    facilitator = facilitator_session(server)
    code = create_run(server, facilitator)
    facilitator_action(server, facilitator, code, "open-all")
    phone = join_participant(server, code, "Bord 1")
    token = csrf_token(phone.get(f"{server.url}/r/{code}", timeout=TIMEOUT).text)
    response = phone.post(f"{server.url}/r/{code}/answer/needs",
                          data={"csrf_token": token, "entry": "x" * OVER_THE_SIZE_LIMIT}, timeout=TIMEOUT)
    assert_the_apps_413_page(response)
    # The same connection and session go on: a short answer is saved.
    saved = phone.post(f"{server.url}/r/{code}/answer/needs",
                       data={"csrf_token": token, "entry": "Kortere svar"}, timeout=TIMEOUT)
    assert saved.ok and "flash-ok" in saved.text
    facilitator.close()
    phone.close()


class SlowBody:
    """A request body sent at about `rate` bytes a second, with its length declared, the way
    a browser uploads a file over the venue's wifi."""

    def __init__(self, data: bytes, rate: float):
        self.data, self.rate = data, rate

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self):
        step = 64 * 1024
        for start in range(0, len(self.data), step):
            time.sleep(step / self.rate)
            yield self.data[start:start + step]


def test_a_too_large_file_still_arriving_gets_the_apps_413_page(server):
    facilitator = facilitator_session(server)
    token = csrf_token(facilitator.get(server.url + "/facilitator/", timeout=TIMEOUT).text)
    boundary = "workshop-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.yaml\"\r\n"
            "Content-Type: application/x-yaml\r\n\r\n").encode() \
        + b"# " + b"x" * 2_000_000 + f"\r\n--{boundary}--\r\n".encode()
    started = time.monotonic()
    # 2 MB at 0.6 MB/s: still sending well after gunicorn's keep-alive (2 s) would have cut it.
    response = facilitator.post(server.url + "/facilitator/templates", data=SlowBody(body, 600_000),
                                headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
                                timeout=TIMEOUT)
    assert time.monotonic() - started > 2.5
    assert_the_apps_413_page(response)
    # At once, not slowly: the page arrives too.
    quick = facilitator.post(server.url + "/facilitator/templates", data={"csrf_token": token},
                             files={"file": ("big.yaml", b"# " + b"x" * 2_000_000)}, timeout=TIMEOUT)
    assert_the_apps_413_page(quick)
    assert facilitator.get(server.url + "/facilitator/", timeout=TIMEOUT).status_code == 200
    facilitator.close()
