"""A durable outbox for referrals, in SQLite.

A referral is written here (and committed to disk) before the person is told
it will be sent. Whoever delivers it first takes a short lease on it, so the
action server and the delivery worker never send the same referral at once;
if a sender dies mid-delivery the lease runs out and the worker tries again
with the same idempotency key, so the receiver sees it once.

Privacy: the body (the person's summary and contact details) is deleted as
soon as the receiver has it. Delivered rows keep only their key and times.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    key             TEXT PRIMARY KEY,
    body            BLOB,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'delivered', 'parked')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      REAL NOT NULL,
    next_attempt_at REAL NOT NULL,
    lease_until     REAL NOT NULL DEFAULT 0,
    delivered_at    REAL,
    last_error      TEXT
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_attempt_at);
"""
LEASE_SECONDS = 60.0


@dataclass(frozen=True)
class Item:
    key: str
    body: bytes
    attempts: int


class Outbox:
    """The outbox file. Each call opens its own connection: safe across threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA secure_delete=ON")  # deleted text is overwritten, not left
            yield db
        finally:
            db.close()

    def add(self, body: bytes, now: Optional[float] = None) -> str:
        """Store a referral durably and return its idempotency key."""
        key = str(uuid.uuid4())
        now = time.time() if now is None else now
        with self._connect() as db:
            db.execute(
                "INSERT INTO outbox (key, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?)",
                (key, body, now, now),
            )
        return key

    def claim(
        self, key: Optional[str] = None, now: Optional[float] = None, lease: float = LEASE_SECONDS
    ) -> Optional[Item]:
        """Lease one due, pending referral (this one, or the oldest due) to send it."""
        now = time.time() if now is None else now
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                where = "status = 'pending' AND next_attempt_at <= ? AND lease_until <= ?"
                args: tuple = (now, now)
                if key is not None:
                    where += " AND key = ?"
                    args += (key,)
                row = db.execute(
                    f"SELECT key, body, attempts FROM outbox WHERE {where} "
                    "ORDER BY next_attempt_at LIMIT 1",
                    args,
                ).fetchone()
                if row is not None:
                    db.execute(
                        "UPDATE outbox SET lease_until = ? WHERE key = ?", (now + lease, row[0])
                    )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return Item(key=row[0], body=bytes(row[1]), attempts=row[2]) if row else None

    def delivered(self, key: str, now: Optional[float] = None) -> None:
        """The receiver has it: forget the body, keep the key and time."""
        now = time.time() if now is None else now
        with self._connect() as db:
            db.execute(
                "UPDATE outbox SET status = 'delivered', body = NULL, delivered_at = ?, "
                "attempts = attempts + 1, lease_until = 0, last_error = NULL WHERE key = ?",
                (now, key),
            )
            # Old copies of the page with the body must not stay in the write-ahead log.
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def failed(self, key: str, error: str, retry_at: Optional[float]) -> None:
        """An attempt failed: try again at `retry_at`, or park it (None) for a person to check."""
        with self._connect() as db:
            if retry_at is None:
                db.execute(
                    "UPDATE outbox SET status = 'parked', attempts = attempts + 1, "
                    "lease_until = 0, last_error = ? WHERE key = ?",
                    (error, key),
                )
            else:
                db.execute(
                    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, "
                    "lease_until = 0, last_error = ? WHERE key = ?",
                    (retry_at, error, key),
                )

    def requeue_parked(self, now: Optional[float] = None) -> int:
        """Send parked referrals again (after the receiver or the settings are fixed)."""
        now = time.time() if now is None else now
        with self._connect() as db:
            return db.execute(
                "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ? "
                "WHERE status = 'parked'",
                (now,),
            ).rowcount

    def status(self, key: str) -> Optional[dict]:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            row = db.execute(
                "SELECT key, body IS NOT NULL AS has_body, status, attempts, next_attempt_at, "
                "delivered_at, last_error FROM outbox WHERE key = ?",
                (key,),
            ).fetchone()
        return dict(row) if row else None

    def counts(self) -> dict:
        """How many referrals are pending, delivered and parked."""
        with self._connect() as db:
            rows = db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall()
        return {"pending": 0, "delivered": 0, "parked": 0, **dict(rows)}
