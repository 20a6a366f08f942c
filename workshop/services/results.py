"""Results: each question's aggregate (shared between phones), and every question's board."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from sqlalchemy import bindparam, func, literal_column, null, select, union_all

from ..domain.aggregate import IdeaMarks
from ..domain.question_types import aggregate, build_board
from ..extensions import db
from ..models import Answer, BoardMark, Group, QuestionState, Run, Upvote
from .board import marked
from .joining import groups_of
from .runs import question_of, questions_of
from .votes import answer_rows


def results(run: Run, question_id: str, lang: str | None = None) -> dict:
    question = question_of(run, question_id)
    group_names = [g.name for g in groups_of(run)]
    return aggregate(question, answer_rows(run, question_id), lang or run.language, group_names,
                     hidden=marked(run, "hide", question_id),
                     ideas=idea_marks(run, question_id) if question.upvotes or question.moderated else None)


_shared_results: dict[tuple, tuple[tuple, dict]] = {}


def shared_results(run: Run, question_id: str, lang: str, version: tuple) -> dict:
    """results() for the many phones that fetch their page at the same moment (after a
    reveal, a whole hall at once): built once per change of what goes into them, then shared.
    The version (results_versions) is read from the database, so every process of a
    scale-out agrees with it. The dict is shared: read it, never change it."""
    key = (run.id, run.code, run.created_at, question_id, lang)
    cached = _shared_results.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    result = results(run, question_id, lang)
    _shared_results[key] = (version, result)
    return result


def _versions_statement():
    run_id = bindparam("run_id")

    def by_question(kind: str, model, *columns):
        return (select(literal_column(f"'{kind}'"), model.question_id, func.count(), *columns)
                .where(model.run_id == run_id).group_by(model.question_id))

    # Marks and upvotes are only added and removed, and each new one is later than every
    # other: no two different sets of them have the same count and newest time and id (the
    # id alone can come back: SQLite reuses the highest one once it is deleted).
    return union_all(
        by_question("answers", Answer, func.max(Answer.submitted_at), func.max(Answer.id)),
        by_question("marks", BoardMark, func.max(BoardMark.created_at), func.max(BoardMark.id)),
        by_question("upvotes", Upvote, func.max(Upvote.created_at), func.max(Upvote.id)),
        # The tables, not the participants: results list every table, and a phone that joins
        # without answering changes nothing else in them (each join rebuilt them for a whole
        # hall). Tables are only added (or all cleared with the questions' states).
        select(literal_column("'tables'"), null(), func.count(), null(), func.max(Group.id))
        .where(Group.run_id == run_id),
    )


# One statement, built once: every phone page of a hall that has just joined reads it.
_VERSIONS = _versions_statement()


class ResultsVersion(NamedTuple):
    """A summary of what one question's results are built from (results_versions)."""

    answers: tuple | None
    marks: tuple | None
    upvotes: tuple | None
    tables: tuple | None
    state: tuple


def results_versions(run: Run, states: Mapping[str, QuestionState]) -> dict[str, ResultsVersion]:
    """Per question, a summary of everything its results are built from: it changes
    whenever they would."""
    found: dict[tuple[str, str | None], tuple] = {}
    for kind, question_id, *summary in db.session.execute(_VERSIONS, {"run_id": run.id}):
        found[kind, question_id] = tuple(summary)
    tables = found.get(("tables", None))
    return {question_id: ResultsVersion(found.get(("answers", question_id)), found.get(("marks", question_id)),
                                        found.get(("upvotes", question_id)), tables,
                                        (state.opened_at, state.revealed))
            for question_id, state in states.items()}


def idea_marks(run: Run, question_id: str) -> IdeaMarks:
    votes: dict[str, set[str]] = {}
    rows = db.session.execute(
        select(Upvote.ref, Upvote.participant_id).filter_by(run_id=run.id, question_id=question_id)
    )
    for ref, participant_id in rows:
        votes.setdefault(ref, set()).add(str(participant_id))
    merged = dict(ref.split(">", 1) for ref in marked(run, "merge", question_id) if ">" in ref)
    return IdeaMarks(votes=votes, merged=merged, answered=marked(run, "answered", question_id),
                     approved=marked(run, "approve", question_id))


def boards(run: Run, lang: str | None = None) -> list[dict]:
    """Every question's board, in template order, with the facilitator's pins applied."""
    pins = marked(run, "pin")
    boards = []
    for question in questions_of(run):
        result = results(run, question.id, lang)
        boards.append(dict(build_board(question, result, pins), result=result))
    return boards
