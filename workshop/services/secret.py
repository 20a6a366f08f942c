"""The facilitator's secret: stored as a hash, checked at sign-in, reset from the command line."""

from __future__ import annotations

import secrets

from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Setting

SECRET_KEY_SETTING = "facilitator_secret_hash"


def ensure_facilitator_secret(from_environment: str | None) -> str | None:
    """Store the secret's hash. Returns a newly generated secret (to print once), else None."""
    current = db.session.get(Setting, SECRET_KEY_SETTING)
    if from_environment:
        if current is None or not check_password_hash(current.value, from_environment):
            _store_secret_hash(from_environment)
        return None
    if current is not None:
        return None
    secret = generate_secret()
    _store_secret_hash(secret)
    return secret


def generate_secret() -> str:
    return secrets.token_urlsafe(12)


def reset_facilitator_secret() -> str:
    secret = generate_secret()
    _store_secret_hash(secret)
    return secret


def _store_secret_hash(secret: str) -> None:
    setting = db.session.get(Setting, SECRET_KEY_SETTING) or Setting(key=SECRET_KEY_SETTING)
    setting.value = generate_password_hash(secret)
    db.session.add(setting)
    try:
        db.session.commit()
    except IntegrityError:  # another process stored one at the same moment: keep theirs
        db.session.rollback()


def check_facilitator_secret(given: str) -> bool:
    setting = db.session.get(Setting, SECRET_KEY_SETTING)
    return bool(given) and setting is not None and check_password_hash(setting.value, given)
