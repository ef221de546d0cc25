"""One line per step on the terminal: what `bcm refresh` prints while the Dagster job runs."""

import logging
import time

import dagster as dg

# Step events worth a line of progress (the dagster_event on each log record says which happened).
_PROGRESS_EVENTS = {
    "STEP_START": "start",
    "STEP_SUCCESS": "done ",
    "STEP_FAILURE": "FAIL ",
    "STEP_SKIPPED": "skip ",
}


class _ProgressHandler(logging.Handler):
    """Print one line per step start/finish from Dagster's event log records."""

    def __init__(self, echo) -> None:
        super().__init__()
        self.echo = echo
        self.started: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            if record.levelno >= logging.WARNING:  # e.g. a source that cannot be reached: said, not hidden
                self.echo(f"  warn  {meta.get('orig_message') or record.getMessage()}")
            return
        kind = event.event_type_value
        step = event.step_key or ""
        if kind == "STEP_START":
            self.started[step] = time.monotonic()
            self.echo(f"  start {step}")
        elif kind in _PROGRESS_EVENTS:
            took = time.monotonic() - self.started.get(step, time.monotonic())
            self.echo(f"  {_PROGRESS_EVENTS[kind]} {step} ({took:.1f} s)")
        elif kind == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            passed = "passed" if data.passed else "FAILED"
            self.echo(f"  check {data.asset_key.to_user_string()}:{data.check_name} {passed}")


def progress_logger(echo):
    """A Dagster logger printing one line per step start / finish / check with `echo` (bcm refresh)."""

    @dg.logger(description="One line per step on stdout (bcm refresh)")
    def progress(_init_context):
        log = logging.getLogger("bcm.refresh.progress")
        log.setLevel(logging.DEBUG)
        log.handlers = [_ProgressHandler(echo)]
        log.propagate = False
        return log

    return progress
