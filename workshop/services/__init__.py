"""The use cases, one module per concern. Routes, Socket.IO events and commands call these; they
hold no HTTP details and push nothing themselves: they announce changes (workshop.changes).

    runs       creating, finding, clearing and deleting runs; their questions' state
    exercise   the facilitator steering questions: open, close, reveal, project
    steps      what the projector shows: the session's current step, next and previous
    joining    tables and participants
    votes      checking and writing votes in batches (the group commit); answers as rows
    results    each question's aggregate and board
    comparison this run beside earlier runs of the same file
    board      pins, hides, merges, notes, sharing the board
    ideas      upvotes on written ideas
    moderation texts that wait for the facilitator's approval
    plan       the starter follow-up plan
    exports    the run as tables
    rehearsal  simulated participants
    secret     the facilitator's secret
"""

from . import (
    board,
    comparison,
    exercise,
    exports,
    ideas,
    joining,
    moderation,
    plan,
    rehearsal,
    results,
    runs,
    secret,
    steps,
    votes,
)

__all__ = ["board", "comparison", "exercise", "exports", "ideas", "joining", "moderation", "plan", "rehearsal",
           "results", "runs", "secret", "steps", "votes"]
