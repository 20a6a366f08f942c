"""The join link phones can reach, for the page being requested (projector, run page, QR).

The facilitator's choice among this machine's addresses is stored in the database (a Setting),
so every process of the installation and a restart show the same link.
"""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import Setting
from .netaddress import JoinBase, pick_join_base, reachable_addresses

CHOICE_SETTING = "join_address"


def chosen_address() -> str | None:
    setting = db.session.get(Setting, CHOICE_SETTING)
    return setting.value if setting else None


def join_base() -> JoinBase:
    """Where phones join, for the current request."""
    config = current_app.config
    addresses, listening_on_loopback = reachable_addresses(
        config["LISTEN_HOST"], config["JOIN_ADDRESSES"], config["DISCOVER_ADDRESSES"])
    return pick_join_base(
        scheme=request.scheme, request_host=request.host, public_url=config["PUBLIC_URL"],
        addresses=addresses, chosen=chosen_address(), listening_on_loopback=listening_on_loopback)


def join_url(run, base: JoinBase | None = None) -> str:
    base = base or join_base()
    return base.url + url_for("participant.join", code=run.code)


def warning(base: JoinBase) -> str | None:
    """What the facilitator must know when no phone can open the link, else None."""
    if base.source == "listening-loopback":
        return _("Phones cannot reach this address: the server listens on %(host)s only. "
                 "Start it with WORKSHOP_HOST=0.0.0.0 (the default), or set WORKSHOP_PUBLIC_URL "
                 "behind a proxy.", host=current_app.config["LISTEN_HOST"])
    if base.source == "loopback":
        return _("Phones cannot reach this address: it only works on this computer. Connect "
                 "the computer to the network the participants use, then reload this page.")
    return None


def choose(address: str) -> bool:
    """Use `address` for the join link from now on, if it is one of this machine's; False
    (and nothing changes) when it is not."""
    if address not in join_base().choices:
        return False
    setting = db.session.get(Setting, CHOICE_SETTING) or Setting(key=CHOICE_SETTING)
    setting.value = address
    db.session.add(setting)
    try:
        db.session.commit()
    except IntegrityError:  # another process stored a choice at the same moment
        db.session.rollback()
        setting = db.session.get(Setting, CHOICE_SETTING)
        setting.value = address
        db.session.commit()
    return True
