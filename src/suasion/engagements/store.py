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
from suasion.engagements.errors import ConflictError, RegisterLocationError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ENV_URL = "SUASION_REGISTER_URL"


def is_conflict(exc: Exception) -> bool:
    """A database error that means "another transaction got there first": a unique violation,
    a deadlock, a serialisation failure or a lock timeout (other errors are bugs, not conflicts)."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) in ("23505", "40001", "40P01", "55P03"):
        return True
    text = str(orig)
    return text.startswith("UNIQUE constraint failed") or "database is locked" in text


def default_url() -> str:
    """``$SUASION_REGISTER_URL`` if set, else a SQLite file in the per-user data directory."""
    env = os.environ.get(ENV_URL)
    if env:
        return normalise_url(env)
    return f"sqlite:///{data_home(create=False) / 'register.sqlite'}"


def normalise_url(location: str | os.PathLike[str] | None) -> str:
    """A database URL from a URL or a filesystem path (a path means a SQLite file). Creates nothing."""
    if location is None:
        return default_url()
    text = str(location)
    if not text.strip():
        raise RegisterLocationError("no register location given (an empty path or URL)")
    if "\x00" in text:
        raise RegisterLocationError("the register location must not contain NUL characters")
    if "://" in text:
        try:
            url = make_url(text)
        except Exception:  # noqa: BLE001 - sqlalchemy raises ArgumentError or ValueError
            raise RegisterLocationError(f"cannot read the register URL {_scrub_url(text)!r}") from None
        if url.drivername in ("postgresql", "postgres"):  # default to psycopg 3
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)
    return f"sqlite:///{Path(text).expanduser()}"


def _scrub_url(text: str) -> str:
    """A URL without its password, for messages."""
    try:
        return make_url(text).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001
        return text.split("@")[-1] if "@" in text else text


def shown_url(url: str) -> str:
    """How a register location appears in messages: a file path, or a URL without its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return parsed.database
    return parsed.render_as_string(hide_password=True)


def _sqlite_engine(url: str, immediate: bool) -> Engine:
    engine = create_engine(url, pool_size=20, max_overflow=40, pool_timeout=60, hide_parameters=True,
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
    created: list[Path] = field(default_factory=list, repr=False)        # files this open created
    created_dirs: list[Path] = field(default_factory=list, repr=False)   # folders this open created
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
        """One transaction: committed at the end of the block, rolled back on any exception.
        A write that lost a race with another transaction (unique violation, deadlock,
        serialisation failure, lock timeout) becomes a :class:`ConflictError` (HTTP 409)."""
        from sqlalchemy.exc import DBAPIError

        try:
            with self._write_sessions() as session, session.begin():
                yield session
        except DBAPIError as exc:
            if is_conflict(exc):
                raise ConflictError("the register was changed by someone else at the same time; "
                                    "reload and apply your change again") from None
            raise

    def dispose(self) -> None:
        if self.changes is not None:
            self.changes.close()
            self.changes = None
        self.reader.dispose()
        if self.writer is not self.reader:
            self.writer.dispose()

    def discard(self) -> None:
        """Close, and remove the files and folders this open created (a failed ``init``)."""
        self.dispose()
        for path in self.created:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        for folder in self.created_dirs:  # deepest first
            try:
                folder.rmdir()
            except OSError:
                pass
        self.created, self.created_dirs = [], []


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (creates the tables on first use)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


SQLITE_HEADER = b"SQLite format 3\x00"


def _sqlite_file(database: str, create: bool) -> list[Path]:
    """Check a SQLite register file before connecting (connecting would create it). Returns the
    folders that had to be created for a new register (so a failed ``init`` can remove them)."""
    path = Path(database)
    if path.is_dir():
        raise RegisterLocationError(f"{path} is a folder, not a register file")
    exists = path.is_file() and path.stat().st_size > 0
    if not exists:
        if not create:
            raise RegisterLocationError(f"no register at {path}; create one with "
                                        f"'suasion register init --register {path}'")
        created = []
        parent = path.parent
        while not parent.exists():
            created.append(parent)
            parent = parent.parent
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RegisterLocationError(f"cannot create the register folder {path.parent}: "
                                        f"{exc.strerror}") from None
        return created
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise RegisterLocationError(f"cannot read {path}: {exc.strerror}") from None
    if header != SQLITE_HEADER:
        raise RegisterLocationError(f"{path} is not a register (not an SQLite database file)")
    return []


def _check_driver(url: str) -> None:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise RegisterLocationError("a PostgreSQL register needs the psycopg driver: "
                                        "pip install 'suasion[postgres]'") from None
    elif backend != "sqlite":
        raise RegisterLocationError(f"unsupported database {parsed.drivername!r} in "
                                    f"{parsed.render_as_string(hide_password=True)}; use a SQLite file "
                                    "path or a postgresql:// URL")


def _db_message(exc: BaseException, url: str) -> str:
    """The first line of a driver's error, without the URL's password."""
    orig = getattr(exc, "orig", None) or exc
    text = " ".join(str(orig).split("\n")[0].split())
    password = make_url(url).password
    if password:
        text = text.replace(str(password), "***")
    return text[:300]


def open_store(location: str | os.PathLike[str] | None = None, *, migrate: bool = True,
               create: bool = False) -> Store:
    """Open the register at ``location`` (migrating it to the newest schema when ``migrate``).

    A register that does not exist is an error (:class:`RegisterLocationError`) unless
    ``create`` is true; so is a database that is not a register, an unreachable server, an
    unsupported scheme or a missing driver. Nothing is created unless ``create`` is true.
    """
    from sqlalchemy import inspect
    from sqlalchemy.exc import DBAPIError, NoSuchModuleError

    url = normalise_url(location)
    _check_driver(url)
    shown = shown_url(url)
    parsed = make_url(url)
    created_dirs: list[Path] = []
    database = parsed.database if parsed.get_backend_name() == "sqlite" else None
    file_backed = bool(database) and database != ":memory:" and not str(database).startswith("file:")
    new_file = False
    if file_backed:
        new_file = not Path(str(database)).exists()
        created_dirs = _sqlite_file(str(database), create)
    try:
        if parsed.get_backend_name() == "sqlite":
            store = Store(url, _sqlite_engine(url, immediate=False), _sqlite_engine(url, immediate=True))
        else:
            engine = create_engine(url, pool_size=20, max_overflow=40, pool_timeout=60,
                                   hide_parameters=True, pool_pre_ping=True)
            store = Store(url, engine, engine)
    except NoSuchModuleError:
        raise RegisterLocationError(f"unsupported database in {shown}") from None
    store.created = [Path(str(database))] if new_file else []
    store.created_dirs = created_dirs
    try:
        with store.writer.connect() as connection:
            tables = set(inspect(connection).get_table_names())
        if "alembic_version" not in tables:
            if tables:
                raise RegisterLocationError(f"{shown} is not a register: it holds other tables "
                                            f"({', '.join(sorted(tables)[:5])})")
            if not create:
                raise RegisterLocationError(f"no register in {shown}; create one with "
                                            "'suasion register init --register URL'")
        if migrate:
            upgrade(store.writer)
    except RegisterLocationError:
        store.discard()
        raise
    except DBAPIError as exc:
        store.discard()
        raise RegisterLocationError(f"cannot open the register at {shown}: {_db_message(exc, url)}") from None
    if file_backed:
        store.changes = ChangeCounter(str(database))
    return store
