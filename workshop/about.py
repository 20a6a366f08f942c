"""Pages about the app itself: the accessibility statement (linked from every page) and the icon.

Norwegian public bodies must publish an accessibility statement (tilgjengelighetserklæring)
for the web solutions they use; this page says what the app's own tests check, as the
material for it, and where the organisation running the app is reached
(WORKSHOP_ACCESSIBILITY_CONTACT).
"""

from __future__ import annotations

import json
import os
import re
from functools import cache

from flask import Blueprint, current_app, render_template, send_from_directory

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@cache
def axe_version() -> str | None:
    """The axe-core the accessibility tests run (package.json pins it exactly)."""
    try:
        with open(os.path.join(ROOT, "package.json"), encoding="utf-8") as handle:
            return json.load(handle)["devDependencies"]["axe-core"]
    except (OSError, ValueError, KeyError):
        return None


def contact_link(contact: str) -> dict | None:
    """The configured contact as the page shows it: a link when it is an e-mail or web address."""
    if not contact:
        return None
    if _EMAIL.match(contact):
        return {"text": contact, "href": "mailto:" + contact}
    if web_address(contact):
        return {"text": contact, "href": contact}
    return {"text": contact, "href": None}


def web_address(text: str) -> bool:
    return bool(re.match(r"^https?://[^\s/]+", text))


def accessibility_statement():
    config = current_app.config
    statement_url = config["ACCESSIBILITY_STATEMENT_URL"]
    return render_template(
        "accessibility.html", checker=" ".join(filter(None, ["axe-core", axe_version()])),
        contact=contact_link(config["ACCESSIBILITY_CONTACT"]),
        statement_url=statement_url if web_address(statement_url) else None,
    )


def favicon():
    # Asked for by browsers and tools that do not read the page's <link rel="icon">.
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/x-icon",
                               max_age=86400)


def blueprint() -> Blueprint:
    bp = Blueprint("about", __name__)
    bp.add_url_rule("/tilgjengelighetserklaering", view_func=accessibility_statement)
    bp.add_url_rule("/favicon.ico", view_func=favicon)
    return bp
