"""The log safeguard (bot/logs.py): records above DEBUG keep frames and exception
types, never messages, query strings or the data Rasa formats into a few messages."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from hypothesis import given, settings, strategies as st

from bot import logs

SECRET = "Tama took my passport, call me on 021 555 0199"


@pytest.fixture
def capture() -> Iterator[logging.Logger]:
    """A logger of its own with a handler writing to a string (`logger.output()`)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("tests.logs.capture")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.addHandler(handler)
    logger.output = stream.getvalue  # type: ignore[attr-defined]
    yield logger
    logger.removeHandler(handler)


def raise_chain(message: str) -> None:
    """A ClientResponseError-like failure wrapped like RemoteAction does."""

    class ClientResponseError(Exception):
        pass

    try:
        try:
            raise ClientResponseError(f"500, Internal Server Error, body='{message}'")
        except ClientResponseError as error:
            raise RuntimeError(f"Failed to execute custom action: {message}") from error
    except RuntimeError:
        raise ValueError(message)  # noqa: B904 -- on purpose: chained by __context__


def record(
    name: str, level: int, msg: object, *args: object, func: str = "f", **extra: object
) -> logging.LogRecord:
    made = logging.LogRecord(name, level, __file__, 1, msg, args or None, None, func)
    made.__dict__.update(extra)
    return made


def formatted(made: logging.LogRecord) -> str:
    logs.sanitize(made)
    return logging.Formatter("%(message)s").format(made)


# --- tracebacks -----------------------------------------------------------------


def test_installed_by_importing_bot() -> None:
    assert getattr(logging.getLogRecordFactory(), logs.MARK, False)
    for name in logs.OWN_HANDLER_LOGGERS:
        assert any(isinstance(f, logs.PrivateLogFilter) for f in logging.getLogger(name).filters)


def test_a_traceback_keeps_frames_and_types_of_the_whole_chain_but_no_message(capture) -> None:
    try:
        raise_chain(SECRET)
    except Exception:
        capture.exception("Encountered an exception while running action 'action_x'.")
    out = capture.output()
    assert SECRET not in out and "passport" not in out and "021" not in out
    assert "Encountered an exception while running action 'action_x'." in out
    for kind in ("ClientResponseError", "RuntimeError", "ValueError"):
        assert f"{kind} (message not logged)" in out
    assert "The above exception was the direct cause of the following exception" in out
    assert "During handling of the above exception, another exception occurred" in out
    assert "in raise_chain" in out and __file__ in out  # the frames
    # oldest first, as Python prints them
    assert out.index("ClientResponseError (") < out.index("RuntimeError (")


def test_exceptions_given_as_message_or_argument_show_their_type_only(capture) -> None:
    error = ValueError(SECRET)
    capture.error(error)
    capture.warning("Could not handle %s (%r)", error, error)
    capture.error("mapping %(e)s", {"e": error})
    out = capture.output()
    assert SECRET not in out
    assert out.count("ValueError") == 4


def test_debug_records_stay_as_they_are(capture) -> None:
    try:
        raise_chain(SECRET)
    except Exception:
        capture.debug("details: %s at %s", SECRET, "https://x.example/?token=abc", exc_info=True)
    out = capture.output()
    assert out.count(SECRET) >= 2 and "?token=abc" in out
    assert "ClientResponseError: 500" in out


def test_a_record_is_sanitized_once_and_exc_text_without_exc_info_is_dropped() -> None:
    made = record("x", logging.ERROR, "text")
    made.exc_text = f"Traceback ...\nValueError: {SECRET}"
    assert SECRET not in formatted(made)
    again = logs.sanitize(made)
    assert again is made and getattr(made, logs.MARK)


# --- query strings ----------------------------------------------------------------


def test_access_log_request_lines_lose_their_query_strings() -> None:
    access = logging.Formatter("%(request)s %(message)s %(status)d")
    made = record(
        "sanic.access",
        logging.INFO,
        "",
        request="GET https://chat.example.org/webhooks/messenger/webhook"
        "?hub.mode=subscribe&hub.verify_token=sekrit&hub.challenge=1158201444",
        status=200,
        byte=10,
        host="1.2.3.4:5",
    )
    # the logger-level filter on sanic.access does it, extra fields included
    logging.getLogger("sanic.access").filters[0].filter(made)
    line = access.format(made)
    assert "sekrit" not in line and "1158201444" not in line
    assert line.startswith("GET https://chat.example.org/webhooks/messenger/webhook?[hidden]")


@pytest.mark.parametrize(
    "message",
    [
        "Exception occurred while handling uri: 'http://127.0.0.1:5005/conversations/a/"
        "tracker?token=sekrit&until=1'",
        "Request: GET https://h.example/webhooks/telegram/webhook?x=sekrit stopped.",
    ],
)
def test_urls_in_messages_lose_their_query_strings(message: str) -> None:
    out = formatted(record("sanic.error", logging.ERROR, message))
    assert "sekrit" not in out and "?[hidden]" in out


def test_a_question_mark_in_plain_text_stays() -> None:
    out = formatted(record("rasa.x", logging.WARNING, "Is the server running? Yes?"))
    assert out == "Is the server running? Yes?"


# --- the messages Rasa and Sanic format data into ---------------------------------


@pytest.mark.parametrize(
    "name, message, kept",
    [
        (
            "rasa.core.tracker_store",
            "Error happened when trying to save conversation tracker to 'SQLTrackerStore'. "
            "Falling back to use the 'InMemoryTrackerStore'. Please investigate the following "
            f"error: {SECRET}.",
            "Please investigate the following error: [hidden]",
        ),
        (
            "rasa.core.tracker_store",
            f"Could not create tables: {SECRET}",
            "Could not create tables: [hidden]",
        ),
        (
            "rasa.core.actions.action",
            "Failed to run custom action 'action_x'. Couldn't connect to the server at "
            f"'http://localhost:5055/webhook'. Is the server running? Error: {SECRET}",
            "Is the server running? Error: [hidden]",
        ),
        (
            "rasa.core.actions.action",
            f"Failed to execute custom action 'action_v' as a result of error '{SECRET}'. "
            "The default action 'action_extract_slots' failed to fill slots with custom "
            "mappings.",
            "as a result of error '[hidden]'. The default action 'action_extract_slots'",
        ),
        (
            "rasa.server",
            f"An unexpected error occurred. Error: 500, Internal Server Error, body='{SECRET}'",
            "An unexpected error occurred. Error: [hidden]",
        ),
        (
            "sanic.root",
            "The error response will not be sent to the client for the following exception:"
            f'"{SECRET}". A previous response has at least partially been sent.',
            "the following exception:[hidden]. A previous response",
        ),
    ],
)
def test_known_messages_lose_the_embedded_data(name: str, message: str, kept: str) -> None:
    out = formatted(record(name, logging.ERROR, message))
    assert SECRET not in out and "passport" not in out
    assert kept in out


def test_an_action_servers_rejection_message_is_not_logged() -> None:
    # RemoteAction.run: logger.error(exception.message), the action server's own words
    out = formatted(record("rasa.core.actions.action", logging.ERROR, SECRET, func="run"))
    assert SECRET not in out and "ActionExecutionRejection" in out
    kept = "Couldn't create message for response 'utter_x'."
    made = record("rasa.core.actions.action", logging.ERROR, kept, func="run")
    assert formatted(made) == kept


def test_every_rule_says_why() -> None:
    assert all(len(rule.why) > 40 for rule in logs.MESSAGE_RULES)


def test_structlog_events_keep_only_rasas_own_words() -> None:
    event = {
        "user_text": SECRET,
        "rasa_event": {"event": "user", "text": SECRET},
        "event": "message.parsing.failed",
        "event_info": "Logging a reduced version",
        "level": "warning",
        "exception": [
            {
                "exc_type": "ValueError",
                "exc_value": SECRET,
                "frames": [{"filename": "a.py", "lineno": 3, "name": "f", "locals": {"t": SECRET}}],
            }
        ],
    }
    out = json.loads(formatted(record("rasa.shared", logging.WARNING, json.dumps(event))))
    assert SECRET not in json.dumps(out)
    assert out["event"] == "message.parsing.failed" and out["level"] == "warning"
    assert out["user_text"] == "[hidden]" and out["rasa_event"] == "[hidden]"
    assert out["exception"] == [
        {"exc_type": "ValueError", "frames": [{"filename": "a.py", "lineno": 3, "name": "f"}]}
    ]


def test_a_message_that_cannot_be_formatted_does_not_show_its_arguments() -> None:
    out = formatted(record("x", logging.ERROR, "%s and %s", SECRET))
    assert SECRET not in out


# --- installation -----------------------------------------------------------------


def test_install_is_idempotent_and_covers_root_handlers() -> None:
    handler = logging.StreamHandler(io.StringIO())
    root = logging.getLogger()
    root.addHandler(handler)
    factory = logging.getLogRecordFactory()
    try:
        logs.install()
        logs.install()
        assert logging.getLogRecordFactory() is factory  # not wrapped twice
        assert sum(isinstance(f, logs.PrivateLogFilter) for f in handler.filters) == 1
        for name in logs.OWN_HANDLER_LOGGERS:
            filters = logging.getLogger(name).filters
            assert sum(isinstance(f, logs.PrivateLogFilter) for f in filters) == 1
    finally:
        root.removeHandler(handler)


def test_uninstall_then_install_again() -> None:
    try:
        logs.uninstall()
        assert not getattr(logging.getLogRecordFactory(), logs.MARK, False)
        assert not logging.getLogger("sanic.error").filters
    finally:
        logs.install()
    assert getattr(logging.getLogRecordFactory(), logs.MARK, False)


def test_a_handler_added_later_gets_sanitized_records() -> None:
    """Like Sanic's and Rasa's --log-file handlers, added after our import."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("rasa.core.processor.tests_logs")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise_chain(SECRET)
        except Exception:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    assert (
        SECRET not in stream.getvalue() and "ValueError (message not logged)" in stream.getvalue()
    )


# --- any text ---------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(min_size=1).filter(lambda t: t.strip()),
    level=st.sampled_from([logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL]),
    name=st.sampled_from(["rasa.core.processor", "rasa.core.tracker_store", "sanic.error", "x"]),
)
def test_no_exception_message_ever_reaches_a_record_above_debug(
    text: str, level: int, name: str
) -> None:
    marker = f"qq{text}qq"  # never a substring of the fixed text around it
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger(f"{name}.hypothesis")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise_chain(marker)
        except Exception as error:
            logger.log(level, "Encountered an exception.", exc_info=True)
            logger.log(level, "Failed: %s", error)
            logger.log(level, error)
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert marker not in out
    assert "RuntimeError (message not logged)" in out
