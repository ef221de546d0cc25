"""A cache of parsed raw files: data/cache/parse/<source_id>/<table>-<sha256>.pickle.

Parsing the Excel workbooks dominates a cold refresh (~30 MB of XML), yet a raw file with the same sha256
always parses to the same frame, as long as the parser code is the same. So the frame is stored once per
(table, sha256) and tagged with a fingerprint of the parser code; a changed parser module (or common.py), a
changed Excel reader (common.EXCEL_ENGINE) or version of it, of pandas or of pyarrow, or an unreadable file
is a miss and the file is parsed again.

A frame is only cached if it reads back identical (dtypes, nulls and the `_problems` lists included).
Stored as a pickle (protocol 5), like the validated frames below: Parquet needed the `_problems` lists as
JSON text, refused mixed object columns and cost ~0.7 s more to write and ~0.3 s more to read for all the
sources (measured on the real files). The files are read only under data/cache/ of the data folder this
process writes (like the build warehouse itself).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import inspect
import logging
import os
import pickle
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
from filelock import FileLock, Timeout

from bcm_pipeline.parsers import common
from bcm_pipeline.parsers.common import Layout, SourceFormatError
from bcm_pipeline.sources.download import remove_stale_temps

log = logging.getLogger(__name__)

PARSERS_DIR = Path(__file__).resolve().parent


@functools.cache
def parser_fingerprint(module_file: str, excel_engine: str) -> str:
    """sha256 over the parser's module, the helpers every parser shares, this file, the Excel reader and the
    library versions that shape the frame (parsers import nothing else from the project)."""
    libraries = [f"{name} {importlib.metadata.version(name)}" for name in ("python-calamine", "openpyxl")]
    digest = hashlib.sha256(
        f"pandas {pd.__version__} pyarrow {pa.__version__} excel {excel_engine} {libraries}".encode()
    )
    for module in (Path(module_file), PARSERS_DIR / "common.py", Path(__file__)):
        digest.update(module.name.encode())
        digest.update(module.read_bytes())
    return digest.hexdigest()


def fingerprint_of(parse: Callable) -> str:
    return parser_fingerprint(inspect.getfile(parse), common.EXCEL_ENGINE)


def cache_path(cache_dir: Path, table: str, sha256: str) -> Path:
    return cache_dir / f"{table}-{sha256}.pickle"


def read_cached(path: Path, fingerprint: str) -> pd.DataFrame | None:
    """The cached frame, or None when absent, unreadable or written by other parser code."""
    stored = _read_pickle(path, fingerprint, "parse cache", "parsing again")
    return None if stored is None else stored["frame"]


def write_cached(path: Path, df: pd.DataFrame, fingerprint: str) -> bool:
    """Write df atomically; keep it only if it reads back identical. Returns whether it was kept."""
    return _write_pickle(path, {"key": fingerprint, "frame": df}, "parse cache")


def cached_parse(
    parse: Callable[..., pd.DataFrame],
    path: Path,
    cache_dir: Path,
    table: str,
    sha256: str,
    layout: Layout | None = None,
    before_parse: Callable[[], None] | None = None,
) -> tuple[pd.DataFrame, bool]:
    """(parse(path[, layout]), hit): from the cache when this table was parsed from these bytes by this
    code with this release layout. A parser without a `layout` parameter is called as parse(path), and may
    only read a release that renames nothing. `before_parse` runs on a miss, before the parser (the proof
    that the file is whole: bytes once proven and parsed need no second proof)."""
    target = cache_path(cache_dir, table, sha256)
    reads_layout = "layout" in inspect.signature(parse).parameters
    if layout is not None and not layout.is_empty and not reads_layout:
        raise SourceFormatError(
            f"{layout.where()}: the release declares sheet, column or value renames, but "
            f"{parse.__module__}.{parse.__name__} reads no layout"
        )
    fingerprint = parse_fingerprint(parse, layout)
    cached = read_cached(target, fingerprint)
    if cached is not None:
        return cached, True
    if before_parse is not None:
        before_parse()
    # The layout also names the source and release in the parser's errors.
    df = parse(path, layout=layout) if layout is not None and reads_layout else parse(path)
    write_cached(target, df, fingerprint)
    return df, False


# --- Validated frames: what schemas.base.validate made of a parsed frame ----------------------------------
# Validating a parsed frame with pandera costs more than reading it back (~2 s of a warm refresh for the
# source tables, ~1 s for the authored ones), and the outcome depends only on the frame, the model code
# (bcm_pipeline/schemas, which imports nothing else of the project), pandera and pandas. So the valid rows
# and the quarantine rows are stored under a key over all of these; the caller makes the key (build.py),
# this module only stores and checks. A pair is only kept if it reads back identical, and a table-level
# failure (an exception) is never stored: it is raised again every run.
# Stored as a pickle like the parsed frames (the coerced frames also hold NaN and None side by side in
# object columns, which Parquet would turn into one null). The file is read only under data/cache/validated/ of the data folder
# this process writes (like every other cache and the build warehouse itself).


@contextmanager
def folder_lock(folder: Path, name: str = "writer", wait: bool = True) -> Iterator[bool]:
    """Hold folder/<name>.lock (flock: released however the holder ends). "writer": while a process writes
    in the cache folder (its temporary files are never taken for a killed write's); a table's name: while
    a step or a prewarm process (bcm_pipeline/prewarm.py) makes that table's frames, so the other waits
    and reads them instead of making them twice. Yields False when not `wait`ing and another process
    holds it."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(folder / f"{name}.lock", timeout=-1 if wait else 0)  # (like data/refresh.lock)
    try:
        lock.acquire()
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


def files_fingerprint(files: list[Path], libraries: list[str]) -> str:
    """sha256 over the files' names and bytes and the installed versions of `libraries`."""
    digest = hashlib.sha256(" ".join(f"{n} {importlib.metadata.version(n)}" for n in libraries).encode())
    for path in sorted(files):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def parse_fingerprint(parse: Callable, layout: Layout | None = None) -> str:
    """The fingerprint cached_parse tags a frame with: the parser code, and the release layout it reads."""
    fingerprint = fingerprint_of(parse)
    if layout is not None and not layout.is_empty:
        fingerprint = hashlib.sha256(f"{fingerprint} {layout.key()}".encode()).hexdigest()
    return fingerprint


def validated_path(cache_dir: Path, table: str, key: str) -> Path:
    return cache_dir / f"{table}-{key}.pickle"


def read_validated(cache_dir: Path, table: str, key: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """(valid rows, quarantine rows) stored under `key`, or None when absent or unreadable."""
    stored = _read_pickle(validated_path(cache_dir, table, key), key, "validated cache", "validating again")
    return None if stored is None else (stored["valid"], stored["quarantined"])


def write_validated(
    cache_dir: Path, table: str, key: str, valid: pd.DataFrame, quarantined: pd.DataFrame
) -> bool:
    """Store the pair under `key` atomically, if both read back identical; one pair per table."""
    payload = {"key": key, "valid": valid, "quarantined": quarantined}
    return _write_pickle(validated_path(cache_dir, table, key), payload, "validated cache")


def _read_pickle(path: Path, key: str, what: str, instead: str) -> dict | None:
    """The stored dict when it was stored under `key`; None when absent, unreadable or of other code."""
    if not path.exists():
        return None
    try:
        stored = pickle.loads(path.read_bytes())
        return stored if stored.get("key") == key else None
    except (OSError, ValueError, KeyError, AttributeError, EOFError, pickle.UnpicklingError) as exc:
        log.warning(f"{what} {path} unreadable ({exc}); {instead}")
        return None


def _write_pickle(path: Path, payload: dict, what: str) -> bool:
    """Write `payload` (its frames) atomically at `path` if every frame reads back identical; the entries
    of the same table under other keys go (one per table). Returns whether it was kept."""
    try:
        data = pickle.dumps(payload, protocol=5)
        back = pickle.loads(data)
        for name, value in payload.items():
            if isinstance(value, pd.DataFrame):
                pd.testing.assert_frame_equal(back[name], value, check_exact=True)
    except (TypeError, ValueError, AssertionError, AttributeError, pickle.PicklingError) as exc:
        log.warning(f"{what}: {path.name} not cached, it does not round-trip: {exc}")
        return False
    table = path.name.rsplit("-", 1)[0]
    with folder_lock(path.parent):  # one writer in the folder at a time (a prewarm process may write too)
        remove_stale_temps(path.parent)  # a killed write's .tmp-* (the writer holds the folder: all stale)
        tmp = path.with_name(f".tmp-{uuid.uuid4().hex}.pickle")
        tmp.write_bytes(data)
        _install(tmp, path, f"{table}-*.pickle", f"{table}-*.parquet")  # (.parquet: the parse cache before)
    return True


def _install(tmp: Path, path: Path, *siblings: str) -> None:
    """Move the written `tmp` into place, then drop the entries of `siblings` (globs) it supersedes: one
    file per table, as entries of superseded raw files only take space."""
    os.replace(tmp, path)
    for old in (p for pattern in siblings for p in path.parent.glob(pattern)):
        if old != path:
            old.unlink(missing_ok=True)
