"""`qalx server ...`: set up, run and administer a self-hosted qalx server.

Every option also reads a `QALX_SERVER_*` environment variable (see settings.py); with no
options at all the server keeps everything under the platform's user data directory.
"""

from __future__ import annotations

import configparser
import datetime as dt
import os
import uuid
from pathlib import Path
from typing import Any

import click

from qalx_server.auth import admin
from qalx_server.entities.errors import Refused
from qalx_server.entities.indexes import DeclaredIndexes
from qalx_server.guids import parse_guid
from qalx_server.notifications import deliveries
from qalx_server.settings import SMTP_DEFAULT_PORTS, Settings
from qalx_server.store.database import Database

DEFAULT_PROFILE = "local"


def _settings(**overrides: Any) -> Settings:
    return Settings.from_env(**overrides)


def _database(settings: Settings) -> Database:
    db = Database(settings.resolved_database_url)
    db.migrate()
    return db


data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the server keeps its database, files and secret (QALX_SERVER_DATA_DIR).",
)
database_option = click.option(
    "--database-url",
    help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db (QALX_SERVER_DATABASE_URL). "
    "Default: SQLite in the data directory.",
)


@click.group()
def server() -> None:
    """Run a self-hosted qalx API server."""


@server.command()
@data_dir_option
@database_option
@click.option("--company", default="default", show_default=True, help="The first company.")
@click.option("--email", default="admin@localhost", show_default=True, help="The first user.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--profile",
    default=DEFAULT_PROFILE,
    show_default=True,
    help="Profile written to the qalx config file.",
)
@click.option(
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The qalx user config file to write the profile to (default ~/.qalx).",
)
def init(
    data_dir: Path | None,
    database_url: str | None,
    company: str,
    email: str,
    host: str,
    port: int,
    profile: str,
    config_file: Path | None,
) -> None:
    """Create the data directory, database, first company and user; print the user's token and
    write a profile (BASE_URL, TOKEN) to the qalx config file."""
    settings = _settings(data_dir=data_dir, database_url=database_url)
    db = _database(settings)
    try:
        user = admin.create_user(db, company, email)
    except admin.AdminError as exc:
        raise click.ClickException(f"{exc} (use `qalx server token create {email}`)") from None
    finally:
        db.dispose()
    base_url = f"http://{host}:{port}/"
    path = config_file or Path(os.path.expanduser("~/.qalx"))
    write_profile(path, profile, {"BASE_URL": base_url, "TOKEN": user.token})
    click.echo(f"data directory: {settings.data_dir}")
    click.echo(f"database:       {settings.resolved_database_url}")
    click.echo(f"user:           {user.email} (company {user.company!r})")
    click.echo(f"token:          {user.token}")
    click.echo(f"profile [{profile}] written to {path} with BASE_URL={base_url}")
    click.echo(f"start the server with: qalx server start --port {port}")


def write_profile(path: Path, profile: str, values: dict[str, str]) -> None:
    """Set keys of one profile in an INI config file, keeping everything else in it."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    if path.exists():
        parser.read(path)
    if not parser.has_section(profile):
        parser.add_section(profile)
    for key, value in values.items():
        parser.set(profile, key, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as f:
        parser.write(f)
    path.chmod(0o600)


@server.command()
@data_dir_option
@database_option
@click.option("--host", help="Address to listen on (QALX_SERVER_HOST, default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (QALX_SERVER_PORT, default 8000).")
@click.option("--public-url", help="Base URL clients use, for signed file URLs.")
@click.option("--storage", type=click.Choice(["local", "s3"]), help="Where file bytes live.")
@click.option("--s3-bucket", help="Bucket for --storage s3.")
@click.option("--s3-endpoint-url", help="S3-compatible endpoint (default: AWS).")
@click.option("--s3-region", help="Region of the bucket.")
@click.option(
    "--statement-seconds",
    type=float,
    help="Longest one database statement may run (default 30; 0: no limit).",
)
@click.option("--queues", type=click.Choice(["builtin", "sqs"]), help="Where queues live.")
@click.option("--sqs-region", help="Region of the Amazon SQS queues (--queues sqs).")
@click.option("--sqs-role-arn", help="Role assumed to issue queue credentials (--queues sqs).")
@click.option("--sqs-endpoint-url", help="SQS endpoint other than AWS's (--queues sqs).")
@click.option("--sts-endpoint-url", help="STS endpoint other than AWS's (--queues sqs).")
@click.option("--smtp-host", help="SMTP server that sends notifications (none: they wait).")
@click.option("--smtp-port", type=int, help="Its port (default 587, 465 for tls, 25 for none).")
@click.option(
    "--smtp-security",
    type=click.Choice(list(SMTP_DEFAULT_PORTS)),
    help="starttls (default), tls (SMTPS) or none.",
)
@click.option(
    "--smtp-username",
    help="SMTP login; the password only from QALX_SERVER_SMTP_PASSWORD (flags are visible).",
)
@click.option("--smtp-sender", help="The From address of notifications, e.g. 'qalx <q@x.com>'.")
@click.option(
    "--smtp-verify/--no-smtp-verify",
    default=None,
    help="Check the SMTP server's TLS certificate (default: check).",
)
@click.option("--smtp-ca-file", help="PEM CA certificates to check the SMTP server with.")
@click.option("--log-level", default="info", show_default=True)
def start(log_level: str, **options: Any) -> None:
    """Serve the qalx API (migrating the database first)."""
    import uvicorn

    from qalx_server.app import create_app

    settings = _settings(**options)
    db = _database(settings)
    db.dispose()
    try:
        app = create_app(settings)
    except ValueError as exc:  # settings that do not go together
        raise click.ClickException(str(exc)) from None
    click.echo(f"qalx server on http://{settings.host}:{settings.port}/ (docs at /docs)")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=log_level)


@server.group()
def user() -> None:
    """Users of the server."""


@user.command("add")
@click.argument("email")
@click.option("--company", required=True, help="The user's company (created if new).")
@data_dir_option
@database_option
def user_add(email: str, company: str, data_dir: Path | None, database_url: str | None) -> None:
    """Add a user and print their first token."""
    db = _database(_settings(data_dir=data_dir, database_url=database_url))
    try:
        new = admin.create_user(db, company, email)
    except admin.AdminError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.dispose()
    click.echo(new.token)


@user.command("list")
@data_dir_option
@database_option
def user_list(data_dir: Path | None, database_url: str | None) -> None:
    """List users and their companies."""
    db = _database(_settings(data_dir=data_dir, database_url=database_url))
    try:
        for row in admin.list_users(db):
            click.echo(f"{row['company']}\t{row['email']}")
    finally:
        db.dispose()


@server.group()
def index() -> None:
    """Declared indexes on document paths, which the queries touching them use."""


def _index_call(data_dir: Path | None, database_url: str | None, work: Any) -> Any:
    db = _database(_settings(data_dir=data_dir, database_url=database_url))
    try:
        return work(db, DeclaredIndexes(db))
    except (admin.AdminError, Refused) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.dispose()


@index.command("add")
@click.argument("entity_type", metavar="TYPE")
@click.argument("path")
@click.option("--company", required=True, help="The company whose queries use it.")
@data_dir_option
@database_option
def index_add(
    entity_type: str, path: str, company: str, data_dir: Path | None, database_url: str | None
) -> None:
    """Declare an index on PATH (e.g. data.x, metadata.data.x) of TYPE's documents, and build
    it (on PostgreSQL without blocking writes)."""
    added = _index_call(
        data_dir,
        database_url,
        lambda db, indexes: indexes.add(admin.company_id(db, company), entity_type, path),
    )
    click.echo(f"{added['entity_type']}\t{added['path']}\tindexed for {company}")


@index.command("list")
@click.option("--company", help="Only this company's indexes.")
@data_dir_option
@database_option
def index_list(company: str | None, data_dir: Path | None, database_url: str | None) -> None:
    """List declared indexes: company, type and path."""

    def listed(db: Database, indexes: DeclaredIndexes) -> list[dict[str, Any]]:
        return indexes.list(admin.company_id(db, company) if company else None)

    for row in _index_call(data_dir, database_url, listed):
        click.echo(f"{row['company']}\t{row['entity_type']}\t{row['path']}")


@index.command("drop")
@click.argument("entity_type", metavar="TYPE")
@click.argument("path")
@click.option("--company", required=True, help="The company that declared it.")
@data_dir_option
@database_option
def index_drop(
    entity_type: str, path: str, company: str, data_dir: Path | None, database_url: str | None
) -> None:
    """Drop a declared index (the database's goes with the last company declaring it)."""
    _index_call(
        data_dir,
        database_url,
        lambda db, indexes: indexes.drop(admin.company_id(db, company), entity_type, path),
    )
    click.echo(f"dropped the index on {entity_type} {path} for {company}")


@server.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.argument("email")
@click.option("--label", default="", help="A note to tell this token apart.")
@data_dir_option
@database_option
def token_create(email: str, label: str, data_dir: Path | None, database_url: str | None) -> None:
    """Create another token for a user and print it (it is shown only once)."""
    db = _database(_settings(data_dir=data_dir, database_url=database_url))
    try:
        click.echo(admin.create_token(db, email, label))
    except admin.AdminError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.dispose()


@token.command("list")
@click.option("--email", help="Only this user's tokens.")
@data_dir_option
@database_option
def token_list(email: str | None, data_dir: Path | None, database_url: str | None) -> None:
    """List tokens (their first characters only)."""
    db = _database(_settings(data_dir=data_dir, database_url=database_url))
    try:
        for row in admin.list_tokens(db, email):
            owner = row["email"] or f"bot {row['bot_guid']}"
            state = "revoked" if row["revoked_at"] else "live"
            click.echo(f"{row['prefix']}…\t{owner}\t{state}\t{row['label']}")
    finally:
        db.dispose()


@token.command("revoke")
@click.argument("prefix")
@data_dir_option
@database_option
def token_revoke(prefix: str, data_dir: Path | None, database_url: str | None) -> None:
    """Revoke a token, given at least its first 8 characters."""
    db = _database(_settings(data_dir=data_dir, database_url=database_url))
    try:
        count = admin.revoke_token(db, prefix)
    except admin.AdminError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.dispose()
    click.echo(f"revoked {count} token(s); running servers stop accepting it within seconds")


@server.group()
def notifications() -> None:
    """Notification e-mails: what waits in the outbox, what failed, and sending again."""


def _when(ms: int | None) -> str:
    if ms is None:
        return "-"
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _hyphenated(guid: str) -> str:
    return str(uuid.UUID(hex=guid))


@notifications.command("list")
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(deliveries.STATES),
    help="Only notifications in this delivery state (repeat for several).",
)
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10_000))
@data_dir_option
@database_option
def notifications_list(
    states: tuple[str, ...], limit: int, data_dir: Path | None, database_url: str | None
) -> None:
    """List notifications of every company, newest first, with their delivery state."""
    from rich.console import Console
    from rich.table import Table

    db = _database(_settings(data_dir=data_dir, database_url=database_url))
    try:
        with db.read() as conn:
            rows = deliveries.listing(conn, states, limit)
    finally:
        db.dispose()
    table = Table("guid", "company", "created", "state", "attempts", "to", "subject", "detail")
    for row in rows:
        if row.state == "sent":
            refused = f"; {row.last_error}" if row.last_error else ""
            detail = f"sent {_when(row.sent_ms)}{refused}"
        elif row.next_attempt_ms is not None and row.state == "queued" and row.attempts:
            detail = f"next attempt {_when(row.next_attempt_ms)}; last: {row.last_error or '-'}"
        else:
            detail = row.last_error or "-"
        table.add_row(
            _hyphenated(row.guid),
            row.company,
            _when(row.created_ms),
            row.state,
            str(row.attempts),
            ", ".join(row.to),
            row.subject,
            detail,
        )
    console = Console()
    console.print(table)
    console.print(f"{len(rows)} notification(s)")


@notifications.command("retry")
@click.argument("guids", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Every failed and outbox notification.")
@data_dir_option
@database_option
def notifications_retry(
    guids: tuple[str, ...], everything: bool, data_dir: Path | None, database_url: str | None
) -> None:
    """Queue failed and outbox notifications (by GUID, or --all) to be sent afresh, with a
    new set of attempts, by a server with SMTP configured."""
    if everything == bool(guids):
        raise click.UsageError("give notification GUIDs or --all (not both)")
    wanted: list[str] | None = None
    if guids:
        wanted = []
        for text in guids:
            guid = parse_guid(text)
            if guid is None:
                raise click.BadParameter(f"{text!r} is not a guid", param_hint="GUID")
            wanted.append(guid)
    db = _database(_settings(data_dir=data_dir, database_url=database_url))
    try:
        with db.write() as conn:
            done = deliveries.requeue(conn, wanted, now=deliveries.now_ms())
    finally:
        db.dispose()
    for guid in done.requeued:
        click.echo(f"{_hyphenated(guid)}\tqueued")
    for guid, why in done.skipped.items():
        click.echo(f"{_hyphenated(guid)}\tnot retried: {why}")
    click.echo(
        f"requeued {len(done.requeued)} notification(s); a running server with SMTP "
        "configured sends them within its notification_poll_interval"
    )
    if done.skipped:
        raise SystemExit(1)
