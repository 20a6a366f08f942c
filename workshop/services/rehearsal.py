"""Rehearsal: simulated participants answering through the same path as phones."""

from __future__ import annotations

from ..domain.questions import Question
from ..domain.simulate import sample_texts, simulated_votes
from ..models import Run
from .exercise import open_all, open_question
from .joining import join_run
from .moderation import approve_all
from .runs import question_of, question_states, questions_of, status_of, template_of
from .votes import submit_answer


def rehearse(run: Run, participants: int = 30, groups: int = 5, seed: int = 1,
             delay: float = 0.0, group_prefix: str = "Table", sleep=None) -> dict:
    """Fill a run with simulated participants who answer through the same path as phones.

    Returns what each simulated participant last sent: {(public_id, question_id): fields}."""
    template = template_of(run)
    if all(status_of(s) != "open" for s in question_states(run).values()):
        open_all(run)
    people = [join_run(run, f"{group_prefix} {n % groups + 1}", f"Sim {n + 1}")
              for n in range(participants)]
    texts = sample_texts(template, run.language)
    sent: dict[tuple[str, str], dict] = {}
    moderated = {q.id: q.moderated for q in template.questions}

    def vote_all(questions: list[Question], seed_offset: int) -> None:
        for vote in simulated_votes(questions, participants, seed + seed_offset, texts,
                                    groups=groups):
            person = people[vote.participant]
            submit_answer(person, vote.question, vote.fields)
            sent[(person.public_id, vote.question)] = vote.fields
            if moderated.get(vote.question):  # the rehearsal's facilitator lets every text through
                approve_all(run, vote.question)
            if delay and sleep:
                sleep(delay)

    vote_all([q for q in questions_of(run) if q.items_from is None], 0)
    for question in template.questions:  # then the fruit board, drawn from those answers
        if question.items_from:
            open_question(run, question.id)
            vote_all([question_of(run, question.id)], 1)
    return sent
