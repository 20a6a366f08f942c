"""Browser tests: headless Debian Chromium through pytest-playwright, against the real server.

Playwright's own browser download is not used: the launch points at Debian's `chromium`
(override with WORKSHOP_CHROMIUM). The server is `workshop serve` on a free 127.0.0.1 port
(tests/serverproc.py), one per test module.
"""

from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import expect

from ..serverproc import facilitator_session, fail_on_new_tracebacks, running_server

CHROMIUM = os.environ.get("WORKSHOP_CHROMIUM", "/usr/bin/chromium")
TIMEOUT_MS = 5_000  # every Playwright wait; the whole module stays well under a minute

# Pages only talk to 127.0.0.1: nothing of Chromium's own phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Records what each page's Socket.IO client receives and which emits were acknowledged, so a
# test can tell a live push from a reload and wait until the server has put the page in its
# room. Installed before the page's scripts; socket.io.min.js assigns `window.io`.
SOCKET_PROBE = """
(() => {
  const probe = window.__probe = { sockets: [], events: [], acks: [] };
  let real = null;
  function wrapped() {
    const socket = real.apply(this, arguments);
    probe.sockets.push(socket);
    socket.onAny((name) => probe.events.push(name));
    const emit = socket.emit;
    socket.emit = function (name) {
      const args = Array.prototype.slice.call(arguments);
      const last = args[args.length - 1];
      if (typeof last === "function") {
        args[args.length - 1] = function () { probe.acks.push(name); return last.apply(this, arguments); };
      }
      return emit.apply(this, args);
    };
    return socket;
  }
  Object.defineProperty(window, "io", {
    configurable: true,
    get() { return real && wrapped; },
    set(value) { real = value; },
  });
})();
"""


def pytest_collection_modifyitems(items):
    if not shutil.which(CHROMIUM):
        skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (scripts/test installs Debian's)")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session", autouse=True)
def _short_expect_timeout():
    expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(autouse=True)
def no_traceback_in_server_logs():
    """Each test fails when the server behind its pages wrote a Python traceback to its log
    (a page that got a 500, an event left unanswered), even when the page looked right."""
    yield
    fail_on_new_tracebacks()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    # The machine's network address, as the room would see it (a documentation address: the
    # tests stay on loopback), so the projector shows a join link and no warning.
    with running_server(tmp_path_factory.mktemp("browser-server"),
                        extra_env={"WORKSHOP_JOIN_ADDRESSES": "192.0.2.10"}) as server:
        yield server
    fail_on_new_tracebacks()  # written while it stopped


@pytest.fixture
def facilitator(live_server):
    """A signed-in facilitator over HTTP (requests)."""
    return facilitator_session(live_server)


@pytest.fixture
def open_context(new_context):
    """A browser context with short timeouts and the Socket.IO probe."""
    def make(**kwargs):
        context = new_context(**kwargs)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.add_init_script(SOCKET_PROBE)
        return context
    return make


@pytest.fixture
def phone(open_context):
    """A participant's phone: a small touch screen."""
    context = open_context(viewport={"width": 360, "height": 740}, device_scale_factor=2,
                           is_mobile=True, has_touch=True)
    return context.new_page()


@pytest.fixture
def projector(open_context, live_server, facilitator):
    """The facilitator's laptop on the big screen, signed in with the facilitator's cookies."""
    context = open_context(viewport={"width": 1280, "height": 720})
    context.add_cookies([{"name": c.name, "value": c.value, "url": live_server.url}
                         for c in facilitator.cookies])
    return context.new_page()
