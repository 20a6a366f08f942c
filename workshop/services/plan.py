"""The starter follow-up plan: drafted from the results, edited by the facilitator."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import changes
from ..domain import plan as plan_domain
from ..extensions import db
from ..models import Plan, Run
from ..templates_io import load_plan_suggestions
from .results import results
from .runs import template_of


def plan_suggestions(run: Run) -> dict | None:
    return load_plan_suggestions(current_app.config["QUESTIONS_DIR"], run.template_id)


def draft_plan_goals(run: Run, count: int | None = None) -> list[dict]:
    """A draft from the results: the goals most groups chose, not put among the goals to stop."""
    suggestions = plan_suggestions(run)
    if suggestions is None:
        return []
    template = template_of(run)
    lang = run.language

    def result_of(key: str) -> dict | None:
        question_id = suggestions.get(key)
        return results(run, question_id, lang) if template.question(question_id or "") else None

    fruit_results = result_of("fruit_question")
    fruit_labels = {q["id"]: q["label"] for q in (fruit_results or {}).get("quadrants", [])}
    ranked = plan_domain.rank_goals(result_of("goals_question") or {"groups": [], "options": []},
                                    fruit_results, suggestions.get("skip_fruits", []))
    category = plan_domain.top_category(result_of("categories_question"), suggestions)
    return plan_domain.draft_plan(ranked, category, suggestions, lang, fruit_labels, count)


def plan_of(run: Run) -> Plan:
    plan = db.session.execute(select(Plan).filter_by(run_id=run.id)).scalar_one_or_none()
    if plan is None:
        plan = Plan(run_id=run.id, goals=draft_plan_goals(run))
        db.session.add(plan)
        try:
            db.session.commit()
        except IntegrityError:  # drafted by another request at the same moment
            db.session.rollback()
            plan = db.session.execute(select(Plan).filter_by(run_id=run.id)).scalar_one()
    return plan


def save_plan(run: Run, goals: list[dict]) -> None:
    plan = plan_of(run)
    plan.goals = goals
    db.session.commit()
    changes.board_changed.send(run.id)


def redraft_plan(run: Run, count: int | None = None) -> None:
    save_plan(run, draft_plan_goals(run, count))


def plan_rows(run: Run, lang: str | None = None) -> list[dict]:
    suggestions = plan_suggestions(run) or {}
    return plan_domain.plan_rows(plan_of(run).goals, suggestions, lang or run.language)
