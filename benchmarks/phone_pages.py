"""After a reveal, every phone in the hall fetches its page at once: what does that cost?

    .venv/bin/python -m benchmarks.phone_pages --participants 2000 --fetches 200

Fills a run (SQLite in a temporary directory) with simulated participants through
`services.rehearsal.rehearse`, reveals every question, then fetches the participant's questions page
(`/r/<code>/questions`, the fragment a phone reloads on a state change) as different phones,
twice in the same process: once building the results for every fetch (the baseline: how it
was), once with the results shared between fetches (`services.results.shared_results`). Prints ms
per fetch for both and their ratio; the hall's cost is that times the number of phones.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from workshop import create_app, services
from workshop.extensions import db
from workshop.templates_io import find_template

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--fetches", type=int, default=200)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["WORKSHOP_INSTANCE_PATH"] = os.path.join(tmp, "instance")
        app = create_app({
            "TESTING": True, "SCHEMA_FROM_MODELS": True, "RATELIMIT_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(tmp, "pages.sqlite"),
            "RESULTS_INTERVAL": 60,  # nobody watches: no pushes while filling the run
        })
        with app.app_context():
            template = find_template(os.path.join(ROOT, "questions"), "kontraktsoppfolging").template
            run = services.runs.create_run(template)
            started = time.perf_counter()
            sent = services.rehearsal.rehearse(run, participants=args.participants, groups=50)
            print(f"{args.participants} simulated participants answered in "
                  f"{time.perf_counter() - started:.1f} s ({len(sent)} answers)")
            for state in services.runs.question_states(run).values():
                services.exercise.set_revealed(run, state.question_id, True)
            code = run.code
            phones = [p.token for p in run.participants][:args.fetches]
            db.session.remove()

        def fetch_all() -> float:
            started = time.perf_counter()
            for token in phones:
                client = app.test_client()
                with client.session_transaction() as session:
                    session["participants"] = {code: token}  # as workshop.auth keeps it
                response = client.get(f"/r/{code}/questions")
                assert response.status_code == 200, response.status_code
            return (time.perf_counter() - started) / len(phones) * 1000

        shared = services.results.shared_results
        services.results.shared_results = lambda run, question_id, lang, version: services.results.results(
            run, question_id, lang)
        try:
            built_each_time = fetch_all()
        finally:
            services.results.shared_results = shared
        shared_ms = fetch_all()

    print("| fetches | results built per fetch, ms | shared, ms | ratio |")
    print("|---------|-----------------------------|------------|-------|")
    print(f"| {len(phones)} | {built_each_time:.1f} | {shared_ms:.1f} | "
          f"{shared_ms / built_each_time:.2f} |")
    print(f"a hall of {args.participants} reloading after a reveal: "
          f"{built_each_time * args.participants / 1000:.0f} s of one core before, "
          f"{shared_ms * args.participants / 1000:.0f} s now")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
