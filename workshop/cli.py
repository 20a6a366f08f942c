"""`workshop serve` and friends."""

from __future__ import annotations

import argparse
import os
import socket
import sys

from .config import _bool


def local_addresses() -> list[str]:
    """Addresses phones on the same network can use to reach this laptop."""
    found: list[str] = []
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # no packet is sent; this only picks the outgoing interface
        found.append(probe.getsockname()[0])
    except OSError:
        pass
    finally:
        probe.close()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(info[4][0])
    except OSError:
        pass
    return [a for a in dict.fromkeys(found) if not a.startswith("127.")]


def bootstrap(host: str, port: int) -> None:
    """Create the database and the facilitator secret, and tell the facilitator how to begin."""
    from . import create_app, services

    app = create_app()
    with app.app_context():
        new_secret = services.ensure_facilitator_secret(app.config.get("FACILITATOR_SECRET"))
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print("\n  workshop is starting\n", flush=True)
    print(f"  Facilitator, on this laptop:  http://{shown_host}:{port}/facilitator/login")
    if new_secret:
        print(f"  Sign-in link (first start):   http://{shown_host}:{port}/facilitator/login#secret={new_secret}")
        print(f"  Facilitator secret:           {new_secret}")
        print("  The secret is shown only now; it is stored as a hash. `workshop reset-secret` makes a new one.")
    elif app.config.get("FACILITATOR_SECRET"):
        print("  Facilitator secret:           from WORKSHOP_FACILITATOR_SECRET")
    else:
        print("  Facilitator secret:           set at first start (`workshop reset-secret` makes a new one)")
    if host in ("0.0.0.0", "::"):
        addresses = local_addresses()
        if addresses:
            for address in addresses:
                print(f"  Phones on the same network:   http://{address}:{port}/")
        else:
            print("  Phones on the same network:   no network address found; is the laptop on the wifi?")
    print(f"  Database:                     {app.config['SQLALCHEMY_DATABASE_URI']}\n", flush=True)


def forwarded_allow_ips() -> str:
    """gunicorn's --forwarded-allow-ips: whose X-Forwarded-Proto (and -Ssl, -Protocol) it
    believes. Without WORKSHOP_TRUST_PROXY nobody's: gunicorn's own default trusts 127.0.0.1,
    so a client on the laptop itself could switch HSTS and Secure cookies on. An empty value
    is an empty list, which trusts no address (gunicorn's validate_string_to_list; a UNIX
    socket would stay trusted, but `serve` binds none). tests/live/test_forwarded_headers.py."""
    if not _bool("WORKSHOP_TRUST_PROXY", False):  # as the app reads it: "0" and "false" are off
        return ""
    return os.environ.get("WORKSHOP_PROXY_IPS", "127.0.0.1")


def serve(args: argparse.Namespace) -> None:
    os.environ["WORKSHOP_ASYNC_MODE"] = "gevent"
    bootstrap(args.host, args.port)
    command = [
        sys.executable, "-m", "gunicorn",
        "--worker-class", "gevent",
        # One worker per process: Socket.IO keeps a connection on the process it started in.
        # Scale out with more processes behind a sticky load balancer (see README).
        "--workers", "1",
        "--worker-connections", str(args.connections),
        "--bind", f"{args.host}:{args.port}",
        "--no-control-socket",
        "--graceful-timeout", "5",
        "--log-level", "warning",
        "--forwarded-allow-ips", forwarded_allow_ips(),
        "workshop.wsgi:app",
    ]
    sys.stdout.flush()
    os.execv(sys.executable, command)


def reset_secret(_args: argparse.Namespace) -> None:
    from . import create_app, services

    app = create_app()
    with app.app_context():
        print(f"New facilitator secret: {services.reset_facilitator_secret()}")


def export(args: argparse.Namespace) -> None:
    """Write a run's CSV files and workbook without a browser."""
    from . import create_app, services
    from .domain import exports

    app = create_app()
    with app.test_request_context():
        run = services.run_by_code(args.code)
        if run is None:
            print(f"No run has the code {args.code!r}.", file=sys.stderr)
            raise SystemExit(1)
        tables = services.export_tables(run)
        os.makedirs(args.out, exist_ok=True)
        written = []
        for name, frame in tables.items():
            path = os.path.join(args.out, f"{run.code}-{name}.csv")
            with open(path, "wb") as handle:
                handle.write(exports.to_csv(frame, sep=args.sep))
            written.append(path)
        path = os.path.join(args.out, f"{run.code}.xlsx")
        with open(path, "wb") as handle:
            handle.write(exports.to_xlsx(tables))
        written.append(path)
    for path in written:
        print(path)


def rehearse(args: argparse.Namespace) -> None:
    """Fill a run (or a new one) with simulated participants, through the same path as phones."""
    import time

    from . import create_app, services
    from .templates_io import find_template

    app = create_app()
    with app.test_request_context():
        if args.code:
            run = services.run_by_code(args.code)
            if run is None:
                print(f"No run has the code {args.code!r}.", file=sys.stderr)
                raise SystemExit(1)
        else:
            found = find_template(app.config["QUESTIONS_DIR"], args.template)
            if found is None or not found.ok:
                print(f"No usable workshop template {args.template!r}.", file=sys.stderr)
                raise SystemExit(1)
            run = services.create_run(found.template, args.lang)
        sent = services.rehearse(run, args.participants, args.groups, args.seed, args.delay,
                                 group_prefix=args.group_prefix, sleep=time.sleep)
        print(f"Run {run.code}: {args.participants} simulated participants in {args.groups} groups "
              f"gave {len(sent)} answers.")


def validate(args: argparse.Namespace) -> None:
    """Check workshop files; print every problem with file, line and field. Exit 1 if any."""
    from babel.support import Translations

    from .templates_io import load_template_file

    lang = args.lang or ("en" if os.environ.get("LANG", "").startswith("en") else "nb")
    translations = Translations.load(os.path.join(os.path.dirname(__file__), "translations"), [lang])
    failed = False
    for path in args.files:
        checked = load_template_file(path)
        if checked.ok:
            print(translations.gettext("%(file)s: no problems") % {"file": path})
            continue
        failed = True
        for problem in checked.problems:
            print(problem.render(translations.gettext))
    raise SystemExit(1 if failed else 0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="workshop", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the app on the production server")
    serve_parser.add_argument("--host", default=os.environ.get("WORKSHOP_HOST", "0.0.0.0"))
    serve_parser.add_argument("--port", type=int, default=int(os.environ.get("WORKSHOP_PORT", "5000")))
    serve_parser.add_argument("--connections", type=int, default=5000,
                              help="most simultaneous connections (phones) the worker accepts")
    serve_parser.set_defaults(handler=serve)
    reset_parser = commands.add_parser("reset-secret", help="make a new facilitator secret")
    reset_parser.set_defaults(handler=reset_secret)
    export_parser = commands.add_parser("export", help="write a run's answers, group answers and plan")
    export_parser.add_argument("code", help="the run's join code")
    export_parser.add_argument("--out", default=".", help="folder to write the files to")
    export_parser.add_argument("--sep", default=";", choices=[";", ","],
                               help="CSV separator (';' with BOM opens in Norwegian Excel)")
    export_parser.set_defaults(handler=export)
    rehearse_parser = commands.add_parser("rehearse", help="fill a run with simulated participants")
    rehearse_parser.add_argument("code", nargs="?", help="the run's code (default: start a new run)")
    rehearse_parser.add_argument("--template", default="kontraktsoppfolging")
    rehearse_parser.add_argument("--lang", default="nb", choices=["nb", "en"])
    rehearse_parser.add_argument("--participants", type=int, default=30)
    rehearse_parser.add_argument("--groups", type=int, default=5)
    rehearse_parser.add_argument("--seed", type=int, default=1)
    rehearse_parser.add_argument("--delay", type=float, default=0.0,
                                 help="seconds between answers (a live rehearsal on the projector)")
    rehearse_parser.add_argument("--group-prefix", default="Bord")
    rehearse_parser.set_defaults(handler=rehearse)
    validate_parser = commands.add_parser("validate", help="check workshop files for problems")
    validate_parser.add_argument("files", nargs="+", help="workshop files (YAML)")
    validate_parser.add_argument("--lang", choices=["nb", "en"],
                                 help="language of the messages (default from LANG, else nb)")
    validate_parser.set_defaults(handler=validate)
    args = parser.parse_args(argv)
    args.handler(args)


if __name__ == "__main__":
    main()
