"""Group commit: everything that arrives while one batch is being written goes into the next.

A full hall sends hundreds of votes a second. Written one transaction each, every vote pays
for its own reads of the run and question, its own statement and its own commit (on
PostgreSQL, a round trip each). Here the first caller writes alone; callers that arrive
while it writes wait, and when it is done the first of them writes all of them at once.
Under load the batches grow by themselves; when the room is quiet a vote is written at once,
with no timer in the way. Nobody is answered before their batch is committed.

Works with threads and with gevent greenlets (whose threading primitives it then uses).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")

# Writes a batch and returns one outcome per item, in order; an outcome that is an exception
# is raised to that item's caller only.
WriteBatch = Callable[[Sequence[Item]], Sequence[object]]


class _Waiting(Generic[Item]):
    __slots__ = ("item", "outcome", "done", "wake")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.outcome: object = None
        self.done = False
        self.wake = threading.Event()


class GroupCommit(Generic[Item]):
    def __init__(self, write_batch: WriteBatch) -> None:
        self._write_batch = write_batch
        self._lock = threading.Lock()
        self._queue: list[_Waiting[Item]] = []
        self._writing = False
        self.batches = 0  # how many batches were written, and how many items (diagnostics)
        self.items = 0

    def submit(self, item: Item) -> object:
        """Write the item with whatever else is waiting; return its outcome or raise it."""
        waiting = _Waiting(item)
        with self._lock:
            self._queue.append(waiting)
            leads = not self._writing
            self._writing = True
        if leads:
            # Let every vote that has already arrived reach the queue first. Under gevent a
            # SQLite write never yields, so without this pause each vote was a batch of one.
            time.sleep(0)
        else:
            waiting.wake.wait()  # written by someone else, or woken to write the next batch
        if not waiting.done:
            self._write_next_batch()
        if isinstance(waiting.outcome, BaseException):
            raise waiting.outcome
        return waiting.outcome

    def _write_next_batch(self) -> None:
        with self._lock:
            batch, self._queue = self._queue, []
        interrupted: BaseException | None = None
        try:
            outcomes = list(self._write_batch([w.item for w in batch]))
            if len(outcomes) != len(batch):
                raise RuntimeError(f"{len(outcomes)} outcomes for {len(batch)} items")
        except Exception as error:  # the batch failed as a whole: each caller hears of it
            outcomes = [error] * len(batch)
        except BaseException as error:  # this writer is being stopped: the others still hear
            interrupted = error
            outcomes = [RuntimeError("the vote writer was stopped")] * len(batch)
        with self._lock:
            # Whatever happened, the next batch gets a writer: nobody is left waiting.
            next_writer = self._queue[0] if self._queue else None
            self._writing = next_writer is not None
        self.batches += 1
        self.items += len(batch)
        for waiting, outcome in zip(batch, outcomes):
            waiting.outcome = outcome
            waiting.done = True
            waiting.wake.set()
        if next_writer is not None:
            next_writer.wake.set()
        if interrupted is not None:
            raise interrupted
