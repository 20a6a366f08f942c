"""The participant's pages: joining, the questions, answering, and the shared board and plan.
Every route is listed here."""

from __future__ import annotations

from flask import Blueprint

from . import routes


def blueprint() -> Blueprint:
    bp = Blueprint("participant", __name__)
    bp.add_url_rule("/", view_func=routes.index, methods=["GET", "POST"])
    bp.add_url_rule("/j/<code>", view_func=routes.join, methods=["GET", "POST"])
    bp.add_url_rule("/r/<code>", view_func=routes.run_page)
    bp.add_url_rule("/r/<code>/questions", view_func=routes.questions_fragment)
    bp.add_url_rule("/r/<code>/answer/<question_id>", view_func=routes.answer, methods=["POST"])
    # The phone's script sends an answer here when its Socket.IO connection is down (offline.js).
    bp.add_url_rule("/r/<code>/vote", view_func=routes.vote, methods=["POST"])
    # The phone page's service worker: at /r/ so that its scope covers every run's page.
    bp.add_url_rule("/r/sw.js", view_func=routes.service_worker)
    bp.add_url_rule("/r/<code>/upvote/<question_id>", view_func=routes.upvote, methods=["POST"])
    bp.add_url_rule("/lang/<lang>", view_func=routes.set_language, methods=["POST"])
    bp.add_url_rule("/r/<code>/board", view_func=routes.board)
    bp.add_url_rule("/r/<code>/board/fragment", view_func=routes.board_fragment)
    bp.add_url_rule("/r/<code>/plan", view_func=routes.plan)
    return bp
