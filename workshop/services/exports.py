"""Exports: the run's answers, the groups' answers and the plan, as tables."""

from __future__ import annotations

from ..domain import exports
from ..models import Run
from .board import marked
from .plan import plan_rows
from .results import results
from .runs import questions_of
from .votes import answer_rows


def export_tables(run: Run, lang: str | None = None) -> dict:
    """The run's answers, the groups' answers and the plan, as pandas tables."""
    lang = lang or run.language
    questions = questions_of(run)
    hidden = marked(run, "hide")
    all_results = {q.id: results(run, q.id, lang) for q in questions}
    return {
        "answers": exports.answers_table(run.code, questions, answer_rows(run), hidden, lang,
                                       marked(run, "approve")),
        "groups": exports.groups_table(run.code, questions, all_results, lang),
        "plan": exports.plan_table(run.code, plan_rows(run, lang)),
    }
