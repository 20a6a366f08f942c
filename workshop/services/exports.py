"""Exports: the run's answers, the groups' answers and the plan, as tables and as the files
people open (CSV, one Excel workbook, the plan as a Word document)."""

from __future__ import annotations

import pandas as pd
from flask_babel import force_locale, gettext

from ..domain import exports
from ..models import Run
from .board import marked
from .plan import plan_docx, plan_rows, plan_suggestions
from .results import results
from .runs import questions_of
from .votes import answer_rows

TABLES = ("answers", "groups", "plan")
# "labels": headers a person reads, in the run's language (the default of every file);
# "keys": the tables' stable machine names, for scripts that read the files.
HEADERS = ("labels", "keys")


def export_tables(run: Run, lang: str | None = None, headers: str = "keys",
                  only: tuple[str, ...] = TABLES) -> dict[str, pd.DataFrame]:
    """The run's answers, the groups' answers and the plan, as pandas tables (`only` those
    named: one CSV does not aggregate every question for the tables it does not hold)."""
    lang = lang or run.language
    questions = questions_of(run)
    build = {
        "answers": lambda: exports.answers_table(run.code, questions, answer_rows(run), marked(run, "hide"),
                                                 lang, marked(run, "approve")),
        "groups": lambda: exports.groups_table(run.code, questions,
                                               {q.id: results(run, q.id, lang) for q in questions}, lang),
        "plan": lambda: exports.plan_table(run.code, plan_rows(run, lang)),
    }
    tables = {name: build[name]() for name in TABLES if name in only}
    if headers == "labels":
        with force_locale(lang):
            tables = {name: exports.headed(frame, gettext) for name, frame in tables.items()}
    return tables


def csv_file(run: Run, table: str, sep: str = ";", headers: str = "labels") -> bytes:
    return exports.to_csv(export_tables(run, headers=headers, only=(table,))[table], sep=sep)


def workbook(run: Run, headers: str = "labels", tables: dict[str, pd.DataFrame] | None = None) -> bytes:
    """One workbook, a sheet per table; with labels the sheets are named in the run's language."""
    tables = tables or export_tables(run, headers=headers)
    if headers == "labels":
        with force_locale(run.language):
            tables = {gettext(exports.SHEET_LABELS[name]): frame for name, frame in tables.items()}
    return exports.to_xlsx(tables)


def files(run: Run, sep: str = ";", headers: str = "labels") -> dict[str, bytes]:
    """Every export file of the run by its file name, as `workshop export` writes them."""
    tables = export_tables(run, headers=headers)
    written = {f"{run.code}-{name}.csv": exports.to_csv(frame, sep=sep) for name, frame in tables.items()}
    written[f"{run.code}.xlsx"] = workbook(run, headers, tables)
    if plan_suggestions(run) is not None:
        written[f"{run.code}-plan.docx"] = plan_docx(run)
    return written
