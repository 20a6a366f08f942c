"""Who is asking: the facilitator flag and the participants' tokens live in the signed session."""

from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, session, url_for
from flask_babel import gettext as _

from .models import Run


def is_facilitator() -> bool:
    return session.get("facilitator") is True


def sign_in_facilitator() -> None:
    session.clear()  # a fresh session on privilege change
    session["facilitator"] = True
    session.permanent = True


def facilitator_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not is_facilitator():
            return redirect(url_for("facilitator.login", next=request.path))
        return view(*args, **kwargs)

    return wrapper


def participant_token(run: Run) -> str | None:
    tokens = session.get("participants") or {}
    return tokens.get(run.code) if isinstance(tokens, dict) else None


def remember_participant(run: Run, token: str) -> None:
    tokens = dict(session.get("participants") or {})
    tokens[run.code] = token
    session["participants"] = tokens
    session.permanent = True


def run_or_404(code: str) -> Run:
    """The run a URL names, or a 404 that tells a participant to check the code."""
    from . import services

    run = services.runs.run_by_code(code)
    if run is None:
        abort(404, description=_("No workshop has this code. Check the code and try again."))
    return run
