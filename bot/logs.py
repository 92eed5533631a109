"""Logging settings that keep what people type out of logs."""

from __future__ import annotations

import logging


def quiet_structlog(level: int = logging.WARNING) -> None:
    """Drop Rasa's structlog events below `level`.

    Rasa 3.6 logs parse results, message text included, as structlog debug
    events. `rasa run` filters them at its log level; scripts and tests that
    load a model themselves must do the same.
    """
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(level))
