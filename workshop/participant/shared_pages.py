"""The pages every phone of a run is shown alike, rendered once per change and filled in per phone.

A hall joins within a minute of the QR code going up, and each phone's join page, and its
questions page until it answers, is the same as every other's but for a few values: its
table, its name, its pseudonym and its CSRF token. Rendering them for each phone was most of
a join's CPU (benchmarks/README.md, joins). Here such a page is rendered once with a marker
in each of those slots and kept per process, with a version of everything it shows (read from
the database on every request, so every process of a scale-out agrees with it); a phone gets
the kept page with its own values in the slots, escaped as the template would have escaped
them. Anything else (an answer or upvote of the phone's own, a flashed message, a query
string) is rendered as before.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app, g, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from ..domain.text import displayable
from ..presenter import current_language

# Random per process: no text a participant types can be mistaken for a slot.
_MARK = "slot" + secrets.token_hex(8)
CSRF = "csrf"  # the slot of the phone's CSRF token, in its forms and the language switch
_KEPT = 256  # pages kept per process: a few per run and language


def marker(slot: str) -> str:
    """What a page is rendered with where `slot`'s value goes."""
    return f"{_MARK}{slot}."


class _SlottedPage:
    """A rendered page cut at its markers: the literal parts, and the slot between each two."""

    _pattern = re.compile(re.escape(_MARK) + r"([a-z_]+)\.")

    def __init__(self, html: str) -> None:
        pieces = self._pattern.split(html)
        self.parts, self.slots = pieces[0::2], pieces[1::2]

    def intact(self, slots: set[str]) -> bool:
        """Only known slots, and no marker left altered: a template that changed a value (made
        it upper case, cut it) would show the marker instead of the phone's value."""
        return set(self.slots) <= slots and not any(_MARK[:12].casefold() in p.casefold() for p in self.parts)

    def fill(self, values: dict[str, str]) -> str:
        out = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:], strict=True):
            out += (values[slot], part)
        return "".join(out)


class _Kept:
    """The pages one app keeps (in its extensions: apps of one process keep their own)."""

    def __init__(self) -> None:
        self.pages: OrderedDict[tuple, tuple[object, _SlottedPage]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple, version: object) -> _SlottedPage | None:
        kept = self.pages.get(key)
        return kept[1] if kept is not None and kept[0] == version else None

    def put(self, key: tuple, version: object, page: _SlottedPage) -> None:
        with self.lock:
            self.pages[key] = (version, page)
            self.pages.move_to_end(key)
            while len(self.pages) > _KEPT:
                self.pages.popitem(last=False)


def _kept() -> _Kept:
    kept = current_app.extensions.get("workshop.shared_pages")
    if kept is None:
        kept = current_app.extensions["workshop.shared_pages"] = _Kept()
    return kept


def shareable() -> bool:
    """Whether this request's page may be the shared one: no message flashed for this phone
    alone, no query string (the language switch sends the page's own address back)."""
    return "_flashes" not in session and not request.query_string


def render(key: tuple, version: object, build: Callable[[], str], values: dict[str, str]) -> str | None:
    """The page `key` names as of `version` (a value equal exactly when the page would be),
    with `values` in its slots (plain text, escaped here), and this request's CSRF token in
    the CSRF slot. `build()` renders it with
    marker(slot) in each slot, whenever `version` changed. None when the page cannot be
    shared (a template that alters a slot): the caller renders it for this phone."""
    key = (*key, current_language(), request.script_root, request.path)
    kept = _kept()
    page = kept.get(key, version)
    if page is None:
        page = _SlottedPage(_rendered_with_csrf_marker(build))
        if not page.intact({*values, CSRF}):
            current_app.logger.warning("page %s: a slot is missing or altered, not shared", key[0])
            return None
        kept.put(key, version, page)
    filled = {slot: str(escape(displayable(value))) for slot, value in values.items()}
    filled[CSRF] = str(escape(generate_csrf()))
    return page.fill(filled)


def _rendered_with_csrf_marker(build: Callable[[], str]) -> str:
    # Flask-WTF keeps the request's signed token in g, and every form and csrf_token() of
    # the page reads it from there (flask_wtf.csrf.generate_csrf).
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    own = g.pop(field, None)
    setattr(g, field, marker(CSRF))
    try:
        return build()
    finally:
        g.pop(field, None)
        if own is not None:
            setattr(g, field, own)
