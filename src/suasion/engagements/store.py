"""Opening the register's database: SQLite file by default, PostgreSQL by URL; migrations on open.

SQLite is opened in WAL mode with a busy timeout, and write transactions start with
``BEGIN IMMEDIATE`` so that concurrent writers queue for the lock instead of failing on
lock upgrade. PostgreSQL needs nothing special: optimistic concurrency is enforced by
``UPDATE ... WHERE version = :old`` (SQLAlchemy ``version_id_col``).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from suasion.config import data_home

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ENV_URL = "SUASION_REGISTER_URL"


def default_url() -> str:
    """``$SUASION_REGISTER_URL`` if set, else a SQLite file in the per-user data directory."""
    env = os.environ.get(ENV_URL)
    if env:
        return normalise_url(env)
    return f"sqlite:///{data_home() / 'register.sqlite'}"


def normalise_url(location: str | os.PathLike[str] | None) -> str:
    """A database URL from a URL or a filesystem path (a path means a SQLite file)."""
    if location is None:
        return default_url()
    text = str(location)
    if "://" in text:
        url = make_url(text)
        if url.drivername in ("postgresql", "postgres"):  # default to psycopg 3, which we depend on
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)
    path = Path(text).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _sqlite_engine(url: str, immediate: bool) -> Engine:
    engine = create_engine(url, pool_size=20, max_overflow=40, pool_timeout=60,
                           connect_args={"check_same_thread": False, "timeout": 60})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class ChangeCounter:
    """Has a SQLite database changed? ``PRAGMA data_version`` on a connection that never writes
    changes whenever any other connection, in this process or another, commits (SQLite
    documents this), so a value read before a query tells whether a result computed then is
    still current."""

    def __init__(self, path: str):
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()

    def current(self) -> int:
        with self._lock:
            return int(self._connection.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._connection.close()


@dataclass
class Store:
    """Two engines on one database: ``reader`` for queries, ``writer`` for transactions that write."""

    url: str
    reader: Engine
    writer: Engine
    cache: dict[str, Any] = field(default_factory=dict, repr=False)
    changes: ChangeCounter | None = field(default=None, repr=False)  # SQLite files only
    _read_sessions: sessionmaker[Session] = field(init=False, repr=False)
    _write_sessions: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._read_sessions = sessionmaker(self.reader, expire_on_commit=False)
        self._write_sessions = sessionmaker(self.writer, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.writer.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read_sessions() as session, session.begin():
            yield session

    @contextmanager
    def read_rows(self) -> Iterator[Connection]:
        """A read transaction on a plain Core connection (no ORM session: cheaper per request)."""
        with self.reader.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed at the end of the block, rolled back on any exception."""
        with self._write_sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        if self.changes is not None:
            self.changes.close()
        self.reader.dispose()
        if self.writer is not self.reader:
            self.writer.dispose()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (creates the tables on first use)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_store(location: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> Store:
    url = normalise_url(location)
    if make_url(url).get_backend_name() == "sqlite":
        store = Store(url, _sqlite_engine(url, immediate=False), _sqlite_engine(url, immediate=True))
        database = make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            store.changes = ChangeCounter(database)
    else:
        engine = create_engine(url, pool_size=20, max_overflow=40, pool_timeout=60, pool_pre_ping=True)
        store = Store(url, engine, engine)
    if migrate:
        upgrade(store.writer)
    return store
