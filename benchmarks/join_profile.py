"""What one phone's join costs inside the app, without the server and the network around it.

    .venv/bin/python -m benchmarks.join_profile --participants 2000
    .venv/bin/python -m benchmarks.join_profile --participants 2000 \
        --cprofile benchmarks/profiles/join-cprofile.txt

Creates a run of the workshop template (SQLite in a temporary directory, rate limits and CSRF
on, as served), opens every question, then joins `--participants` phones one after another
through Flask's test client exactly as benchmarks/load.py does over HTTP: the join page, the
form post with its CSRF token, the questions page it redirects to. Prints the CPU per join and
per step, for the first and the last tenth of the hall (a cost that grows with the hall shows
as a difference between the two); with --cprofile, the 40 most expensive functions by
cumulative time are written to the file. The results pushes run as in the server (a
background thread every RESULTS_INTERVAL), so their cost is in the figures.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import tempfile
import time

from workshop import create_app, services
from workshop.templates_io import find_template

from .load import phone_address, table_typed

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class CallCounter:
    """Counts Python and C function calls: unlike CPU time, the count does not change when
    other processes share the machine, so two versions of the code compare exactly."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, _frame, event, _arg) -> None:
        if event in ("call", "c_call"):
            self.calls += 1

    def now(self) -> float:
        return float(self.calls)


def join_once(app, code: str, index: int, groups: int, clock=time.process_time
              ) -> tuple[float, float, float]:
    """One phone's join; returns the clock's difference over the page, the post and the
    questions page (CPU seconds, or calls with a CallCounter's clock)."""
    client = app.test_client()
    environ = {"REMOTE_ADDR": phone_address(index)}
    t0 = clock()
    page = client.get(f"/j/{code}", environ_base=environ)
    t1 = clock()
    token = CSRF.search(page.get_data(as_text=True)).group(1)
    posted = client.post(f"/j/{code}", environ_base=environ, data={
        "new_group": table_typed(index, groups), "display_name": "", "csrf_token": token})
    t2 = clock()
    assert posted.status_code == 302 and f"/r/{code}" in posted.location, posted.status_code
    questions = client.get(posted.location, environ_base=environ)
    t3 = clock()
    assert questions.status_code == 200, questions.status_code
    return t1 - t0, t2 - t1, t3 - t2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--cprofile", help="write the 40 costliest functions to this file")
    parser.add_argument("--count-calls", type=int, default=0, metavar="N",
                        help="then join N more phones counting function calls per step")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["WORKSHOP_INSTANCE_PATH"] = os.path.join(tmp, "instance")
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(tmp, "join.sqlite"),
            "SCHEMA_FROM_MODELS": True,
        })
        with app.app_context():
            template = find_template(os.path.join(ROOT, "questions"), "kontraktsoppfolging").template
            run = services.runs.create_run(template)
            services.exercise.open_all(run)
            code = run.code
        profiler = cProfile.Profile() if args.cprofile else None
        steps = []
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        for index in range(args.participants):
            steps.append(join_once(app, code, index, args.groups))
        if profiler:
            profiler.disable()
        wall = time.perf_counter() - started
        counted = []
        if args.count_calls:
            counter = CallCounter()
            sys.setprofile(counter)
            try:
                for index in range(args.participants, args.participants + args.count_calls):
                    counted.append(join_once(app, code, index, args.groups, counter.now))
            finally:
                sys.setprofile(None)
        with app.app_context():
            tables = len(services.joining.groups_of(services.runs.run_by_code(code)))

    tenth = max(1, len(steps) // 10)
    print(f"{len(steps)} joins in {wall:.1f} s of wall time, {tables} tables")
    print("CPU ms, mean (median): the median is steadier on a machine shared with other work")
    print("| phones | join page | form post | questions page | join |")
    print("|--------|-----------|-----------|----------------|------|")
    for label, part in (("first tenth", steps[:tenth]), ("last tenth", steps[-tenth:]),
                        ("all", steps)):
        columns = [[s[i] * 1000 for s in part] for i in range(3)]
        columns.append([sum(s) * 1000 for s in part])
        print(f"| {label} | " + " | ".join(
            f"{statistics.fmean(c):.2f} ({statistics.median(c):.2f})" for c in columns) + " |")
    if counted:
        page, post, questions = (statistics.fmean(c[i] for c in counted) for i in range(3))
        print(f"function calls per join, {len(counted)} more phones: join page {page:.0f}, "
              f"form post {post:.0f}, questions page {questions:.0f}, "
              f"join {page + post + questions:.0f}")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        with open(args.cprofile, "w", encoding="utf-8") as handle:
            handle.write(f"# python -m benchmarks.join_profile --participants {args.participants}"
                         f" --cprofile {args.cprofile}\n")
            handle.write(out.getvalue().replace(ROOT + "/", ""))
        print(f"profile: {args.cprofile}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
