"""`workshop serve` and friends, as Flask's click commands.

`workshop` is a FlaskGroup on create_app: the commands that work on the database (export,
rehearse, reset-secret) run in an app context and are registered on `app.cli` too, so
`flask --app workshop export CODE` works and tests use `app.test_cli_runner()`; `serve` and
`validate` need no app. Flask's own commands come along (`workshop routes`)."""

from __future__ import annotations

import os
import sys
import time

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from . import netaddress
from .config import _bool


def bootstrap(host: str, port: int) -> None:
    """Create the database and the facilitator secret, and tell the facilitator how to begin."""
    from . import create_app, join_address, services

    app = create_app()
    with app.app_context():
        new_secret = services.secret.ensure_facilitator_secret(app.config.get("FACILITATOR_SECRET"))
        chosen = join_address.chosen_address()
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
    for line in phone_lines(host, port, app.config, chosen):
        print(line)
    print(f"  Database:                     {app.config['SQLALCHEMY_DATABASE_URI']}\n", flush=True)


def phone_lines(host: str, port: int, config, chosen: str | None = None) -> list[str]:
    """Where phones join, as the projector will show it (workshop/netaddress.py): the
    address chosen in the console first, while this machine has it."""
    label = "  Phones join at:               "
    if config["PUBLIC_URL"]:
        return [f"{label}{config['PUBLIC_URL']}/  (WORKSHOP_PUBLIC_URL)"]
    addresses, listening_on_loopback = netaddress.reachable_addresses(
        host, config["JOIN_ADDRESSES"], netaddress.discover_addresses)
    if listening_on_loopback:
        return [f"{label}nowhere: the server listens on {host} only, which no phone reaches "
                "(listen on 0.0.0.0, or set WORKSHOP_PUBLIC_URL behind a proxy)"]
    if not addresses:
        return [f"{label}no network address found; is the laptop on the wifi? "
                "(the projector warns until it is)"]
    if chosen in addresses:
        addresses = [chosen] + [address for address in addresses if address != chosen]
    lines = [f"{label if n == 0 else ' ' * len(label)}http://{netaddress.netloc(address, port)}/"
             for n, address in enumerate(addresses)]
    if len(addresses) > 1:
        lines.append(f"{' ' * len(label)}(the projector shows the first; the console can choose another)")
    return lines


def forwarded_allow_ips() -> str:
    """gunicorn's --forwarded-allow-ips: whose X-Forwarded-Proto (and -Ssl, -Protocol) it
    believes. Without WORKSHOP_TRUST_PROXY nobody's: gunicorn's own default trusts 127.0.0.1,
    so a client on the laptop itself could switch HSTS and Secure cookies on. An empty value
    is an empty list, which trusts no address (gunicorn's validate_string_to_list; a UNIX
    socket would stay trusted, but `serve` binds none). tests/live/test_forwarded_headers.py."""
    if not _bool("WORKSHOP_TRUST_PROXY", False):  # as the app reads it: "0" and "false" are off
        return ""
    return os.environ.get("WORKSHOP_PROXY_IPS", "127.0.0.1")


@click.command("serve")
@click.option("--host", default=lambda: os.environ.get("WORKSHOP_HOST", "0.0.0.0"), show_default="0.0.0.0")
@click.option("--port", type=int, default=lambda: int(os.environ.get("WORKSHOP_PORT", "5000")),
              show_default="5000")
@click.option("--connections", type=int, default=5000, show_default=True,
              help="most simultaneous connections (phones) the worker accepts")
def serve_command(host: str, port: int, connections: int) -> None:
    """Run the app on the production server (gunicorn, one gevent worker)."""
    try:
        netaddress.parse_public_url(os.environ.get("WORKSHOP_PUBLIC_URL"))
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    os.environ["WORKSHOP_ASYNC_MODE"] = "gevent"
    # The app builds the join link knowing where it listens: on 127.0.0.1 no phone connects.
    os.environ["WORKSHOP_HOST"] = host
    bootstrap(host, port)
    command = [
        sys.executable, "-m", "gunicorn",
        "--worker-class", "gevent",
        # One worker per process: Socket.IO keeps a connection on the process it started in.
        # Scale out with more processes behind a sticky load balancer (see README).
        "--workers", "1",
        "--worker-connections", str(connections),
        "--bind", f"{host}:{port}",
        "--no-control-socket",
        "--graceful-timeout", "5",
        "--log-level", "warning",
        "--forwarded-allow-ips", forwarded_allow_ips(),
        "workshop.wsgi:app",
    ]
    sys.stdout.flush()
    os.execv(sys.executable, command)


@click.command("reset-secret")
@with_appcontext
def reset_secret_command() -> None:
    """Make a new facilitator secret (printed once; only its hash is stored)."""
    from . import services

    click.echo(f"New facilitator secret: {services.secret.reset_facilitator_secret()}")


def _run_or_exit(code: str):
    from . import services

    run = services.runs.run_by_code(code)
    if run is None:
        click.echo(f"No run has the code {code!r}.", err=True)
        raise SystemExit(1)
    return run


@click.command("export")
@click.argument("code")
@click.option("--out", default=".", show_default=True, help="folder to write the files to")
@click.option("--sep", default=";", type=click.Choice([";", ","]), show_default=True,
              help="CSV separator (';' with BOM opens in Norwegian Excel)")
@click.option("--headers", default="labels", type=click.Choice(["labels", "keys"]), show_default=True,
              help="column headers in the run's language, or the stable machine names")
@with_appcontext
def export_command(code: str, out: str, sep: str, headers: str) -> None:
    """Write a run's answers, group answers and plan (CSV and one workbook) and the plan as a
    Word document, without a browser."""
    from . import services

    run = _run_or_exit(code)
    files = services.exports.files(run, sep=sep, headers=headers)
    os.makedirs(out, exist_ok=True)
    for name, body in files.items():
        path = os.path.join(out, name)
        with open(path, "wb") as handle:
            handle.write(body)
        click.echo(path)


@click.command("rehearse")
@click.argument("code", required=False)
@click.option("--template", default="kontraktsoppfolging", show_default=True)
@click.option("--lang", default="nb", type=click.Choice(["nb", "en"]), show_default=True)
@click.option("--participants", type=int, default=30, show_default=True)
@click.option("--groups", type=int, default=5, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--delay", type=float, default=0.0, show_default=True,
              help="seconds between answers (a live rehearsal on the projector)")
@click.option("--group-prefix", default="Bord", show_default=True)
@with_appcontext
def rehearse_command(code: str | None, template: str, lang: str, participants: int, groups: int,
                     seed: int, delay: float, group_prefix: str) -> None:
    """Fill a run (the code given, or a new one) with simulated participants, through the same
    path as phones."""
    from . import services
    from .templates_io import find_template

    if code:
        run = _run_or_exit(code)
    else:
        found = find_template(current_app.config["QUESTIONS_DIR"], template)
        if found is None or not found.ok:
            click.echo(f"No usable workshop template {template!r}.", err=True)
            raise SystemExit(1)
        run = services.runs.create_run(found.template, lang)
    sent = services.rehearsal.rehearse(run, participants, groups, seed, delay, group_prefix=group_prefix,
                             sleep=time.sleep)
    click.echo(f"Run {run.code}: {participants} simulated participants in {groups} groups "
               f"gave {len(sent)} answers.")


@click.command("validate")
@click.argument("files", nargs=-1, required=True)
@click.option("--lang", type=click.Choice(["nb", "en"]),
              help="language of the messages (default from LANG, else nb)")
def validate_command(files: tuple[str, ...], lang: str | None) -> None:
    """Check workshop files; print every problem with file, line and field. Exit 1 if any."""
    from babel.support import Translations

    from .templates_io import load_template_file

    lang = lang or ("en" if os.environ.get("LANG", "").startswith("en") else "nb")
    translations = Translations.load(os.path.join(os.path.dirname(__file__), "translations"), [lang])
    failed = False
    for path in files:
        checked = load_template_file(path)
        if checked.ok:
            click.echo(translations.gettext("%(file)s: no problems") % {"file": path})
            continue
        failed = True
        for problem in checked.problems:
            click.echo(problem.render(translations.gettext))
    raise SystemExit(1 if failed else 0)


APP_COMMANDS = (export_command, rehearse_command, reset_secret_command)


def init_app(app) -> None:
    for command in APP_COMMANDS:
        app.cli.add_command(command)


def _create_app():
    from . import create_app

    return create_app()


cli = FlaskGroup(name="workshop", create_app=_create_app, help=__doc__)
cli.add_command(serve_command)
cli.add_command(validate_command)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="workshop")


if __name__ == "__main__":
    main()
