"""Settings of the action server, read from the environment in one place.

The referral (warm hand-off) is on only when both `REFERRAL_URL` and
`REFERRAL_SECRET` are set. Everything else has a safe default.

    REFERRAL_URL        where referrals are POSTed (https, or http to this machine)
    REFERRAL_SECRET     shared secret for the HMAC-SHA256 signature (16+ characters)
    REFERRAL_PARTNER    who receives them, as told to the person ("a support worker")
    REFERRAL_OUTBOX     SQLite file of the outbox (var/referral-outbox.db)
    REFERRAL_TIMEOUT    seconds to wait for the receiver on each attempt (5)
    REFERRAL_MAX_ATTEMPTS  attempts before a referral is parked for a person to check (12)
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional
from urllib.parse import urlparse

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTBOX = ROOT / "var" / "referral-outbox.db"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
MIN_SECRET_LENGTH = 16


class ConfigError(ValueError):
    """A setting is present but unusable."""


@dataclass(frozen=True)
class ReferralSettings:
    url: Optional[str]
    secret: Optional[str]
    partner: str
    outbox: Path
    timeout: float
    max_attempts: int

    @property
    def enabled(self) -> bool:
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


def active_referral_settings(env: Mapping[str, str] = os.environ) -> Optional[ReferralSettings]:
    """The referral settings when referral is on and usable; None (and a log line saying
    why, when a setting is unusable) when it is off."""
    try:
        settings = referral_settings(env)
    except ConfigError as error:
        logger.error("Referral is off: %s", error)
        return None
    return settings if settings.enabled else None


def referral_settings(env: Mapping[str, str] = os.environ) -> ReferralSettings:
    """The referral settings; raises ConfigError when a setting is unusable."""
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
    )
