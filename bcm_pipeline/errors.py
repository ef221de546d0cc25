"""What a user reads when something fails: one or a few plain lines, the cause and what to do.

The same words for a live exception (the `bcm` command) and for the serialized error of a failed Dagster
step (`bcm refresh`, `dagster asset materialize`, `dagster job execute`): the innermost error raised by this
package names the source, table, column or file; Dagster's wrappers and the libraries' tracebacks are left
out (`bcm --debug` shows the traceback). No Dagster import: a failed step's error is read by its fields.
"""

from __future__ import annotations

from pathlib import Path

from bcm_pipeline.settings import PACKAGE_DIR

MAX_LINES = 4  # a message longer than this is cut: the first lines name the thing, the rest is detail
MAX_CHARS = 900

# What to do after each kind of failure this package raises (by class name: a Dagster step's error
# carries only the name). A DownloadError names its own remedy.
HINTS = {
    "ContractError": "the table's rows do not fit its model: a changed source layout or a SQL change; "
    "the named column and rows say where",
    "TableValidationError": "the source file is not usable as it is: check the file the message names",
    "SourceFormatError": "the publisher changed the file's layout: check the named sheet and columns, or "
    "pin the last good file (README, Rollback)",
    "ConfigError": "fix the named file and field (agreements: BCM_AGREEMENTS_DIR, cases: BCM_CASES_DIR)",
    "PublishGateError": "nothing was published; the last published warehouse is unchanged",
    "ValidationError": "a setting has a wrong value: check the BCM_* environment variables",
    "DataDirBusy": "wait for the other refresh, or use another --data-dir",
}
OURS = {"DownloadError", *HINTS}
_DAGSTER_WRAPPERS = {"RetryRequestedFromPolicy", "DagsterExecutionStepExecutionError"}


def _first_lines(text: str) -> str:
    lines = [line.rstrip() for line in str(text).strip().splitlines() if line.strip()]
    cut = "\n".join(lines[:MAX_LINES])
    if len(cut) > MAX_CHARS:
        cut = cut[:MAX_CHARS] + "…"
    return cut + (" …" if len(lines) > MAX_LINES else "")


def _packaging(cls_name: str, message: str) -> str | None:
    """A file of the package itself missing: a broken install, not the user's data."""
    if cls_name in ("FileNotFoundError", "OSError", "IOError") and str(PACKAGE_DIR) in message:
        return (
            f"packaging problem: {message}. The installed bcm-pipeline lacks one of its own files; "
            "reinstall it (pip install --force-reinstall bcm-pipeline, or pip install -e . in a checkout)"
        )
    return None


CLI_TRACEBACK = "`bcm --debug <command>` shows the traceback"
STEP_TRACEBACK = "the run's event log in the Dagster UI (`bcm ui`) shows the traceback"


def _plain(cls_name: str, message: str, traceback_hint: str) -> str:
    packaging = _packaging(cls_name, message)
    if packaging:
        return packaging
    text = _first_lines(message)
    hint = HINTS.get(cls_name)
    if cls_name in OURS:
        return f"{text}\n  what to do: {hint}" if hint else text
    return f"{cls_name}: {text}\n  (an unexpected error: {traceback_hint})"


def _chain(exc: BaseException) -> list[BaseException]:
    out, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        out.append(exc)
        exc = exc.__cause__ or exc.__context__
    return out


def explain(exc: BaseException) -> str:
    """Plain lines for a live exception: the first of ours in its chain, else the exception itself."""
    chain = _chain(exc)
    for e in chain:
        if type(e).__name__ in OURS:
            return _plain(type(e).__name__, str(e), CLI_TRACEBACK)
    for e in chain:
        packaging = _packaging(type(e).__name__, str(e))
        if packaging:
            return packaging
    return _plain(type(exc).__name__, str(exc), CLI_TRACEBACK)


def _info_chain(info) -> list:
    out = []
    while info is not None and len(out) < 20:
        out.append(info)
        info = info.cause or info.context
    return out


def _info_message(info) -> str:
    # SerializableErrorInfo.message is traceback.format_exception_only: "module.Class: text".
    text = info.message.strip()
    prefix, sep, rest = text.partition(": ")
    return rest if sep and prefix.split(".")[-1] == info.cls_name else text


def explain_step_failure(error_info, user_description: str | None = None) -> str:
    """Plain lines for a failed Dagster step, from its SerializableErrorInfo (and dg.Failure description)."""
    chain = _info_chain(error_info)
    for info in chain:
        if info.cls_name in OURS:
            return _plain(info.cls_name, _info_message(info), STEP_TRACEBACK)
    for info in chain:
        packaging = _packaging(info.cls_name, _info_message(info))
        if packaging:
            return packaging
    if user_description:
        return _first_lines(user_description)
    inner = [i for i in chain if i.cls_name not in _DAGSTER_WRAPPERS] or chain
    deepest = inner[-1]
    return _plain(deepest.cls_name, _info_message(deepest), STEP_TRACEBACK)


def relative_to_data(path: str | Path, data_dir: Path) -> str:
    """A path as the user reads it: relative to the data directory when under it."""
    try:
        return str(Path(path).resolve().relative_to(data_dir.resolve()))
    except ValueError:
        return str(path)
