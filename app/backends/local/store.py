"""The SQLite store of a local workspace: schema, migrations, short transactions.

Every call opens its own connection (cheap, and safe across threads and processes);
writes use BEGIN IMMEDIATE so two processes never interleave half-done changes.
"""
from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

from app.core.errors import UserInputError

SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 30_000

_SCHEMA_V1 = """
CREATE TABLE datasets (
    name TEXT NOT NULL, version INTEGER NOT NULL, sources TEXT NOT NULL, content_hash TEXT NOT NULL,
    path TEXT NOT NULL, rows INTEGER, columns TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL, PRIMARY KEY (name, version));
CREATE TABLE computes (name TEXT PRIMARY KEY, kind TEXT NOT NULL, properties TEXT NOT NULL DEFAULT '{}');
CREATE TABLE experiments (name TEXT PRIMARY KEY, created_at REAL NOT NULL);
CREATE TABLE runs (
    run_id TEXT PRIMARY KEY, experiment TEXT NOT NULL REFERENCES experiments(name), status TEXT NOT NULL,
    created_at REAL NOT NULL, started_at REAL, ended_at REAL, phase TEXT NOT NULL DEFAULT '', error TEXT,
    task TEXT NOT NULL, primary_metric TEXT NOT NULL, spec_yaml TEXT NOT NULL, parameters TEXT NOT NULL,
    dataset_name TEXT NOT NULL, dataset_version INTEGER NOT NULL, dataset_hash TEXT NOT NULL,
    seed INTEGER NOT NULL, best_metric REAL, best_iteration INTEGER, properties TEXT NOT NULL DEFAULT '{}');
CREATE INDEX runs_by_experiment ON runs(experiment, created_at);
CREATE INDEX runs_by_status ON runs(status);
CREATE TABLE step_runs (
    run_id TEXT PRIMARY KEY, parent_run_id TEXT NOT NULL REFERENCES runs(run_id), name TEXT NOT NULL,
    position INTEGER NOT NULL, status TEXT NOT NULL, reused INTEGER NOT NULL DEFAULT 0, reused_from TEXT,
    reuse_key TEXT, started_at REAL, ended_at REAL, error TEXT, log_path TEXT, outputs TEXT NOT NULL DEFAULT '{}',
    pid INTEGER, pid_created REAL);
CREATE INDEX steps_by_parent ON step_runs(parent_run_id, position);
CREATE INDEX steps_by_reuse ON step_runs(name, reuse_key, status);
CREATE TABLE iterations (
    run_id TEXT PRIMARY KEY, step_run_id TEXT NOT NULL REFERENCES step_runs(run_id), iteration INTEGER NOT NULL,
    status TEXT NOT NULL, run_algorithm TEXT NOT NULL, run_preprocessor TEXT NOT NULL,
    hyperparameters TEXT NOT NULL, metrics TEXT NOT NULL, duration_s REAL, seeded INTEGER NOT NULL DEFAULT 0);
CREATE INDEX iterations_by_step ON iterations(step_run_id, iteration);
CREATE TABLE models (
    name TEXT NOT NULL, version INTEGER NOT NULL, path TEXT NOT NULL, content_hash TEXT NOT NULL,
    size_bytes INTEGER NOT NULL, created_at REAL NOT NULL, run_id TEXT, iteration INTEGER,
    dataset TEXT NOT NULL DEFAULT '', task TEXT NOT NULL DEFAULT '', primary_metric TEXT NOT NULL DEFAULT '',
    metric_value REAL, properties TEXT NOT NULL DEFAULT '{}', PRIMARY KEY (name, version));
INSERT INTO computes (name, kind, properties) VALUES ('local', 'local', '{}');
"""

# Migrations from version N to N+1; the list index is N - 1.
MIGRATIONS: list[str] = []


class Store:
    """One workspace database file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._migrate()

    def connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    @contextmanager
    def read(self):
        conn = self._open_checked()
        try:
            yield conn
        except sqlite3.DatabaseError as exc:
            raise self._translated(exc) from None
        finally:
            conn.close()

    @contextmanager
    def write(self):
        """A write transaction: committed on success, rolled back on any exception."""
        conn = self._open_checked()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise self._translated(exc) from None
        finally:
            conn.close()

    def _open_checked(self) -> sqlite3.Connection:
        try:
            return self.connect()
        except sqlite3.DatabaseError as exc:
            raise self._corrupt(exc) from None

    def _translated(self, exc: sqlite3.DatabaseError) -> Exception:
        """A damaged file, a full disk or a read-only folder becomes advice; anything else stays a bug."""
        text = str(exc).lower()
        if "malformed" in text or "not a database" in text:
            return self._corrupt(exc)
        if "full" in text:
            return UserInputError(f"the disk holding workspace {self.path.parent} is full ({exc}); nothing was "
                                  "recorded. Free some space and try again")
        if "readonly" in text or "read-only" in text:
            return UserInputError(f"workspace {self.path.parent} is read-only ({exc}); nothing was recorded. "
                                  "Make the folder writable or choose another workspace")
        return exc

    def _corrupt(self, exc) -> UserInputError:
        return UserInputError(
            f"workspace database {self.path} cannot be read ({exc}); restore it from a backup "
            "or choose another workspace folder")

    def _migrate(self) -> None:
        try:
            conn = self.connect()
            conn.execute("PRAGMA journal_mode = WAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise self._corrupt(exc) from None
        try:
            if version > SCHEMA_VERSION:
                raise UserInputError(
                    f"workspace {self.path.parent} was written by a newer AutoML Desk (schema {version}, this "
                    f"version reads {SCHEMA_VERSION}); upgrade automl-desk to open it")
            if version == SCHEMA_VERSION:
                return
            if version > 0:
                backup = self.path.with_name(f"{self.path.name}.v{version}.{int(time.time())}.bak")
                conn.execute(f"VACUUM INTO '{backup}'")
            conn.execute("BEGIN IMMEDIATE")
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current == 0:
                for statement in _SCHEMA_V1.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                current = 1
            while current < SCHEMA_VERSION:
                conn.execute(MIGRATIONS[current - 1])
                current += 1
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise self._corrupt(exc) from None
        finally:
            conn.close()

    def integrity_ok(self) -> bool:
        with self.read() as conn:
            return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

