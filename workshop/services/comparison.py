"""This run beside the earlier runs of the same workshop file: the picked ones one by one, and
all of them pooled. Runs that were left out of comparisons, or deleted, are never in one."""

from __future__ import annotations

from collections.abc import Collection

from flask_babel import force_locale, gettext
from sqlalchemy import select

from ..domain import exports
from ..domain.comparison import RunAnswers, compare, pooled
from ..domain.questions import Question, localize
from ..extensions import db
from ..models import Run, Setting
from .joining import groups_of
from .results import results
from .runs import question_of, questions_of
from .votes import answer_rows


def earlier_runs(run: Run) -> list[Run]:
    """The runs of the same workshop file made before this one that may be compared, newest
    first. The file's id, not its text: a later edit that keeps the ids still compares."""
    return list(db.session.scalars(
        select(Run).where(Run.template_id == run.template_id, Run.id < run.id, Run.in_comparisons)
        .order_by(Run.id.desc())))


def _picks_key(run: Run) -> str:
    return f"comparison:{run.code}"


def projected_picks(run: Run) -> list[str]:
    """The earlier runs the facilitator last put on the projector beside this one."""
    setting = db.session.get(Setting, _picks_key(run))
    return setting.value.split(",") if setting and setting.value else []


def project(run: Run, picked: Collection[str]) -> None:
    """Keep which earlier runs the projector shows beside this one (only runs that can be
    compared), for the comparison step; the caller then shows the step (services.steps)."""
    comparable = {r.code for r in earlier_runs(run)}
    setting = db.session.get(Setting, _picks_key(run)) or Setting(key=_picks_key(run))
    setting.value = ",".join(code for code in picked if code in comparable)
    db.session.add(setting)
    db.session.commit()


def set_in_comparisons(run: Run, included: bool) -> None:
    run.in_comparisons = included
    db.session.commit()


def _same_question(run: Run, question: Question) -> Question | None:
    """The run's own question with that id, if it is of the same type."""
    theirs = question_of(run, question.id)
    return theirs if theirs is not None and theirs.type == question.type else None


def comparison(run: Run, picked: Collection[str] = (), lang: str | None = None) -> dict:
    """Per question of this run: its figures, each picked earlier run's and all earlier runs'
    pooled. Columns are {"kind": this | run | pooled, "code", "created_at", "runs"}."""
    lang = lang or run.language
    earlier = earlier_runs(run)
    chosen = [r for r in earlier if r.code in set(picked)]
    columns = [{"kind": "this", "code": run.code, "created_at": run.created_at, "runs": 1}]
    columns += [{"kind": "run", "code": r.code, "created_at": r.created_at, "runs": 1} for r in chosen]
    if earlier:
        columns.append({"kind": "pooled", "code": "", "created_at": None, "runs": len(earlier)})
    tables = {r.code: [g.name for g in groups_of(r)] for r in earlier}  # read once, not per question
    questions = []
    for question in questions_of(run):
        figures: list[dict | None] = [results(run, question.id, lang)]
        figures += [results(r, question.id, lang) if _same_question(r, question) else None for r in chosen]
        if earlier:
            answered = [RunAnswers(r.code, answer_rows(r, question.id), tables[r.code])
                        for r in earlier if _same_question(r, question)]
            figures.append(pooled(question, answered, lang) if answered else None)
        questions.append(dict(compare(question, figures), text=localize(question.text, lang)))
    return {"code": run.code, "columns": columns, "questions": questions,
            "earlier": [{"code": r.code, "created_at": r.created_at, "picked": r in chosen} for r in earlier]}


def csv_file(run: Run, picked: Collection[str] = (), sep: str = ";", headers: str = "labels") -> bytes:
    table = exports.comparison_table(comparison(run, picked))
    if headers == "labels":
        with force_locale(run.language):
            table = exports.headed(table, gettext)
    return exports.to_csv(table, sep=sep)
