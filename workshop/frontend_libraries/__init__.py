"""Front-end libraries from node_modules (installed by npm ci from package.json and its lockfile),
served locally. Nothing third-party is kept here: this module only maps a name to a file that the
set-up installs. (The blueprint keeps the name "vendor": its URLs are /vendor/<name>.)"""

from __future__ import annotations

import os

from flask import Blueprint, abort, send_file

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NODE_MODULES = os.path.join(REPOSITORY, "node_modules")
FILES = {
    "socket.io.min.js": "socket.io-client/dist/socket.io.min.js",
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
    "axe.min.js": "axe-core/axe.min.js",
}


def vendor_file(name: str):
    relative = FILES.get(name)
    if relative is None:
        abort(404)
    path = os.path.join(NODE_MODULES, relative)
    if not os.path.exists(path):
        abort(404, description="Front-end libraries are missing: run the set-up command (npm ci).")
    return send_file(path, mimetype="text/javascript", max_age=3600)


def blueprint() -> Blueprint:
    bp = Blueprint("vendor", __name__)
    bp.add_url_rule("/vendor/<name>", view_func=vendor_file)
    return bp
