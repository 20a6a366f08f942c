"""Wording of refusals in the user's language. The domain names the rule; this says it."""

from __future__ import annotations

from flask_babel import gettext as _

from .domain.answers import AnswerError
from .domain.question_types import TYPES
from .domain.questions import localize


def _language() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale else "nb"


def answer_error_message(error: AnswerError) -> str:
    p = error.params
    messages = {
        "malformed": lambda: _("The answer could not be read. Reload the page and try again."),
        "unknown_question": lambda: _("This question does not exist in this workshop."),
        # An upvote keeps nothing earlier: "not counted" is said beside it on the phone.
        "closed": lambda: _("The question is closed.") if p.get("upvote")
        else _("This question is closed. Your earlier answer is kept."),
        "unknown_option": lambda: _("That choice is not one of the options."),
        "duplicate": lambda: _("The same option was chosen twice."),
        "no_write_in": lambda: _("This question does not take a written answer."),
        "exclusive": lambda: _("“%(option)s” stands alone: untick it, or untick the others.",
                               option=localize(p["label"], _language())) if p.get("label")
        else _("This option cannot be combined with any other."),
        "too_many": lambda: _("Too many answers: at most %(max)d.", max=p.get("max", 0)),
        "too_few": lambda: _("Choose at least %(min)d.", min=p.get("min", 1)),
        "not_text": lambda: _("The text holds characters that are not text (such as control "
                              "characters). Remove them and send again."),
        "too_long": lambda: _("The text is too long: at most %(max)d characters.", max=p.get("max", 0)),
        "empty": lambda: _("Write an answer before you send it."),
        "rank_missing": lambda: _("Fill in place %(rank)d: choose exactly %(ranks)d, ranked.",
                                  rank=p.get("rank", 1), ranks=p.get("ranks", 3)),
        "duplicate_rank": lambda: _("Each topic can only have one place in the ranking."),
        "rate_limited": lambda: _("Too many answers in a short time. Wait a moment and send again."),
        "not_joined": lambda: _("You are not part of this workshop. Open the join link again."),
        "place_missing": lambda: _("Choose a fruit for the goal you wrote about."),
        "points_number": lambda: _("Points must be whole numbers, 0 or more."),
        "over_budget": lambda: _("You gave %(total)d points; you have %(budget)d to spread.",
                                 total=p.get("total", 0), budget=p.get("budget", 100)),
        "own_idea": lambda: _("You cannot upvote your own idea."),
        "unknown_idea": lambda: _("That idea is no longer on the list."),
        "already_upvoted": lambda: _("You have already upvoted this idea."),
        # An answer the phone kept while offline, refused when it was sent later.
        "superseded": lambda: _("A newer answer of yours is already saved."),
        "run_ended": lambda: _("This workshop has ended or no longer exists."),
    }
    if error.code in messages:
        return messages[error.code]()
    for question_type in TYPES.values():  # a rule of one type, worded by its module
        if error.code in question_type.refusals:
            return _(question_type.refusals[error.code], **p)
    return messages["malformed"]()
