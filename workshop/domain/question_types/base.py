"""What every question type implements: one small interface, so a type is one unit."""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Collection, Mapping
from typing import ClassVar

import pandas as pd

from ..aggregate import IdeaMarks
from ..answers import AnswerItem
from ..questions import N_, Checker, Option, Question, identifier, localize, option_to_dict, parse_options

Fields = dict[str, list[str]]


def parse_items(check: Checker, raw: Mapping) -> tuple[tuple[Option, ...], str | None, int]:
    """The items a question rates or places: fixed in the file (`options`), or the `top` answers
    of an earlier question (`items_from`), taken when the question is opened. Shared by the
    types that work on items (the fruit board, the risk matrix, the benefits map)."""
    options: tuple[Option, ...] = ()
    items_from = identifier(raw.get("items_from"))
    if raw.get("items_from") is None:
        options = parse_options(check, raw.get("options"))
    elif items_from is None:
        check.problem("items_from", N_("must be the id of an earlier question"))
    elif "options" in raw:
        check.problem("options", N_("give either options or items_from, not both"))
    return options, items_from, check.integer(raw, "top", 8, 1, 20)


def items_to_dict(question: Question, data: dict) -> dict:
    """The inverse of parse_items, into a run's stored snapshot."""
    data["top"] = question.top
    if question.items_from:
        data["items_from"] = question.items_from
    else:
        data["options"] = [option_to_dict(o) for o in question.options]
    return data


class QuestionType(ABC):
    """A question type: how it is read from a workshop file, how its answer is checked, shown
    again in the phone's form, simulated for a rehearsal, aggregated, laid out on the board
    and exported. Each type lives in its own module of this package."""

    name: ClassVar[str]
    file_keys: ClassVar[frozenset[str]]  # the keys of a workshop file's question it reads
    gives_items: ClassVar[bool] = False  # its top answers can be a fruit board's items
    # What a figure beside another run's means (comparison_rows' "value"), as a message id.
    comparison_measure: ClassVar[str] = N_("share of the answers")
    # The type's own refusals: AnswerError code -> message id (N_) with %(name)s params; the
    # web layer translates them (messages.answer_error_message), so a type adds a rule alone.
    refusals: ClassVar[dict[str, str]] = {}
    proposes_plan_items: ClassVar[bool] = False  # plan_proposals gives the plan's first goals

    @abstractmethod
    def parse(self, question_checker: Checker, raw: Mapping, common: dict) -> Question:
        """The question from its part of a workshop file: `common` holds what every question
        has (id, type, text, ...); problems go to the checker, with their field."""

    @abstractmethod
    def to_dict(self, question: Question, data: dict) -> dict:
        """The inverse of parse: this type's keys added to `data` (a run's stored snapshot)."""

    @abstractmethod
    def check_answer(self, question: Question, fields: Mapping[str, list[str]]) -> list[AnswerItem]:
        """The answer's items, or raise AnswerError naming the broken rule."""

    @abstractmethod
    def form_fields(self, question: Question, items: list[AnswerItem]) -> Fields:
        """The inverse of check_answer: the phone's form filled with an answer."""

    @abstractmethod
    def simulated_fields(self, question: Question, rng: random.Random, texts: list[str]) -> Fields:
        """A plausible answer for a rehearsal, drawn with `rng`, that check_answer accepts."""

    @abstractmethod
    def aggregate(self, question: Question, df: pd.DataFrame, result: dict, lang: str,
                  ideas: IdeaMarks | None) -> dict:
        """Fill `result` (aggregate.common_result: respondents, groups) with this type's
        results, overall and per group (each group's "answer"), from the answers' frame."""

    @abstractmethod
    def board(self, question: Question, result: dict, board: dict, pinned: Collection[str]) -> dict:
        """Fill the discussion board's part for this question (board.new_board) from its
        result: the groups' answers side by side, pinned ones first."""

    @abstractmethod
    def phone_view(self, question: Question, fields: Mapping[str, list[str]], lang: str) -> dict:
        """What the phone's form of this type shows (its partial
        templates/question_types/<name>/phone.html), filled with `fields`."""

    def answer_text(self, question: Question, item: AnswerItem, lang: str) -> str:
        """One item of an answer as the phone lists it under "Your answer"."""
        option = question.option(item.option) if item.option else None
        return localize(option.label, lang) if option else (item.text or "")

    def export_text(self, question: Question, row: Mapping, lang: str) -> str:
        """The answer_text column of the answers export for one answer row."""
        option = question.option(row["option"]) if row.get("option") else None
        return localize(option.label, lang) if option else (row.get("text") or "")

    def export_place(self, question: Question, row: Mapping, lang: str) -> str:
        """The place column of the answers export: where an item was put (a box, a cell)."""
        return row.get("place") or ""

    def plan_proposals(self, question: Question, result: dict) -> list[dict]:
        """Items this type's result proposes for the follow-up plan, most pressing first:
        [{"key": option key, "label": ...}]; the plan's draft takes them before the others."""
        return []

    def export_report(self, question: Question, row: Mapping, lang: str) -> str:
        """The report_text column of the answers export: a line written beside a placed item
        (the fruit board's how/what to report), kept apart from the answer itself."""
        return ""

    def comparison_rows(self, question: Question, result: dict) -> list[dict]:
        """The figures of a result that can stand beside another run's: one row per option
        of the file ("key", "label", "value" a share from 0 to 1, "place" a text or None,
        "tie" when the room was level between places).
        Only what the room as a whole gave, never one person's words: written-in options
        are left out."""
        return [{"key": o["key"], "label": o["label"], "value": o["share"], "place": None, "tie": False}
                for o in result.get("options", []) if not o.get("write_in")]
