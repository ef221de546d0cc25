"""Dagster's SQLite event log, with each database file kept open for the process instead of opened,
committed to and closed for every event.

Dagster's SqliteEventLogStorage creates a SQLAlchemy engine, opens the file, commits and closes it for each
of the ~3-4 reads and writes an event costs (the run's own file, the index file): ~10 ms an event, ~6 s of a
`bcm refresh` (~600 events: step starts and successes, outputs, materializations, check evaluations, planned
events). This subclass keeps one engine (one connection) per database file for the life of the instance,
with SQLite's `synchronous=NORMAL`, the setting SQLite documents for WAL mode (Dagster's files are WAL):
committed transactions stay atomic and the file never corrupts; only a power cut may lose the last commits.
Same files, same tables, same rows: the UI and the daemon read them with Dagster's own class.

Used only by the instance `bcm refresh` opens (assets/instance.py open_instance), when the data folder's
dagster.yaml names no storage of its own. Dagster is pinned to one version (pyproject.toml): `_connect` is
the method this overrides.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as db
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS, create_db_conn_string
from dagster._serdes import ConfigurableClassData
from sqlalchemy.pool import StaticPool


class KeptOpenSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: dict[str, db.Engine] = {}
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> KeptOpenSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> db.Engine:
        engine = self._engines.get(shard)
        if engine is None:
            # One connection, reused; every use is under the storage's lock (see _connect).
            engine = db.create_engine(
                create_db_conn_string(self._base_dir, shard),
                poolclass=StaticPool,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )

            @db.event.listens_for(engine, "connect")
            def _pragmas(dbapi_connection, _record) -> None:
                dbapi_connection.execute("PRAGMA synchronous=NORMAL")

            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            self._engines[shard] = engine
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[db.Connection]:
        with self._db_lock, self._engine(shard).connect() as conn, conn.begin():
            yield conn

    def _close_all(self) -> None:
        with self._db_lock:
            engines, self._engines = self._engines, {}
        for engine in engines.values():
            engine.dispose()

    def wipe(self) -> None:
        self._close_all()  # wipe deletes the files
        super().wipe()

    def dispose(self) -> None:
        self._close_all()
        super().dispose()
