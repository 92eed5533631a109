"""A durable outbox for referrals, in SQLite.

A referral is written here (and committed to disk) before the person is told
it will be sent. Whoever delivers it first takes a short lease on it, so the
action server and the delivery worker never send the same referral at once;
if a sender dies mid-delivery the lease runs out and the worker tries again
with the same idempotency key, so the receiver sees it once.

Privacy: the body (the person's summary and contact details) is deleted as
soon as the receiver has it. Delivered rows keep only their key and times.
Parked referrals (refused, or failed too often) keep their body for a person
to check, but only for a while: `purge_parked` (run by the worker) deletes the
bodies of those parked longer than REFERRAL_PARKED_DAYS. The file and its
-wal and -shm companions are readable by their owner only (mode 0600).

Floods: `add` refuses a referral (LimitReached) when the same conversation
sent one within the last `Limits.per_conversation_seconds`, or when
`Limits.max_per_hour` referrals were sent in the last hour from all
conversations. The counts live here, in the `sends` table, so they hold
across restarts and processes; a conversation is recorded only as a keyed
hash of its id (see actions/referral.py), and rows older than the longest
window are deleted.
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

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
    last_error      TEXT,
    parked_at       REAL
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_attempt_at);
CREATE TABLE IF NOT EXISTS sends (
    conversation    TEXT NOT NULL,  -- a keyed hash of the conversation id, never the id
    sent_at         REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sends_conversation ON sends (conversation, sent_at);
CREATE INDEX IF NOT EXISTS sends_at ON sends (sent_at);
"""
LEASE_SECONDS = 60.0
FILE_MODE = 0o600
HOUR = 3600.0


class LimitReached(Exception):
    """A referral was refused by a flood limit: `which` is "conversation" or "hour"."""

    def __init__(self, which: str) -> None:
        super().__init__(which)
        self.which = which


@dataclass(frozen=True)
class Limits:
    """The flood limits: one referral per conversation in so many seconds, so many an hour."""

    per_conversation_seconds: float
    max_per_hour: int


@dataclass(frozen=True)
class Item:
    """A claimed referral: its idempotency key, its body and the attempts made so far."""

    key: str
    body: bytes
    attempts: int


class Outbox:
    """The outbox file. Each call opens its own connection: safe across threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Created private before SQLite opens it (SQLite gives -wal and -shm the
        # database file's mode); an existing file with a wider mode is narrowed.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE))
        self._restrict_files()
        with self._connect() as db:
            db.executescript(SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(outbox)")}
            if "parked_at" not in columns:  # an outbox from before parked_at
                try:
                    db.execute("ALTER TABLE outbox ADD COLUMN parked_at REAL")
                except sqlite3.OperationalError:  # another process added it just now
                    pass
        self._restrict_files()

    def _restrict_files(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            path = self.path.with_name(self.path.name + suffix)
            try:
                if path.stat().st_mode & 0o777 != FILE_MODE:
                    path.chmod(FILE_MODE)
            except FileNotFoundError:
                pass

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

    def add(
        self,
        body: bytes,
        now: float | None = None,
        conversation: str | None = None,
        limits: Limits | None = None,
    ) -> str:
        """Store a referral durably and return its idempotency key.

        With `limits`, first check the flood limits for `conversation` (a keyed
        hash of the conversation id) and raise LimitReached, storing nothing, when
        one is reached. The check and the write are one transaction, so two
        senders at once cannot both pass a limit.
        """
        key = str(uuid.uuid4())
        now = time.time() if now is None else now
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                if limits is not None:
                    self._check_limits(db, conversation or "", limits, now)
                    db.execute(
                        "INSERT INTO sends (conversation, sent_at) VALUES (?, ?)",
                        (conversation or "", now),
                    )
                db.execute(
                    "INSERT INTO outbox (key, body, created_at, next_attempt_at) "
                    "VALUES (?, ?, ?, ?)",
                    (key, body, now, now),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return key

    @staticmethod
    def _check_limits(db: sqlite3.Connection, conversation: str, limits: Limits, now: float):
        keep = max(limits.per_conversation_seconds, HOUR)
        db.execute("DELETE FROM sends WHERE sent_at <= ?", (now - keep,))
        recent = db.execute(
            "SELECT COUNT(*) FROM sends WHERE conversation = ? AND sent_at > ?",
            (conversation, now - limits.per_conversation_seconds),
        ).fetchone()[0]
        if recent:
            raise LimitReached("conversation")
        last_hour = db.execute(
            "SELECT COUNT(*) FROM sends WHERE sent_at > ?", (now - HOUR,)
        ).fetchone()[0]
        if last_hour >= limits.max_per_hour:
            raise LimitReached("hour")

    def claim(
        self, key: str | None = None, now: float | None = None, lease: float = LEASE_SECONDS
    ) -> Item | None:
        """Lease one due, pending referral (this one, or the oldest due) to send it."""
        now = time.time() if now is None else now
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                where = (
                    "status = 'pending' AND body IS NOT NULL "
                    "AND next_attempt_at <= ? AND lease_until <= ?"
                )
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

    def delivered(self, key: str, now: float | None = None) -> None:
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

    def failed(
        self, key: str, error: str, retry_at: float | None, now: float | None = None
    ) -> None:
        """An attempt failed: try again at `retry_at`, or park it (None) for a person to check."""
        now = time.time() if now is None else now
        with self._connect() as db:
            if retry_at is None:
                db.execute(
                    "UPDATE outbox SET status = 'parked', attempts = attempts + 1, "
                    "lease_until = 0, last_error = ?, parked_at = ? WHERE key = ?",
                    (error, now, key),
                )
            else:
                db.execute(
                    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, "
                    "lease_until = 0, last_error = ? WHERE key = ?",
                    (retry_at, error, key),
                )

    def requeue_parked(self, now: float | None = None) -> int:
        """Send parked referrals again (after the receiver or the settings are fixed).

        Those whose contents were purged cannot be sent and stay parked. Returns
        how many were queued again.
        """
        now = time.time() if now is None else now
        with self._connect() as db:
            return db.execute(
                "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, "
                "parked_at = NULL WHERE status = 'parked' AND body IS NOT NULL",
                (now,),
            ).rowcount

    def purge_parked(self, older_than: float, now: float | None = None) -> int:
        """Delete the contents of referrals parked more than `older_than` seconds ago.

        Their key and times are kept. Returns how many were purged.
        """
        now = time.time() if now is None else now
        with self._connect() as db:
            purged = db.execute(
                "UPDATE outbox SET body = NULL WHERE status = 'parked' AND body IS NOT NULL "
                "AND COALESCE(parked_at, next_attempt_at) <= ?",
                (now - older_than,),
            ).rowcount
            if purged:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return purged

    def status(self, key: str) -> dict | None:
        """One referral's state (never its body: only whether it still has one), or None."""
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            row = db.execute(
                "SELECT key, body IS NOT NULL AS has_body, status, attempts, next_attempt_at, "
                "delivered_at, last_error, parked_at FROM outbox WHERE key = ?",
                (key,),
            ).fetchone()
        return dict(row) if row else None

    def counts(self) -> dict:
        """How many referrals are pending, delivered and parked."""
        with self._connect() as db:
            rows = db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall()
        return {"pending": 0, "delivered": 0, "parked": 0, **dict(rows)}
