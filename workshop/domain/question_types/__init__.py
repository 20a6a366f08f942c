"""The registry of question types. A type is one module here; code outside the registry and
the types' own files asks the registry, never branches on a type's name."""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Mapping

from ..aggregate import IdeaMarks, answers_frame, common_result
from ..answers import AnswerItem
from ..board import new_board
from ..questions import Question
from .base import Fields, QuestionType
from .benefits import Benefits
from .choice import Choice
from .fruit import Fruit
from .points import Points
from .ranked import Ranked
from .risk import Risk
from .text import Text

TYPES: dict[str, QuestionType] = {
    t.name: t for t in (Choice(), Ranked(), Text(), Fruit(), Points(), Risk(), Benefits())}


def type_of(question: Question) -> QuestionType:
    return TYPES[question.type]


def validate_answer(question: Question, fields: Mapping[str, list[str]]) -> list[AnswerItem]:
    """Return the answer's items, or raise AnswerError naming the broken rule. The same
    check serves a form POST and a Socket.IO vote."""
    return type_of(question).check_answer(question, fields)


def fields_from_items(question: Question, items: list[AnswerItem]) -> Fields:
    """The phone's form filled with the participant's current answer."""
    return type_of(question).form_fields(question, items)


def plausible_fields(question: Question, rng: random.Random, texts: list[str]) -> Fields:
    return type_of(question).simulated_fields(question, rng, texts)


def aggregate(
    question: Question, rows: Iterable[dict], lang: str = "nb", groups: Iterable[str] = (),
    hidden: Collection[str] = frozenset(), ideas: IdeaMarks | None = None,
) -> dict:
    """Results of one question, overall and per group. Written texts whose entry_ref is in
    `hidden` are left out."""
    df = answers_frame(rows, hidden)
    result = common_result(question.id, question.type, df, groups)
    return type_of(question).aggregate(question, df, result, lang, ideas)


def build_board(question: Question, result: dict, pinned: Collection[str] = ()) -> dict:
    """The question's part of the discussion board, with the facilitator's pins applied."""
    return type_of(question).board(question, result, new_board(question, result), pinned)


__all__ = ["aggregate", "build_board", "TYPES", "QuestionType", "fields_from_items", "plausible_fields", "type_of",
           "validate_answer"]
