"""Run the conference-hall benchmark: the bare baseline and the app, same load, one table.

    .venv/bin/python -m benchmarks.run --participants 200
    .venv/bin/python -m benchmarks.run --participants 2000

starts `benchmarks.baseline_server` and the app (`workshop serve`, via tests/serverproc.py) on
free 127.0.0.1 ports, one after the other, drives each with benchmarks/load.py and prints a
table. Every server is started in its own session and stopped by its process group id.

Against an app that is already running (e.g. two processes behind a proxy with Redis and
PostgreSQL):

    .venv/bin/python -m benchmarks.run --participants 2000 --url http://127.0.0.1:8000 \
        --projector-url http://127.0.0.1:8001 --database-url postgresql://... \
        --facilitator-secret SECRET [--server-pid PID]

(a run is created and opened with the facilitator secret; the server must trust
X-Forwarded-For from the load generator, WORKSHOP_TRUST_PROXY=1, or joins hit the app's
120/minute-per-address limit.) The baseline is still started locally unless --no-baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from tests import serverproc

from . import load

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
STACK_FLOOR = "stack floor"  # the target name of benchmarks/stack_floor_server.py


def raise_open_files(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# --- servers ----------------------------------------------------------------------------------

def start_baseline(tmp: Path, connections: int, module: str = "benchmarks.baseline_server"
                   ) -> serverproc.Server:
    """The baseline server (or another module's `app` served the same way: the stack floor)."""
    port = serverproc.free_port()
    log_path = str(tmp / f"{module.rsplit('.', 1)[-1]}-{port}.log")
    log = open(log_path, "w")  # noqa: SIM115 - the server process writes to it
    command = [
        sys.executable, "-m", "gunicorn", "--worker-class", "gevent", "--workers", "1",
        "--worker-connections", str(connections), "--bind", f"127.0.0.1:{port}",
        "--no-control-socket", "--graceful-timeout", "5", "--log-level", "warning",
        f"{module}:app",
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1",
                                    "BASELINE_DATABASE": str(tmp / f"baseline-{port}.sqlite")})
    server = serverproc.Server(f"http://127.0.0.1:{port}", process, {}, log_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("baseline exited early:\n" + server.log())
        try:
            if requests.get(server.url + "/", timeout=1).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    serverproc.stop_server(server)  # SIGTERM to the process group, SIGKILL after 10 s
    raise RuntimeError("baseline did not start in 30 s:\n" + server.log())


def baseline_target(server: serverproc.Server, name: str = "baseline") -> load.Target:
    from .baseline_server import CODE

    def stored() -> list[tuple]:
        rows = requests.get(server.url + "/_bench/dump", timeout=60).json()["answers"]
        return [(r["participant"], r["question"], r["vote_id"]) for r in rows]

    def tables() -> int:
        return requests.get(server.url + "/_bench/dump", timeout=60).json()["tables"]

    return load.Target(name, server.url, server.url, CODE, "facilitator=1", stored,
                       load.worker_pid_of(server.process.pid), tables)


def prepare_app_run(url: str, secret: str | None = None) -> tuple[str, str]:
    """Sign in, create a run of the workshop template and open all its questions."""
    handle = serverproc.Server(url, None, {}, "")
    if secret:
        serverproc.SECRET = secret  # the helpers read the module's secret
    session = serverproc.facilitator_session(handle)
    code = serverproc.create_run(handle, session)
    serverproc.facilitator_action(handle, session, code, "open-all")
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    return code, cookie


def app_target_local(server: serverproc.Server) -> load.Target:
    code, cookie = prepare_app_run(server.url)
    database_url = server.env["DATABASE_URL"]
    return load.Target("app", server.url, server.url, code, cookie,
                       lambda: load.database_answers(database_url, code),
                       load.worker_pid_of(server.process.pid),
                       lambda: load.database_tables(database_url, code))


def app_target_remote(args) -> load.Target:
    code, cookie = prepare_app_run(args.url, args.facilitator_secret)
    pid = None
    if args.server_pid:
        try:
            pid = load.worker_pid_of(args.server_pid)
        except RuntimeError:
            pid = args.server_pid  # given the worker itself
    database_url = args.database_url

    def stored() -> list[tuple]:
        return load.database_answers(database_url, code) if database_url else []

    tables = (lambda: load.database_tables(database_url, code)) if database_url else None
    return load.Target("app", args.url, args.projector_url or args.url, code, cookie, stored, pid,
                       tables)


def attach_log(result: dict, server: serverproc.Server) -> None:
    """Keep what the server logged about errors (tracebacks, timeouts) with the measurements."""
    try:
        lines = server.log().splitlines()
    except OSError:
        return
    errors = [line for line in lines
              if any(w in line for w in ("Error", "Exception", "Traceback", "Timeout", "CRITICAL"))]
    result["server_log_errors"] = len(errors)
    kinds: dict[str, int] = {}
    for line in errors:
        key = line.strip()[:160]
        kinds[key] = kinds.get(key, 0) + 1
    result["server_log_error_kinds"] = dict(sorted(kinds.items(), key=lambda kv: -kv[1])[:10])


# --- profiling ----------------------------------------------------------------------------------

class PySpy:
    """py-spy record on the worker during each voting phase (benchmarks/profiles/*.txt)."""

    def __init__(self, label: str, rate: int = 20):
        self.label = label
        self.rate = rate
        self.processes: list[subprocess.Popen] = []

    def __call__(self, when: str, target: load.Target, phase: str) -> None:
        if target.worker_pid is None:
            return
        if when == "start":
            out = HERE / "profiles"
            out.mkdir(exist_ok=True)
            spy = str(Path(sys.executable).with_name("py-spy"))
            # Collapsed stacks only (one sampler, 20 Hz by default: light on 2 cores); read them
            # with `python -m benchmarks.profile_summary FILE`.
            path = out / f"{target.name}-{self.label}-{phase}.txt"
            self.processes.append(subprocess.Popen(
                [spy, "record", "--pid", str(target.worker_pid), "--rate", str(self.rate),
                 "--format", "raw", "--output", str(path), "--nonblocking"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
        else:
            for process in self.processes:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGINT)  # py-spy writes its file on SIGINT
            for process in self.processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
            self.processes.clear()


# --- the table ----------------------------------------------------------------------------------

COLUMNS = ["participants", "server", "phase", "votes/s", "p50 ms", "p95 ms", "p99 ms",
           "lost", "dup", "RSS/conn KiB", "ratio"]


def rows_of(results: list[dict]) -> list[list[str]]:
    baseline = {(r["participants"], p["phase"]): p["votes_per_s"]
                for r in results if r["target"] == "baseline" for p in r["phases"]}
    rows = []
    for r in results:
        for p in r["phases"]:
            base = baseline.get((r["participants"], p["phase"]))
            ratio = (f"{p['votes_per_s'] / base:.2f}" if r["target"] != "baseline" and base
                     and p["votes_per_s"] else "-")
            rows.append([str(r["participants"]), r["target"], p["phase"], _fmt(p["votes_per_s"]),
                         _fmt(p["p50_ms"]), _fmt(p["p95_ms"]), _fmt(p["p99_ms"]),
                         str(r["integrity"]["lost"]), str(r["integrity"]["duplicated"]),
                         _fmt(r["rss_per_connection_kib"]), ratio])
    return rows


JOIN_COLUMNS = ["participants", "server", "joins", "failed", "tables", "total s", "joins/s",
                "p50 ms", "p99 ms", "CPU ms/join", "time ratio", "vs stack floor"]


def join_rows_of(results: list[dict]) -> list[list[str]]:
    baseline = {r["participants"]: r["join"]["total_s"] for r in results if r["target"] == "baseline"}
    floor = {r["participants"]: r["join"]["total_s"] for r in results if r["target"] == STACK_FLOOR}
    rows = []
    for r in results:
        j = r["join"]
        base, under = baseline.get(r["participants"]), floor.get(r["participants"])
        ratio = (f"{j['total_s'] / base:.2f}" if r["target"] != "baseline" and base else "-")
        above = f"{j['total_s'] / under:.2f}" if r["target"] == "app" and under else "-"
        rows.append([str(r["participants"]), r["target"], str(j["joins"]), str(j["failed"]),
                     _fmt(j.get("tables_stored")), _fmt(j["total_s"]), _fmt(j["joins_per_s"]),
                     _fmt(j["p50_ms"]), _fmt(j["p99_ms"]), _fmt(j.get("server_cpu_ms_per_join")),
                     ratio, above])
    return rows


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def print_table(results: list[dict], columns: list[str] = COLUMNS, rows_of=rows_of) -> None:
    rows = rows_of(results)
    if not rows:
        return
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
    print("| " + " | ".join(c.ljust(w) for c, w in zip(columns, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(c.rjust(w) for c, w in zip(row, widths)) + " |")


def print_details(result: dict) -> None:
    j = result["join"]
    print(f"\n{result['target']} ({result['participants']} participants) joins: {j['joins']} in "
          f"{j['total_s']} s ({j['failed']} failed), {j['joins_per_s']}/s, latency p50/p99/max "
          f"{j['p50_ms']}/{j['p99_ms']}/{j['max_ms']} ms; per step p50/p99: join page "
          f"{j['page_p50_ms']}/{j['page_p99_ms']}, form post {j['post_p50_ms']}/{j['post_p99_ms']}, "
          f"questions page {j['questions_p50_ms']}/{j['questions_p99_ms']} ms; server CPU "
          f"{j['server_cpu_s']} s ({j['server_cpu_ms_per_join']} ms/join), load generator CPU "
          f"{j['client_cpu_s']} s; other processes {j.get('other_processes_cores')} cores; tables stored "
          f"{j.get('tables_stored')} of {result['groups']} typed")
    if not result["phases"]:
        return
    print(f"\n{result['target']} ({result['participants']} participants): joins "
          f"{result['join_s']} s ({result['join_failed']} failed), connects {result['connect_s']} s "
          f"({result['connect_failed']} failed), RSS {result['rss_before_kib']} -> "
          f"{result['rss_connected_kib']} -> {result['rss_end_kib']} KiB, "
          f"{result['reconnected_phones']} phones reconnected ({result['reconnect_failed']} failed), "
          f"pushes received by phones {result['phone_pushes_received']}, client CPU {result['client_cpu_s']} s")
    for p in result["phases"]:
        print(f"  {p['phase']}: sent {p['sent']}, accepted {p['accepted']}, refused {p['refused']}, "
              f"span {p['span_s']} s, ack p50/p99 {p['ack_p50_ms']}/{p['ack_p99_ms']} ms, "
              f"projector max {p['max_ms']} ms, lower bound p50/p95/p99 {p['lower_p50_ms']}/"
              f"{p['lower_p95_ms']}/{p['lower_p99_ms']} ms, unreflected {p['unreflected']}, "
              f"server CPU {p['server_cpu_s']} s ({p['server_cpu_ms_per_vote']} ms/vote, "
              f"{p['server_cpu_share']} of one core), load generator CPU {p['client_cpu_s']} s "
              f"({p['client_cpu_share']} of one core), machine busy "
              f"{p['worker_states'].get('machine_busy_cores')} cores of which other processes "
              f"{p['worker_states'].get('other_processes_cores')}")
    integrity = result["integrity"]
    print(f"  integrity: {integrity['accepted_answers']} answers accepted, "
          f"{integrity['stored_rows']} stored, lost {integrity['lost']}, duplicated "
          f"{integrity['duplicated']} {integrity['duplicated_detail']}; projected respondents "
          f"{integrity['projected_respondents']}; stale payloads {result['stale_payloads']}; "
          f"{result['payloads']} payloads, last sizes {result['payload_bytes']} bytes")
    for example in integrity["lost_examples"]:
        print(f"  lost e.g. {example}")
    if result.get("server_log_errors"):
        print(f"  server log: {result['server_log_errors']} error lines, most frequent:")
        for line, count in result["server_log_error_kinds"].items():
            print(f"    {count} x {line}")


TARGETS = {  # the issues' targets
    "p50_ms": 150, "p99_ms": 500, "rss_per_connection_kib": 150, "ratio": 0.5,
    "join_time_ratio": 3.0,  # issue 13: the whole hall's joins at most 3x the bare server's time
}


def print_targets(results: list[dict]) -> None:
    baseline = {(r["participants"], p["phase"]): p["votes_per_s"]
                for r in results if r["target"] == "baseline" for p in r["phases"]}
    for r in results:
        if r["target"] in ("baseline", STACK_FLOOR):
            continue
        burst = next((p for p in r["phases"] if p["phase"] == "burst"), None)
        flood = next((p for p in r["phases"] if p["phase"] == "flood"), None)
        checks = []
        join = r["join"]
        base_join = next((b["join"] for b in results if b["target"] == "baseline"
                          and b["participants"] == r["participants"]), None)
        checks.append(("every phone joined", f"{join['joins']} of {r['participants']}",
                       join["joins"] == r["participants"]))
        if join.get("tables_stored") is not None:
            checks.append(("one table per table typed", f"{join['tables_stored']} of {r['groups']}",
                           join["tables_stored"] == r["groups"]))
        if base_join and base_join["total_s"]:
            join_ratio = join["total_s"] / base_join["total_s"]
            checks.append((f"joins take <= {TARGETS['join_time_ratio']:g}x the baseline's time",
                           round(join_ratio, 2), join_ratio <= TARGETS["join_time_ratio"]))
        if burst:
            checks.append(("burst p50 < 150 ms", burst["p50_ms"], burst["p50_ms"] is not None
                           and burst["p50_ms"] < TARGETS["p50_ms"]))
            checks.append(("burst p99 < 500 ms", burst["p99_ms"], burst["p99_ms"] is not None
                           and burst["p99_ms"] < TARGETS["p99_ms"]))
        if "integrity" in r:  # phones connected and voted (not --only-join)
            integrity = r["integrity"]
            checks.append(("lost = 0", integrity["lost"], integrity["lost"] == 0))
            checks.append(("duplicated = 0", integrity["duplicated"], integrity["duplicated"] == 0))
            rss = r["rss_per_connection_kib"]
            checks.append(("RSS < 150 KiB/conn", rss,
                           rss is not None and rss < TARGETS["rss_per_connection_kib"]))
        if flood and baseline.get((r["participants"], "flood")):
            ratio = flood["votes_per_s"] / baseline[(r["participants"], "flood")]
            checks.append(("flood votes/s >= 50% of baseline", round(ratio, 2), ratio >= TARGETS["ratio"]))
        print(f"\ntargets, {r['participants']} participants:")
        for label, value, ok in checks:
            print(f"  [{'ok' if ok else 'MISSED'}] {label}: {value}")


def app_version() -> dict:
    """The commit and the uncommitted changes of the app code that was measured."""
    import hashlib

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], check=False, cwd=ROOT, capture_output=True, text=True,
                                  timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            return ""

    diff = git("diff", "HEAD", "--", "workshop", "questions", "templates")
    return {
        "commit": git("rev-parse", "--short", "HEAD").strip(),
        "dirty_files": git("status", "--short", "--", "workshop", "questions").split("\n")[:-1],
        "diff_sha1": hashlib.sha1(diff.encode()).hexdigest()[:12] if diff else None,
    }


# --- main -------------------------------------------------------------------------------------

async def measure(target: load.Target, config: load.LoadConfig) -> dict:
    return await load.run_load(target, config)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, nargs="+", default=[200])
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--burst", type=float, default=60.0,
                        help="seconds over which the burst's votes are spread (default 60)")
    parser.add_argument("--no-flood", action="store_true", help="skip the saturation phase")
    parser.add_argument("--only-join", action="store_true",
                        help="measure the HTTP joins only (no connections, no votes)")
    parser.add_argument("--join-concurrency", type=int, default=16,
                        help="phones joining at the same time (default 16)")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--stack-floor", action="store_true",
                        help="also time the joins on benchmarks/stack_floor_server.py (the "
                             "baseline's join through Flask, Flask-WTF and Flask-SQLAlchemy)")
    parser.add_argument("--only-baseline", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--call-timeout", type=float, default=60.0)
    parser.add_argument("--url", help="an already running app (phones connect here)")
    parser.add_argument("--projector-url", help="where the projector connects (default --url)")
    parser.add_argument("--database-url", help="the running app's database, for lost/duplicated")
    parser.add_argument("--facilitator-secret", default=os.environ.get("WORKSHOP_FACILITATOR_SECRET"))
    parser.add_argument("--server-pid", type=int, help="the running app's gunicorn master or worker")
    parser.add_argument("--py-spy", action="store_true",
                        help="profile the server worker during the voting phases "
                             "(benchmarks/profiles/)")
    parser.add_argument("--py-spy-rate", type=int, default=20,
                        help="samples per second for --py-spy (default 20; 100 for short phases)")
    parser.add_argument("--json", help="also write all measurements to this file")
    parser.add_argument("--quiet-wait", type=float, default=0.0,
                        help="before each phase wait up to this many seconds until other "
                             "processes use < 0.3 cores (the machine may be shared)")
    args = parser.parse_args(argv)

    limit = raise_open_files(max(4096, 2 * max(args.participants) + 1024))
    print(f"open-file limit {limit}; {os.cpu_count()} CPUs; load generator and servers share them")
    results: list[dict] = []
    version = app_version()
    print(f"app code: commit {version['commit']}, uncommitted diff {version['diff_sha1']} "
          f"({len(version['dirty_files'])} files changed under workshop/ and questions/)")
    for participants in args.participants:
        config = load.LoadConfig(participants=participants, groups=args.groups, burst=args.burst,
                                 flood=not args.no_flood, seed=args.seed,
                                 call_timeout=args.call_timeout, quiet_wait=args.quiet_wait,
                                 join_only=args.only_join, join_concurrency=args.join_concurrency,
                                 log=lambda line: print(line, flush=True))
        what = ("joins only" if args.only_join else
                f"burst over {args.burst:g} s{'' if args.no_flood else ', then a flood'}")
        print(f"\n== {participants} participants in {min(args.groups, participants)} groups, "
              f"{args.join_concurrency} joining at a time, {what} ==", flush=True)
        with tempfile.TemporaryDirectory(prefix="workshop-bench-") as tmp:
            tmp_path = Path(tmp)
            if not args.no_baseline:
                server = start_baseline(tmp_path, max(5000, participants + 500))
                try:
                    if args.py_spy:
                        config.phase_hook = PySpy(str(participants), args.py_spy_rate)
                    results.append(asyncio.run(measure(baseline_target(server), config)))
                    attach_log(results[-1], server)
                finally:
                    serverproc.stop_server(server)
            if args.stack_floor:
                server = start_baseline(tmp_path, max(5000, participants + 500),
                                        "benchmarks.stack_floor_server")
                try:
                    floor_config = dataclasses.replace(config, join_only=True, phase_hook=None)
                    results.append(asyncio.run(measure(baseline_target(server, STACK_FLOOR),
                                                       floor_config)))
                    attach_log(results[-1], server)
                finally:
                    serverproc.stop_server(server)
            if not args.only_baseline:
                if args.url:
                    target = app_target_remote(args)
                    if args.py_spy:
                        config.phase_hook = PySpy(str(participants), args.py_spy_rate)
                    results.append(asyncio.run(measure(target, config)))
                else:
                    server = serverproc.start_server(
                        tmp_path, extra_env={"WORKSHOP_TRUST_PROXY": "1"})
                    try:
                        if args.py_spy:
                            config.phase_hook = PySpy(str(participants), args.py_spy_rate)
                        version = app_version()
                        results.append(asyncio.run(measure(app_target_local(server), config)))
                        results[-1]["app_version"] = version
                        attach_log(results[-1], server)
                    finally:
                        serverproc.stop_server(server)
    print()
    print_table(results, JOIN_COLUMNS, join_rows_of)
    print()
    print_table(results)
    for result in results:
        print_details(result)
    print_targets(results)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
