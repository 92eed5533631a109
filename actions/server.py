"""The rasa-sdk action server, hardened: who may call it, where it listens, what errors reveal.

Why this module exists, and why it works with the plain `rasa run actions`
(or `python -m rasa_sdk --actions actions`): rasa-sdk's `endpoint.run()` first
creates its Sanic app, named "rasa_sdk", then imports this package to register
the actions, and only after that reads `SANIC_HOST` and starts the server.
`actions/__init__.py` imports this module, so `attach()` runs at that moment
and changes the app before it serves anything. rasa-sdk's own plugin hook
(`attach_sanic_app_extensions`) would be the other way, but it only looks for
an installed top-level package named `rasa_sdk_plugins`, which a project cannot
ship without installing it. In every other process that imports `actions` (the
delivery worker, the tests, scripts) there is no "rasa_sdk" app and `attach()`
does nothing.

What it changes:

* **Who may call it.** Every request except `GET /health` (which answers only
  `{"status": "ok"}`) must carry `Authorization: Bearer <ACTION_SERVER_TOKEN>`;
  the Rasa server sends it (endpoints.yml). The token is compared in constant
  time (`hmac.compare_digest` of two SHA-256 digests, so not even its length
  shows). A missing or wrong token, or a token anywhere else (a `?token=`
  query parameter ends up in logs and proxies), gets 401 before the action
  runs. With no usable token configured the server refuses every call and
  says why in its log at startup (fail closed).
* **Where it listens.** `ACTION_SERVER_HOST` (else rasa-sdk's `SANIC_HOST`),
  by default 127.0.0.1: this machine only, not rasa-sdk's 0.0.0.0.
* **What errors reveal.** rasa-sdk answers a failing action with the exception
  text and the whole request (the conversation's tracker), and logs both; the
  Rasa server then logs that answer at ERROR. Here every error, in one place
  (the app's exception handler), is answered with a generic message and the
  action name only, and logged with the exception's type and the action name:
  details (which may hold what the person wrote) go only to DEBUG. The access
  log, which would show query strings, is off.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
from collections.abc import Mapping
from typing import Any

from actions.config import ConfigError, action_server_host, action_server_token

logger = logging.getLogger(__name__)

APP_NAME = "rasa_sdk"  # the name rasa_sdk.endpoint.create_app gives its Sanic app
OPEN_PATHS = {"/health"}
ACTION_NAME = re.compile(r"[A-Za-z0-9_]{1,100}")
ERRORS = {
    400: "Bad request.",
    401: "Unauthorized.",
    404: "Not found.",
    405: "Method not allowed.",
    413: "Request too large.",
}


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()


def token_matches(expected: str | None, authorization: str | None) -> bool:
    """Whether an Authorization header carries the expected bearer token.

    Constant time: both sides are hashed to 32 bytes and compared with
    `hmac.compare_digest`, whatever the given header looks like.
    """
    scheme, _, given = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        given = ""
    same = hmac.compare_digest(_digest(expected or ""), _digest(given.strip()))
    return bool(expected) and same


def action_name_of(request: Any) -> str | None:
    """The action asked for, if the request says so plainly (never any other text)."""
    try:
        name = (request.json or {}).get("next_action")
    except Exception:  # not JSON, compressed, or not an object
        return None
    return name if isinstance(name, str) and ACTION_NAME.fullmatch(name) else None


def error_answer(request: Any, exception: BaseException):
    """The one place where every error is answered and logged, without the conversation."""
    from sanic import response
    from sanic.exceptions import SanicException

    action = action_name_of(request)
    if isinstance(exception, SanicException):
        status = getattr(exception, "status_code", 500) or 500
    else:
        status = 500
    if status >= 500:
        logger.error(
            "Action %s failed: %s. The details are logged at DEBUG only: they may hold "
            "what the person wrote.",
            action or "(unknown)",
            type(exception).__name__,
        )
        logger.debug("Action %s failed.", action, exc_info=exception)
        error = "The action failed."
    else:
        logger.info("Refused a request (%d %s).", status, type(exception).__name__)
        error = ERRORS.get(status, "Request refused.")
    return response.json({"error": error, "action_name": action}, status=status)


def unauthorized():
    """The 401 answer for a call without a valid token (generic, with a Bearer challenge)."""
    from sanic import response

    return response.json(
        {"error": ERRORS[401]}, status=401, headers={"WWW-Authenticate": 'Bearer realm="actions"'}
    )


def configure_host(env: Mapping[str, str] | None = None) -> str:
    """Set SANIC_HOST, which rasa_sdk.endpoint.run() reads after importing the actions."""
    host = action_server_host(os.environ if env is None else env)
    os.environ["SANIC_HOST"] = host
    return host


def attach(app: Any) -> None:
    """Harden rasa-sdk's app before it serves anything (see the module docstring).

    Requires the token on every call, answers errors without the conversation,
    and listens on this machine only unless configured otherwise. Safe to call
    twice.
    """
    if getattr(app.ctx, "nz_hardened", False):
        return
    app.ctx.nz_hardened = True

    try:
        token: str | None = action_server_token()
    except ConfigError as error:
        token = None
        logger.error(
            "The action server refuses every action call: %s. Set ACTION_SERVER_TOKEN "
            "(16+ characters) for both the action server and the Rasa server "
            "(endpoints.yml sends it as 'Authorization: Bearer ...').",
            error,
        )

    async def require_token(request):
        if request.path in OPEN_PATHS and request.method in ("GET", "HEAD"):
            return None
        if token_matches(token, request.headers.get("authorization")):
            return None
        logger.info("Refused a call without a valid token (401).")
        return unauthorized()

    app.register_middleware(require_token, "request")

    # rasa-sdk registers its own handler for every exception (it answers with
    # str(exception) and the whole request body) after importing the actions, so
    # ours replaces it when the server starts, before the first request.
    async def take_over_errors(app, _loop) -> None:
        app.error_handler.add(Exception, error_answer)

    app.register_listener(take_over_errors, "before_server_start")
    app.config.ACCESS_LOG = False

    host = configure_host()
    logger.info(
        "Action server: calls need the shared token (ACTION_SERVER_TOKEN); listening on %s.",
        host,
    )


def attach_to_running_sdk() -> None:
    """Attach to rasa-sdk's app if this process is an action server; otherwise do nothing."""
    try:
        from sanic import Sanic
    except ImportError:  # pragma: no cover - rasa_sdk always brings sanic
        return
    try:
        app = Sanic.get_app(APP_NAME)
    except Exception:  # no such app: not an action server process
        return
    attach(app)
