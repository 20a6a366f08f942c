"""Simulated participants for a rehearsal: plausible answers drawn with a seed.

The answers come from the template's own options (and its option labels as free texts), so a
rehearsal looks like the real room will, in either language."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .answers import WRITE_IN
from .templates import Question, WorkshopTemplate, localize


@dataclass(frozen=True)
class SimulatedVote:
    participant: int  # index of the simulated participant
    question: str
    fields: dict[str, list[str]]


def sample_texts(template: WorkshopTemplate, lang: str) -> list[str]:
    texts = [localize(o.label, lang) for q in template.questions for o in q.options]
    return texts or [localize(template.title, lang)]


def plausible_fields(question: Question, rng: random.Random, texts: list[str]) -> dict[str, list[str]]:
    if question.type == "choice":
        exclusive = [o.id for o in question.options if o.exclusive]
        if exclusive and rng.random() < 0.15:
            return {"option": [rng.choice(exclusive)]}
        pool = [o.id for o in question.options if not o.exclusive]
        low = max(question.min_choices, 1)
        high = max(low, min(question.max_choices, len(pool), 5))
        chosen = rng.sample(pool, rng.randint(low, high))
        fields = {"option": chosen}
        if question.write_in and rng.random() < 0.15 and len(chosen) < question.max_choices:
            fields["write_in"] = [rng.choice(texts)[: question.max_length]]
        return fields
    if question.type == "ranked":
        picks = rng.sample([o.id for o in question.options], question.ranks)
        fields = {f"rank_{n}": [option] for n, option in enumerate(picks, start=1)}
        if question.write_in and rng.random() < 0.1:
            fields[f"rank_{question.ranks}"] = [WRITE_IN]
            fields[f"rank_{question.ranks}_text"] = [rng.choice(texts)[: question.max_length]]
        return fields
    if question.type == "fruit":
        boxes = [q.id for q in question.quadrants]
        fields: dict[str, list[str]] = {}
        for n, _option in enumerate(question.options, start=1):
            if rng.random() < 0.9:
                fields[f"place_{n}"] = [rng.choice(boxes)]
                if rng.random() < 0.3:
                    fields[f"report_{n}"] = [rng.choice(texts)[: question.max_length]]
        return fields or {"place_1": [boxes[0]]}
    count = rng.randint(1, min(2, question.max_entries))
    return {"entry": [rng.choice(texts)[: question.max_length] for _ in range(count)]}


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
