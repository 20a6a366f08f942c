"""Simulated participants for a rehearsal: plausible answers drawn with a seed.

The answers come from the template's own options (and its option labels as free texts), so a
rehearsal looks like the real room will, in either language."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .question_types import plausible_fields
from .questions import Question, WorkshopTemplate, localize


@dataclass(frozen=True)
class SimulatedVote:
    participant: int  # index of the simulated participant
    question: str
    fields: dict[str, list[str]]


def sample_texts(template: WorkshopTemplate, lang: str) -> list[str]:
    texts = [localize(o.label, lang) for q in template.questions for o in q.options]
    return texts or [localize(template.title, lang)]


def simulated_votes(
    questions: list[Question], participants: int, seed: int, texts: list[str],
    change_rate: float = 0.2, groups: int = 1, agreement: float = 0.7,
) -> list[SimulatedVote]:
    """Every participant answers every question; some change their mind once, later.

    Participant p sits at table p % groups; people at one table mostly agree (they discussed
    it), so with probability `agreement` a participant gives the table's answer."""
    rng = random.Random(seed)
    table_answers = {(g, q.id): plausible_fields(q, rng, texts) for g in range(groups) for q in questions}
    votes = [
        SimulatedVote(p, q.id, table_answers[(p % groups, q.id)] if rng.random() < agreement
                      else plausible_fields(q, rng, texts))
        for q in questions for p in range(participants)
    ]
    rng.shuffle(votes)
    changes = [SimulatedVote(v.participant, v.question,
                             plausible_fields(next(q for q in questions if q.id == v.question), rng, texts))
               for v in votes if rng.random() < change_rate]
    return votes + changes
