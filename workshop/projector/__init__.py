"""The projector's pages: the current question and the board, for the room.
Every route is listed here."""

from __future__ import annotations

from flask import Blueprint

from . import routes


def blueprint() -> Blueprint:
    bp = Blueprint("projector", __name__, url_prefix="/projector")
    bp.add_url_rule("/<code>", view_func=routes.projector)
    bp.add_url_rule("/<code>/board", view_func=routes.board)
    bp.add_url_rule("/<code>/board/fragment", view_func=routes.board_fragment)
    bp.add_url_rule("/<code>/comparison.json", view_func=routes.comparison)
    return bp
