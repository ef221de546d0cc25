"""One line per step on the terminal, and plain lines for a failure: what a run prints.

`bcm refresh` uses it with its own output (steps on stdout, failures on stderr); the definitions install it
as the default `console` logger, so `dagster asset materialize` / `dagster job execute` print the same
lines on stderr instead of Dagster's DEBUG event log. The event log in the instance (the UI) keeps every
event: this only decides what the terminal shows. Run config `loggers: {console: {config: {log_level:
DEBUG}}}` prints every event as well.
"""

from __future__ import annotations

import logging
import sys
import time

import dagster as dg

from bcm_pipeline.errors import explain_step_failure
from bcm_pipeline.sources.download import PROGRESS_PREFIX

_DONE = {"STEP_SUCCESS": "done ", "STEP_FAILURE": "FAIL "}
KEPT = "kept "  # a table kept as stored: its inputs and code did not change (bcm_pipeline/build_keys.py)


def _kept(event) -> bool:
    """The materialization says its table was kept as stored (metadata `build`)."""
    note = event.event_specific_data.materialization.metadata.get("build")
    return str(getattr(note, "value", note) or "").startswith("kept")


def step_label(step_key: str) -> str:
    """A step as the user knows it: its asset key. Dagster names the step of raw/gem/coal_plant_tracker
    `raw__gem__coal_plant_tracker`; a table's name holds no double underscore."""
    return step_key.replace("__", "/")


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class ProgressHandler(logging.Handler):
    """One line per finished step, or per table of a step that builds several (timed from the step's start
    or its previous table); a failed step adds its cause and what to do; skipped steps are counted; a failed
    blocking check and user warnings get a line of their own."""

    def __init__(self, echo=_stderr, echo_err=_stderr, verbose: bool = False) -> None:
        super().__init__()
        self.echo, self.echo_err, self.verbose = echo, echo_err, verbose
        self.started: dict[str, float] = {}
        self.last_table: dict[str, float] = {}  # steps of several tables: when the last one was done
        self.kept: set[str] = set()  # steps of one table that kept it
        self.skipped: list[str] = []
        self.failures: list[tuple[str, str]] = []  # (step, plain lines)

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            step = step_label(meta["step_key"]) if meta.get("step_key") else None
            text = str(meta.get("orig_message") or record.getMessage())
            if step and text.startswith("Dependencies for step") and not self.verbose:
                self.skipped.append(step)  # Dagster's own line for a step it skips: counted below
                return
            # A big download's bytes as they come (sources/download.py): a line each, on stdout.
            if text.startswith(PROGRESS_PREFIX):
                self.echo(f"  get   {step + ': ' if step else ''}{text}")
                return
            # A message of the code itself (context.log): warnings always, the rest when verbose.
            if record.levelno >= logging.WARNING or self.verbose:
                if step and not text.startswith(f"{step}:"):
                    text = f"{step}: {text}"
                (self.echo_err if record.levelno >= logging.WARNING else self.echo)(f"  note  {text}")
            return
        kind = event.event_type_value
        step = step_label(event.step_key or "")
        if self.verbose:
            self.echo(f"        {kind} {step} {meta.get('orig_message') or ''}".rstrip())
        if kind == "STEP_START":
            self.started[step] = time.monotonic()
        elif kind == "ASSET_MATERIALIZATION" and event.asset_key.to_user_string() != step:
            # A step of several tables (a multi-asset): a line per table as it is done.
            now = time.monotonic()
            took = now - self.last_table.get(step, self.started.get(step, now))
            self.last_table[step] = now
            label = KEPT if _kept(event) else _DONE["STEP_SUCCESS"]
            self.echo(f"  {label} {event.asset_key.to_user_string()} ({took:.1f} s)")
        elif kind == "ASSET_MATERIALIZATION" and _kept(event):
            self.kept.add(step)
        elif kind in _DONE:
            took = time.monotonic() - self.started.get(step, time.monotonic())
            label = KEPT if kind == "STEP_SUCCESS" and step in self.kept else _DONE[kind]
            self.kept.discard(step)
            line = f"  {label} {step} ({took:.1f} s)"
            if kind == "STEP_SUCCESS":
                if self.last_table.pop(step, None) is None:  # its tables had their lines
                    self.echo(line)
                return
            self.last_table.pop(step, None)
            data = event.step_failure_data
            user = data.user_failure_data.description if data.user_failure_data else None
            plain = explain_step_failure(data.error, user) if data.error else (user or "failed")
            self.failures.append((step, plain))
            self.echo_err(line + "\n" + "\n".join("        " + ln for ln in plain.splitlines()))
        elif kind == "STEP_SKIPPED":
            self.skipped.append(step)
        elif kind == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            if not data.passed:
                key = data.asset_key.to_user_string()
                self.echo_err(f"  check {key}:{data.check_name} FAILED (see the step's line below)")
        elif kind in ("PIPELINE_FAILURE", "PIPELINE_SUCCESS", "RUN_FAILURE", "RUN_SUCCESS") and self.skipped:
            self.echo_err(
                f"  skip  {len(self.skipped)} step(s) that needed a failed one: {', '.join(self.skipped[:8])}"
                + (" …" if len(self.skipped) > 8 else "")
            )
            self.skipped = []


def progress_logger(echo=_stderr, echo_err=_stderr, handler: ProgressHandler | None = None):
    """A Dagster logger printing one line per step (`echo`) and plain failure lines (`echo_err`).
    `handler`: give one to read its failures after the run (bcm refresh)."""

    @dg.logger(
        config_schema={"log_level": dg.Field(str, is_required=False, default_value="INFO")},
        description="One line per step, plain failure lines (bcm_pipeline/assets/progress.py)",
    )
    def progress(init_context):
        level = str(init_context.logger_config.get("log_level", "INFO")).upper()
        log = logging.getLogger("bcm.progress")
        log.setLevel(logging.DEBUG)
        log.handlers = [handler or ProgressHandler(echo, echo_err)]
        log.handlers[0].verbose = level == "DEBUG"
        log.propagate = False
        return log

    return progress
