"""`workshop serve` and friends."""

from __future__ import annotations

import argparse
import os
import socket
import sys


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
        "workshop.wsgi:app",
    ]
    if os.environ.get("WORKSHOP_TRUST_PROXY"):
        command[-1:-1] = ["--forwarded-allow-ips", os.environ.get("WORKSHOP_PROXY_IPS", "127.0.0.1")]
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
    args = parser.parse_args(argv)
    args.handler(args)


if __name__ == "__main__":
    main()
