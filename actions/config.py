"""Settings of the action server, read from the environment in one place.

The action server itself (actions/server.py):

    ACTION_SERVER_TOKEN  shared token (16+ characters, no spaces) that every call must
                         carry as `Authorization: Bearer <token>` (endpoints.yml sends it).
                         Without a usable token the action server refuses every call.
    ACTION_SERVER_HOST   address to listen on (127.0.0.1: this machine only). Set it to
                         0.0.0.0 only in a container whose port is not published.

The referral (warm hand-off) is on only when both `REFERRAL_URL` and
`REFERRAL_SECRET` are set. Everything else has a safe default.

    REFERRAL_URL        where referrals are POSTed (https, or http to this machine)
    REFERRAL_SECRET     shared secret for the HMAC-SHA256 signature (16+ characters)
    REFERRAL_PARTNER    who receives them, as told to the person ("a support worker")
    REFERRAL_OUTBOX     SQLite file of the outbox (var/referral-outbox.db)
    REFERRAL_TIMEOUT    seconds to wait for the receiver on each attempt (5)
    REFERRAL_MAX_ATTEMPTS  attempts before a referral is parked for a person to check (12)
    REFERRAL_PER_CONVERSATION_MINUTES  at most one referral per conversation in this
                        many minutes (60)
    REFERRAL_MAX_PER_HOUR  at most this many referrals in any hour, from all
                        conversations together (30): a flood stops at the cap
    REFERRAL_PARKED_DAYS   days after which the worker deletes the contents of parked
                        referrals, keeping only their key and times (14)

The limits are counted in the outbox database, so they hold across restarts
and across processes; conversations are counted by a keyed hash of their id,
never the id itself.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTBOX = ROOT / "var" / "referral-outbox.db"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
MIN_SECRET_LENGTH = 16
MIN_TOKEN_LENGTH = 16
DEFAULT_ACTION_SERVER_HOST = "127.0.0.1"


class ConfigError(ValueError):
    """A setting is present but unusable."""


@dataclass(frozen=True)
class ReferralSettings:
    """The referral's settings (see the module docstring); on only with url and secret."""

    url: str | None
    secret: str | None
    partner: str
    outbox: Path
    timeout: float
    max_attempts: int
    per_conversation_minutes: float = 60.0
    max_per_hour: int = 30
    parked_days: float = 14.0

    @property
    def enabled(self) -> bool:
        """Whether referral is on: both REFERRAL_URL and REFERRAL_SECRET are set."""
        return bool(self.url and self.secret)


def _number(env: Mapping[str, str], name: str, default: float, kind=float):
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number") from None
    if value <= 0:
        raise ConfigError(f"{name} must be more than 0")
    return value


def check_url(url: str) -> str:
    """Refuse a URL that would send a person's details unencrypted over a network."""
    parsed = urlparse(url)
    if parsed.scheme == "https" and parsed.hostname:
        return url
    if parsed.scheme == "http" and parsed.hostname in LOCAL_HOSTS:
        return url
    raise ConfigError("REFERRAL_URL must be https (plain http only to this machine)")


def active_referral_settings(env: Mapping[str, str] = os.environ) -> ReferralSettings | None:
    """The referral settings when referral is on and usable, else None.

    When a setting is unusable, a log line says why referral is off.
    """
    try:
        settings = referral_settings(env)
    except ConfigError as error:
        logger.error("Referral is off: %s", error)
        return None
    return settings if settings.enabled else None


def referral_settings(env: Mapping[str, str] = os.environ) -> ReferralSettings:
    """The referral settings from the environment, on or off.

    Raises:
        ConfigError: a setting is present but unusable.
    """
    url = env.get("REFERRAL_URL", "").strip() or None
    secret = env.get("REFERRAL_SECRET", "").strip() or None
    if url:
        check_url(url)
    if secret and len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(f"REFERRAL_SECRET must be at least {MIN_SECRET_LENGTH} characters")
    if bool(url) != bool(secret):
        logger.warning("Referral is off: set both REFERRAL_URL and REFERRAL_SECRET to turn it on.")
    return ReferralSettings(
        url=url,
        secret=secret,
        partner=env.get("REFERRAL_PARTNER", "").strip() or "a support worker",
        outbox=Path(env.get("REFERRAL_OUTBOX", "").strip() or DEFAULT_OUTBOX),
        timeout=_number(env, "REFERRAL_TIMEOUT", 5.0),
        max_attempts=_number(env, "REFERRAL_MAX_ATTEMPTS", 12, int),
        per_conversation_minutes=_number(env, "REFERRAL_PER_CONVERSATION_MINUTES", 60.0),
        max_per_hour=_number(env, "REFERRAL_MAX_PER_HOUR", 30, int),
        parked_days=_number(env, "REFERRAL_PARKED_DAYS", 14.0),
    )


def action_server_token(env: Mapping[str, str] = os.environ) -> str:
    """The token every call to the action server must carry.

    Raises:
        ConfigError: the token is missing or unusable (the action server then
            refuses every call).
    """
    token = env.get("ACTION_SERVER_TOKEN", "").strip()
    if not token:
        raise ConfigError("ACTION_SERVER_TOKEN is not set")
    if len(token) < MIN_TOKEN_LENGTH:
        raise ConfigError(f"ACTION_SERVER_TOKEN must be at least {MIN_TOKEN_LENGTH} characters")
    if any(ch.isspace() for ch in token) or not token.isprintable():
        raise ConfigError("ACTION_SERVER_TOKEN must not contain spaces or control characters")
    return token


def action_server_host(env: Mapping[str, str] = os.environ) -> str:
    """Where the action server listens.

    ACTION_SERVER_HOST, else rasa-sdk's own SANIC_HOST, else this machine only
    (rasa-sdk's default would be every address).
    """
    return (
        env.get("ACTION_SERVER_HOST", "").strip()
        or env.get("SANIC_HOST", "").strip()
        or DEFAULT_ACTION_SERVER_HOST
    )
