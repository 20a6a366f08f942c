"""What the use cases announce: a run's state, a question's results or the board changed.

The use cases (workshop.services) send these and import nothing of the push; the broadcaster
(workshop.broadcast) subscribes and pushes, coalescing results. Blinker signals, as Flask's
own (flask.signals); the sender is the run's id."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Open, close, reveal, project, clear: what every phone and screen shows of the run.
state_changed = _signals.signal("state-changed")
# An answer, an upvote, a mark or a join: the results of one question (question_id=...).
results_changed = _signals.signal("results-changed")
# A pin, a hidden text, a note, the plan, sharing: the discussion board.
board_changed = _signals.signal("board-changed")
