"""Logging settings that keep what people type out of logs.

Privacy rule: a person's words, report answers, contact details and platform
tokens never appear in a log record above DEBUG. The action server keeps to it
by itself (actions/server.py); this module does it for the Rasa server, whose
own code (and Sanic's) logs such things in a few places:

* **Tracebacks.** When a custom action fails, rasa.utils.endpoints raises
  ``ClientResponseError("{status}, {reason}, body='{body}'")`` and the processor
  logs the chained ``RasaException`` with ``logger.exception``: the traceback
  prints the action server's whole answer (older rasa-sdk answered with the
  whole tracker). Sanic's error logger, the tracker store and our channels log
  tracebacks too. Above DEBUG every traceback is replaced by a sanitized one:
  the frames (file, line, function, source line: code) and the type of every
  exception in the chain, never an exception's message.
* **Exceptions passed as the message or as an argument** (``logger.error(e)``,
  ``logger.error("... %s", e)``; Sanic does ``error_logger.exception(exception)``)
  are logged by their type name.
* **Query strings.** Sanic's access log (``record.request``, "GET <url>") and its
  error messages ("... handling uri: '<url>'") show whole URLs: Meta's webhook
  check carries ``?hub.verify_token=...``, the HTTP API ``?token=...``. Every
  ``scheme://...?query`` in a message or in ``record.request`` loses its query.
* **Messages that embed an exception's text or a person's words**: the short
  list `MESSAGE_RULES` below, one entry per place in Rasa 3.6 / Sanic 21.12,
  each with the reason; and Rasa's structlog events, which reach the standard
  logging as one JSON string per event (``rasa run`` outside a terminal): above
  DEBUG only their name, level and Rasa's fixed explanation are kept.

Records at DEBUG (and below) are left alone: developers may need them, and
`rasa run` does not show them unless asked (``--debug``).

How it is installed (`install`, called from ``bot/__init__.py``, so it runs in
the Rasa server process as soon as Rasa imports our channels from
credentials.yml, before the server starts; it is idempotent):

1. A LogRecord factory wraps the standard one, so every record is sanitized
   when it is created, whatever logger it is made on and whatever handlers it
   later reaches -- including handlers added after our import: Sanic's
   (``LOGGING_CONFIG_DEFAULTS``, configured when ``rasa.server`` creates the
   Sanic app), Rasa's ``--log-file`` and syslog handlers (added in
   ``rasa.core.run.configure_app``) and the ones ``update_sanic_log_level`` adds
   just before ``app.run``. Handler-level filters attached at import time would
   miss all of those.
2. `PrivateLogFilter` on the loggers that have their own handlers and, in
   ``rasa run``, do not propagate: ``sanic.root``, ``sanic.error`` and
   ``sanic.access`` (``update_sanic_log_level`` sets ``propagate = False``).
   A logger-level filter sees every record made on that logger before any of
   its handlers, and ``dictConfig`` replaces handlers but keeps logger filters.
   It is needed for the access log: Sanic passes the request line as
   ``extra``, which is set on the record only after the factory has run.
3. `PrivateLogFilter` on the root logger's handlers present at install time
   (Rasa's coloredlogs handler, set up before our modules are imported), for
   records that did not come from the factory (e.g. ``logging.makeLogRecord``).

Sanitizing changes the record in place, once (``record.nz_private``), so every
handler afterwards sees the same sanitized record.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

HIDDEN = "[hidden]"
CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"
MARK = "nz_private"  # attribute set on sanitized records, factories and filters

# Loggers with handlers of their own (Sanic's LOGGING_CONFIG_DEFAULTS) that
# `rasa run` stops from propagating to the root logger (update_sanic_log_level).
OWN_HANDLER_LOGGERS = ("sanic.root", "sanic.error", "sanic.access")

# `scheme://host/path?query`: the query (up to whitespace, a quote or a fragment)
# goes. Only absolute URLs: plain sentences may contain "?".
URL_QUERY = re.compile(r"""(\b[A-Za-z][A-Za-z0-9+.-]*://[^\s?#'"<>]*)\?[^\s#'"<>]*""")


@dataclass(frozen=True)
class MessageRule:
    """A log message of Rasa's or Sanic's that embeds data, and how to hide it.

    In messages from the logger `logger` or its children (and, if given, made in
    the function `function`), `pattern` is replaced by `replacement`; `why` says
    which message it is and what it would leak.
    """

    logger: str
    pattern: re.Pattern[str]
    replacement: str
    why: str
    function: str | None = None

    def applies(self, record: logging.LogRecord) -> bool:
        """Whether the record comes from this rule's logger (and function, if given)."""
        name = record.name or ""
        if not (name == self.logger or name.startswith(self.logger + ".")):
            return False
        return self.function is None or record.funcName == self.function


MESSAGE_RULES: tuple[MessageRule, ...] = (
    MessageRule(
        "rasa.core.tracker_store",
        re.compile(r"(investigate the following error:).*", re.S),
        r"\1 " + HIDDEN,
        "FailSafeTrackerStore logs a failing store's exception text at ERROR "
        "('Please investigate the following error: {error}'); a store's error can "
        "hold the tracker (a serialization error, an SQL statement's parameters).",
    ),
    MessageRule(
        "rasa.core.tracker_store",
        re.compile(r"^(Could not create (?:tables|database\b[^:]*)):.*", re.S),
        r"\1: " + HIDDEN,
        "SQLTrackerStore logs 'Could not create tables: {e}' and 'Could not create "
        "database ...: {e}'; database errors can show the connection URL.",
    ),
    MessageRule(
        "rasa.core.actions.action",
        re.compile(r"(Is the server running\? Error:).*", re.S),
        r"\1 " + HIDDEN,
        "RemoteAction logs an aiohttp connection error's text at ERROR "
        "('Couldn't connect to the server at ... Error: {e}').",
    ),
    MessageRule(
        "rasa.core.actions.action",
        re.compile(r"(as a result of error ).*('\. The default action)", re.S),
        r"\1'" + HIDDEN + r"\2",
        "ActionExtractSlots logs str(e) of a failed custom slot-mapping action at "
        "WARNING: for a RasaException from a failed call, the action server's answer.",
    ),
    MessageRule(
        "rasa.core.actions.action",
        re.compile(r"^(?!Failed to run custom action|Couldn't create message).*", re.S),
        "A custom action rejected its execution (ActionExecutionRejection); "
        "the action server's message is not logged.",
        "RemoteAction.run logs the action server's 400 answer as is "
        "(logger.error(exception.message)): text written by the action server.",
        function="run",
    ),
    MessageRule(
        "rasa.server",
        re.compile(r"(Error:|Supplied events are not valid\.).*", re.S),
        r"\1 " + HIDDEN,
        "The HTTP API's ErrorResponse logs its message at ERROR, and most embed "
        "the exception's text ('An unexpected error occurred. Error: {e}'), e.g. a "
        "failed action's answer when /execute or /trigger_intent fails.",
    ),
    MessageRule(
        "sanic",
        re.compile(r'(for the following exception:)".*"(\. A previous response)', re.S),
        r"\1" + HIDDEN + r"\2",
        'Sanic logs f\'... the following exception:"{exception}". A previous '
        "response ...' at ERROR when a handler fails after it began answering.",
    ),
)

# Structlog events: the keys whose values are Rasa's own words, kept above DEBUG.
STRUCTLOG_SAFE_KEYS = frozenset(
    {"event", "event_key", "event_info", "level", "log_level", "timestamp", "logger"}
)


# --- the pieces -----------------------------------------------------------------


def type_name(kind: type[BaseException]) -> str:
    """An exception type's name as logged: qualified by its module unless built in."""
    module = getattr(kind, "__module__", "") or ""
    name = str(getattr(kind, "__qualname__", None) or getattr(kind, "__name__", "Exception"))
    return name if module in ("builtins", "__main__", "") else f"{module}.{name}"


def strip_queries(text: str) -> str:
    """`text` with the query string of every absolute URL removed."""
    return URL_QUERY.sub(r"\1?" + HIDDEN, text) if "?" in text else text


def _chain(error: BaseException) -> list:
    """The exceptions of a chain, oldest first, each with how it leads to the next."""
    chain = []
    seen = set()
    link = None
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, CONTEXT
        else:
            current = None
    chain.reverse()
    return chain


def sanitized_traceback(
    exc_info: tuple[type[BaseException] | None, BaseException | None, TracebackType | None],
) -> str:
    """A traceback like Python's, with frames and exception types but no messages."""
    kind, error, tb = exc_info
    if error is None:
        return f"{type_name(kind)} (message not logged)" if kind else ""
    lines = []
    for current, link in _chain(error):
        frames = tb if current is error and tb is not None else current.__traceback__
        if frames is not None:
            lines.append("Traceback (most recent call last):\n")
            try:
                lines.extend(traceback.StackSummary.extract(traceback.walk_tb(frames)).format())
            except Exception:  # an odd frame: the type is still worth logging
                lines.append("  (frames unavailable)\n")
        lines.append(f"{type_name(type(current))} (message not logged)\n")
        if link:
            lines.append(link)
    return "".join(lines).rstrip("\n")


def _plain_args(args: Any) -> Any:
    """Exceptions among the arguments become their type names."""
    if isinstance(args, BaseException):
        return type_name(type(args))
    if isinstance(args, tuple):
        return tuple(type_name(type(a)) if isinstance(a, BaseException) else a for a in args)
    if isinstance(args, dict):
        return {
            k: type_name(type(v)) if isinstance(v, BaseException) else v for k, v in args.items()
        }
    return args


def _structlog_event(message: str) -> str | None:
    """A structlog JSON event with only Rasa's own words kept, or None if it is not one."""
    if not (message.startswith("{") and message.endswith("}") and '"event"' in message):
        return None
    try:
        event = json.loads(message)
    except ValueError:
        return None
    if not isinstance(event, dict) or "event" not in event:
        return None
    kept: dict[str, Any] = {}
    for key, value in event.items():
        if key in STRUCTLOG_SAFE_KEYS and isinstance(value, str):
            kept[key] = strip_queries(value)
        elif key == "exception" and isinstance(value, list):  # dict_tracebacks' output
            kept[key] = [
                {
                    "exc_type": str(item.get("exc_type")),
                    "frames": [
                        {k: f.get(k) for k in ("filename", "lineno", "name")}
                        for f in item.get("frames") or []
                        if isinstance(f, dict)
                    ],
                }
                for item in value
                if isinstance(item, dict)
            ]
        else:
            kept[key] = HIDDEN
    return json.dumps(kept, ensure_ascii=False)


def _message(record: logging.LogRecord) -> str:
    if isinstance(record.msg, BaseException):
        return type_name(type(record.msg))
    record.args = _plain_args(record.args)
    try:
        message = record.getMessage()
    except Exception:  # arguments that do not fit: logging would print them on stderr
        return f"(a message from {record.name} that could not be formatted)"
    structured = _structlog_event(message)
    if structured is not None:
        return structured
    for rule in MESSAGE_RULES:
        if rule.applies(record):
            message = rule.pattern.sub(rule.replacement, message)
    return strip_queries(message)


def sanitize(record: logging.LogRecord) -> logging.LogRecord:
    """Make a record above DEBUG safe to log, in place (once); DEBUG records stay as they are."""
    if record.levelno <= logging.DEBUG:
        return record
    try:
        if not getattr(record, MARK, False):
            record.msg, record.args = _message(record), ()
            exc_info = record.exc_info
            if isinstance(exc_info, BaseException):
                exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
            if isinstance(exc_info, tuple) and len(exc_info) == 3 and exc_info[0] is not None:
                record.exc_text = sanitized_traceback(exc_info)
            elif record.exc_text:
                record.exc_text = "(traceback not logged)"
            record.exc_info = None
            setattr(record, MARK, True)
        # Fields from `extra` are set after the record is made: looked at every time.
        request = getattr(record, "request", None)
        if isinstance(request, str):
            record.request = strip_queries(request)
    except Exception:  # never lose a record, nor leak one, because of a bug here
        record.msg, record.args, record.exc_info = "(log message withheld)", (), None
        record.exc_text = None
        setattr(record, MARK, True)
    return record


class PrivateLogFilter(logging.Filter):
    """Sanitizes records above DEBUG in place (see the module docstring); drops none."""

    nz_private = True

    def filter(self, record: logging.LogRecord) -> bool:
        """Sanitize the record (see `sanitize`) and let it through."""
        sanitize(record)
        return True


def _private_factory(
    previous: Callable[..., logging.LogRecord],
) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return sanitize(previous(*args, **kwargs))

    setattr(factory, MARK, True)
    factory.previous = previous  # type: ignore[attr-defined]
    return factory


def _has_private_filter(filterer: logging.Filterer) -> bool:
    return any(getattr(f, MARK, False) for f in filterer.filters)


def _add_filter(filterer: logging.Filterer) -> None:
    if not _has_private_filter(filterer):
        filterer.addFilter(PrivateLogFilter())


def install() -> None:
    """Sanitize every log record above DEBUG in this process.

    Safe to call again: it then only covers handlers added to the root logger since.
    """
    if not getattr(logging.getLogRecordFactory(), MARK, False):
        logging.setLogRecordFactory(_private_factory(logging.getLogRecordFactory()))
    for name in OWN_HANDLER_LOGGERS:
        _add_filter(logging.getLogger(name))
    for handler in logging.getLogger().handlers:
        _add_filter(handler)


def uninstall() -> None:
    """Undo `install` (for tests)."""
    factory = logging.getLogRecordFactory()
    while getattr(factory, MARK, False):
        factory = factory.previous  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
    for filterer in [logging.getLogger(n) for n in OWN_HANDLER_LOGGERS] + list(
        logging.getLogger().handlers
    ):
        for f in [f for f in filterer.filters if getattr(f, MARK, False)]:
            filterer.removeFilter(f)


def quiet_structlog(level: int = logging.WARNING) -> None:
    """Drop Rasa's structlog events below `level`.

    Rasa 3.6 logs parse results, message text included, as structlog debug
    events. `rasa run` filters them at its log level; scripts and tests that
    load a model themselves must do the same.
    """
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(level))
