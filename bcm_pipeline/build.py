"""Building the catalogue's tables: plain functions on a DuckDB connection, called by the Dagster assets,
the CLI, the country partitions, the benchmarks and the tests. No Dagster here.

Every table goes through warehouse.write_table (created from its model's DDL, then filled BY NAME) and
gets the same stored-contract check (columns, types, NOT NULL as the model says; rows present). Tables
read from outside (a source file, an authored file) are validated before they are written, row by row,
and bad rows go to quarantine; tables we compute (Python, SQL) are validated as stored, and a bad row
fails the build: our own computation has no bad input to set aside.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from bcm_pipeline import build_keys, catalogue, guards, warehouse
from bcm_pipeline.catalogue import Table
from bcm_pipeline.parsers import cache as parse_cache
from bcm_pipeline.parsers.common import SourceFormatError
from bcm_pipeline.releases import release_units
from bcm_pipeline.schemas.base import QUARANTINE_COLUMNS, quote_ident, sql_literal, stored_failures, validate
from bcm_pipeline.settings import PACKAGE_DIR, Settings
from bcm_pipeline.sources import registry
from bcm_pipeline.sources.candidates import readable
from bcm_pipeline.sources.download import read_provenance, sha256_of, verify_content
from bcm_pipeline.sources.registry import Release, Releases

SCHEMAS_DIR = PACKAGE_DIR / "schemas"


@dataclass
class Check:
    """The outcome of a table's stored-contract check (and, for computed tables, pandera on the stored rows)."""

    passed: bool
    rows: int
    problems: list[str]
    validated_by: str
    failures: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass
class Built:
    table: Table
    rows: int
    check: Check
    quarantined: pd.DataFrame = field(default_factory=pd.DataFrame)
    source_sha256: str | None = None
    cache_hit: bool | None = None
    release: str | None = None  # source tables: the release(s) parsed
    validated_hit: bool | None = None  # source and authored tables: validation read from its cache
    build: str | None = None  # "kept: ..." (its inputs unchanged, build_keys.py), "rebuilt: why", ...


def check(
    con: duckdb.DuckDBPyConnection,
    t: Table,
    validated_rows: int | None = None,
    schema: str | None = None,
    allow_empty: bool = False,
) -> Check:
    """The same check for every table: the stored contract; then, for a frame validated before writing, that
    every validated row is stored, or, for a computed table, pandera on the stored rows."""
    rows, problems = warehouse.stored_contract(con, t.model, schema, allow_empty)
    failures = pd.DataFrame()
    if validated_rows is not None:
        validated_by = "pandera, before writing"
        if rows != validated_rows:
            problems.append(f"{t.name}: {rows} rows stored, {validated_rows} validated")
    else:
        validated_by = "pandera, on the stored table"
        if not problems:
            _, failures = stored_failures(con, t.model, warehouse.qualified(t.model, schema))
            if len(failures):
                sample = failures[["column", "check", "failure_case"]].head(5).to_dict("records")
                problems.append(f"{t.name}: {len(failures)} value(s) fail the model, e.g. {sample}")
    return Check(not problems, rows, problems, validated_by, failures)


def source_table(
    con: duckdb.DuckDBPyConnection,
    t: Table,
    settings: Settings,
    releases: Releases | None = None,
    keep: bool = False,
) -> Built:
    """Parse the raw file of the release the source uses (cached per sha256, parser code and the release's
    layout), validate, write, quarantine. `releases`: the run's (default: resolved from `settings`).
    `keep`: a table stored from the same validated frame by the same code is kept (build_keys.py)."""
    releases = releases or registry.resolve(registry.ReleaseOptions.of(settings))
    if t.releases == "latest_two":
        return _release_units_table(con, t, settings, releases, keep)
    with _parse_input(t, settings, releases) as (path, sha, release, key):
        build_key = build_keys.read_key(t, key)
        why = build_keys.why_build(con, [t.name], build_key, keep)
        if why is None:
            return kept_read_table(con, t, sha, release.version)
        # A prewarm process may be making this table's frames: wait for it, then read what it wrote.
        with parse_cache.folder_lock(settings.validated_cache_dir(t.source_id), t.name):
            valid, quarantined, parse_hit, validated_hit = _parsed_and_validated(
                t, settings, releases, path, sha, release, key
            )
    files = files_read(t, settings, releases)

    def guard(valid: pd.DataFrame) -> None:
        if settings.publish.drift_guard:
            guards.check_new_file(
                t.model,
                valid,
                releases.sources[t.source_id],
                release,
                files,
                warehouse.latest_version(settings.warehouse_path),
                settings.publish.max_drift_ratio,
            )

    built = _write_validated(con, t, valid, quarantined, sha, parse_hit, validated_hit, guard)
    built.release = release.version
    return _recorded(con, built, build_key, why)


@contextmanager
def _parse_input(
    t: Table, settings: Settings, releases: Releases
) -> Iterator[tuple[Path, str, Release, str]]:
    """What a source table is parsed from: (the path its parser reads, the sha256 its caches are keyed by,
    the release used, the key of its validated frame)."""
    release = releases.used(t.source_id)
    folder = settings.source_dir(t.source_id)
    with ExitStack() as stack:
        if t.file == catalogue.ALL_FILES:  # the parser reads every file of the release: one key over all
            path = stack.enter_context(_release_side_by_side(folder, release))
            sha = release_sha256(folder, release)
        else:
            path = readable(folder / releases.table_file(t.source_id, t.file, release).filename)
            sha = sha256_of(path)
        # Same bytes, parser code, layout and model code: the same validated frame.
        layout = release.layout(t.source_id)
        key = validated_key(t, t.source_id, f"{sha} {parse_cache.parse_fingerprint(t.parse, layout)}")
        yield path, sha, release, key


def _parsed_and_validated(
    t: Table, settings: Settings, releases: Releases, path: Path, sha: str, release: Release, key: str
) -> tuple[pd.DataFrame, pd.DataFrame, bool, bool | None]:
    """(valid, quarantined, parse hit, validated hit): the validated frame from its cache, else the file
    parsed (from the parse cache when only the model changed) and validated."""
    parse_hit = True  # a validated frame: the file is not parsed again (nor its parse cache read)

    def parse_and_validate() -> tuple[pd.DataFrame, pd.DataFrame]:
        nonlocal parse_hit
        df, parse_hit = parse_cache.cached_parse(
            t.parse,
            path,
            settings.parse_cache_dir(t.source_id),
            t.name,
            sha,
            release.layout(t.source_id),
            before_parse=lambda: prove_whole(t, settings, releases),
        )
        return _validate(t, df, t.source_id, sha)

    valid, quarantined, validated_hit = _cached_validation(
        settings.validated_cache_dir(t.source_id), t.name, key, parse_and_validate
    )
    return valid, quarantined, parse_hit, validated_hit


def warm_caches(t: Table, settings: Settings, releases: Releases) -> bool | None:
    """Fill the parse and validated caches that building the source table `t` reads, with no warehouse
    (bcm_pipeline/prewarm.py, in another process while the run starts). True when something was computed,
    False when the caches had it, None when another process is making them (its step)."""
    folder = settings.validated_cache_dir(t.source_id)
    with parse_cache.folder_lock(folder, t.name, wait=False) as held:
        if not held:
            return None
        if t.releases == "latest_two":
            missing = _releases_not_cached(t, settings, releases)
            for entry in missing:
                _release_validated(t, settings, releases, entry)
            return bool(missing)
        with _parse_input(t, settings, releases) as (path, sha, release, key):
            if parse_cache.validated_path(folder, t.name, key).exists():
                return False
            _parsed_and_validated(t, settings, releases, path, sha, release, key)
            return True


def is_warm(t: Table, settings: Settings, releases: Releases) -> bool:
    """Whether the validated caches hold what building the source table `t` from the files on disk reads."""
    if t.releases == "latest_two":
        return not _releases_not_cached(t, settings, releases)
    with _parse_input(t, settings, releases) as (_, _, _, key):
        return parse_cache.validated_path(settings.validated_cache_dir(t.source_id), t.name, key).exists()


def _releases_not_cached(t: Table, settings: Settings, releases: Releases) -> list:
    """The entries of _release_keys whose validated units are not in the validated cache."""
    folder = settings.validated_cache_dir(t.source_id)
    return [
        entry
        for entry in _release_keys(t, settings, releases)
        if not parse_cache.validated_path(folder, f"{t.name}@{entry[0].version}", entry[4]).exists()
    ]


def kept_read_table(
    con: duckdb.DuckDBPyConnection, t: Table, sha: str | None = None, release: str | None = None
) -> Built:
    """A source or authored table kept as stored: checked again, its quarantine rows as recorded."""
    quarantined = con.execute(
        f"SELECT {', '.join(QUARANTINE_COLUMNS)} FROM quarantine WHERE table_name = ?", [t.name]
    ).df()
    rows = con.execute(f"SELECT count(*) FROM {warehouse.qualified(t.model)}").fetchone()[0]
    built = Built(t, rows, check(con, t, rows), quarantined, sha, None, release)
    built.build = build_keys.KEPT
    return built


def _recorded(con: duckdb.DuckDBPyConnection, built: Built, key: build_keys.Key | None, why: str) -> Built:
    """Record the build key of a table written and checked (a failed check records none: rebuilt next
    time), and why it was built."""
    built.build = why
    if built.check.passed:
        build_keys.record(con, built.table.name, key)
    return built


def schemas_fingerprint() -> str:
    """The code validation depends on: every module of bcm_pipeline/schemas (they import nothing else of
    the project), this validated-cache's rules, and the libraries that validate and hold the frames."""
    return _schemas_fingerprint(str(SCHEMAS_DIR))


@functools.cache
def _schemas_fingerprint(folder: str) -> str:
    files = [*Path(folder).glob("*.py"), Path(parse_cache.__file__)]
    return parse_cache.files_fingerprint(files, ["pandera", "pandas", "numpy", "pyarrow"])


@functools.cache
def _release_units_fingerprint() -> str:
    """releases.release_units and the Release.unit_key it calls."""
    here = Path(__file__).resolve().parent
    return parse_cache.files_fingerprint([here / "releases.py", here / "sources" / "registry.py"], [])


def validated_key(t: Table, origin: str, frame_key: str) -> str:
    """Key of a table's validated frame: what it was parsed from (`frame_key`), its model, the origin
    named in its quarantine rows, and the code that validates."""
    text = (
        f"{t.name} {t.model.__module__}.{t.model.__qualname__} {origin} {frame_key} {schemas_fingerprint()}"
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _cached_validation(
    folder: Path | None, name: str, key: str | None, compute
) -> tuple[pd.DataFrame, pd.DataFrame, bool | None]:
    """(valid, quarantined, hit): read from the validated cache `folder` under `key`, else `compute()`d and
    kept there (a table-level failure raises: nothing is kept). No key: computed, not cached, hit None."""
    if key is None:
        return (*compute(), None)
    cached = parse_cache.read_validated(folder, name, key)
    if cached is not None:
        return (*cached, True)
    valid, quarantined = compute()
    parse_cache.write_validated(folder, name, key, valid, quarantined)
    return valid, quarantined, False


@contextmanager
def _release_side_by_side(folder: Path, release: Release) -> Iterator[Path]:
    """The first file of a release whose parser reads every file beside it: in data/raw/<id>/ itself, or,
    when some file has a candidate waiting, in a temporary folder linking each file as this run reads it."""
    paths = [readable(folder / f.name) for f in release.files]
    if all(p.parent == folder for p in paths):
        yield paths[0]
        return
    staged = next(p.parent for p in paths if p.parent != folder)  # data/raw/<id>/candidate/
    with tempfile.TemporaryDirectory(prefix=".side-by-side-", dir=staged) as tmp:
        for f, path in zip(release.files, paths, strict=True):
            os.symlink(path, Path(tmp) / f.name)
        yield Path(tmp) / release.files[0].name


def table_targets(t: Table, settings: Settings, releases: Releases) -> list[Path]:
    """The current raw files (data/raw/<id>/<name>) a source table of the used release is built from."""
    release = releases.used(t.source_id)
    folder = settings.source_dir(t.source_id)
    if t.file == catalogue.ALL_FILES:
        return [folder / f.name for f in release.files]
    return [folder / releases.table_file(t.source_id, t.file, release).filename]


def prove_whole(t: Table, settings: Settings, releases: Releases) -> None:
    """Every file the table reads is whole before its parser runs (download.verify_content: an intact zip
    directory and members, a CSV with every record complete and its last line ended, a JSON that parses):
    a file placed by hand or left on disk gets the proof a download gets."""
    sources = {s.filename: s for s in releases.files(t.source_id)}
    for target in table_targets(t, settings, releases):
        path = readable(target)
        if path.exists() and target.name in sources:  # a missing file: the parser names it
            try:
                verify_content(path, sources[target.name])
            except (ValueError, zipfile.BadZipFile) as exc:
                raise SourceFormatError(f"{t.source_id}: {path} is not whole: {exc}") from exc


def files_read(t: Table, settings: Settings, releases: Releases) -> list[guards.FileUsed]:
    """What the table is built from in this run: each file (its candidate when one waits), with its
    sha256 and the URL it was fetched from (its provenance sidecar)."""
    version = releases.used(t.source_id).version
    out = []
    for target in table_targets(t, settings, releases):
        path = readable(target)
        if not path.exists():
            continue
        provenance = read_provenance(path) or {}
        url = provenance.get("fetched_url") or provenance.get("url")  # where this copy came from
        out.append(guards.FileUsed(t.source_id, version, target.name, sha256_of(path), url))
    return out


def release_sha256(folder: Path, release: Release) -> str:
    """One sha256 over every file of a release (a table whose parser reads them all carries it); a file's
    candidate, when one waits, stands for it."""
    return hashlib.sha256(
        " ".join(sha256_of(readable(folder / f.name)) for f in release.files).encode()
    ).hexdigest()


def _release_units_table(
    con: duckdb.DuckDBPyConnection, t: Table, settings: Settings, releases: Releases, keep: bool = False
) -> Built:
    """tracker_unit_releases: the units of the source's two newest listed releases, each parsed with its
    own layout, validated per release (a bad row is quarantined with the file it came from)."""
    keyed = _release_keys(t, settings, releases)
    build_key = build_keys.read_key(t, " ".join(k for *_, k in keyed))
    versions = ", ".join(r.version for r, *_ in keyed)
    why = build_keys.why_build(con, [t.name], build_key, keep)
    if why is None:
        return kept_read_table(con, t, release=versions)
    frames, quarantined = [], []
    with parse_cache.folder_lock(settings.validated_cache_dir(t.source_id), t.name):  # (as in source_table)
        for entry in keyed:
            valid, bad = _release_validated(t, settings, releases, entry)
            frames.append(valid)
            quarantined.append(bad)
    valid, bad = pd.concat(frames, ignore_index=True), pd.concat(quarantined, ignore_index=True)
    warehouse.write_table(con, t.model, valid)
    warehouse.record_quarantine(con, t.name, bad)
    return _recorded(
        con, Built(t, len(valid), check(con, t, len(valid)), bad, None, None, versions), build_key, why
    )


def _release_keys(
    t: Table, settings: Settings, releases: Releases
) -> list[tuple[Release, Path, str, bool, str]]:
    """(release, path, sha256, newest, validated key) of each of the source's two newest listed releases."""
    keyed = []
    latest = releases.sources[t.source_id].latest_two()
    for release in latest:
        path = readable(
            settings.source_dir(t.source_id) / releases.table_file(t.source_id, t.file, release).filename
        )
        sha = sha256_of(path)
        layout, newest = release.layout(t.source_id), release is latest[-1]
        # The validated units of this release: its bytes, parser, release entry and release_units' code.
        key = validated_key(
            t,
            t.source_id,
            f"{sha} {parse_cache.parse_fingerprint(t.parse, layout)} {release.model_dump_json()} {newest} "
            f"{_release_units_fingerprint()}",
        )
        keyed.append((release, path, sha, newest, key))
    return keyed


def _release_validated(
    t: Table, settings: Settings, releases: Releases, entry: tuple[Release, Path, str, bool, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The validated units of one release (and its quarantine rows), from the validated cache or made."""
    release, path, sha, newest, key = entry
    # The used release shares the cached frame of the current table its parser builds.
    current = next(
        (
            c.name
            for c in catalogue.parsed_from_used_release()
            if c.source_id == t.source_id and c.parse is t.parse
        ),
        t.name,
    )
    cache_key = (
        current if release.version == releases.used(t.source_id).version else f"{current}@{release.version}"
    )
    valid, bad, _ = _cached_validation(
        settings.validated_cache_dir(t.source_id),
        f"{t.name}@{release.version}",
        key,
        functools.partial(_release_units_validated, t, settings, path, cache_key, sha, release, newest),
    )
    return valid, bad


def _release_units_validated(
    t: Table, settings: Settings, path: Path, cache_key: str, sha: str, release: Release, newest: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The units of one release (parsed, from the parse cache when it has them), validated."""
    layout = release.layout(t.source_id)
    parsed, _ = parse_cache.cached_parse(
        t.parse, path, settings.parse_cache_dir(t.source_id), cache_key, sha, layout
    )
    return validate(t.model, release_units(parsed, t.source_id, release, newest, sha), t.source_id, sha)


def authored_table(
    con: duckdb.DuckDBPyConnection, t: Table, settings: Settings | None, keep: bool = False
) -> Built:
    """Read, validate (or take the validated frame from data/cache/validated/; no settings: no cache),
    write and quarantine an authored table. `keep`: the table stored from the same frame is kept."""
    df, key = _authored_frame(t, settings)
    build_key = build_keys.read_key(t, key) if key else None
    why = build_keys.why_build(con, [t.name], build_key, keep)
    if why is None:
        return kept_read_table(con, t)
    folder = settings.validated_cache_dir("reference") if settings is not None else None
    valid, quarantined, validated_hit = _cached_validation(
        folder, t.name, key, lambda: _validate(t, df, "reference", None)
    )
    built = _write_validated(con, t, valid, quarantined, None, None, validated_hit)
    return _recorded(con, built, build_key, why)


def _authored_frame(t: Table, settings: Settings | None) -> tuple[pd.DataFrame, str | None]:
    """(the authored table as read, the key of its validated frame: None without settings, or when the
    frame does not pickle)."""
    df = t.parse(settings)
    # The frame read is the key (its pickle holds every value and dtype): no key, no cache.
    try:
        frame_key = hashlib.sha256(pickle.dumps(df, protocol=5)).hexdigest()
    except (pickle.PicklingError, TypeError, AttributeError):
        frame_key = None
    return df, validated_key(t, "reference", frame_key) if frame_key and settings is not None else None


def _validate(t: Table, df: pd.DataFrame, origin: str, sha: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(valid rows, quarantine rows) of a parsed or authored frame, stamped with its file's sha256."""
    if "source_sha256" in t.model.to_schema().columns:
        df["source_sha256"] = sha
    return validate(t.model, df, origin, sha)


def _write_validated(
    con,
    t: Table,
    valid: pd.DataFrame,
    quarantined: pd.DataFrame,
    sha: str | None,
    hit: bool | None,
    validated_hit: bool | None,
    guard=None,
) -> Built:
    """Write the valid rows and record the quarantined ones, after `guard(valid)` (which raises to refuse
    the rows)."""
    if guard is not None:
        guard(valid)
    warehouse.write_table(con, t.model, valid)
    warehouse.record_quarantine(con, t.name, quarantined)
    built = Built(t, len(valid), check(con, t, len(valid)), quarantined, sha, hit)
    built.validated_hit = validated_hit
    return built


def python_tables(
    con: duckdb.DuckDBPyConnection, ts: list[Table], schema: str | None = None, keep: bool = False
) -> list[Built]:
    """Tables that share one Python computation (t.compute): computed once, each written and checked.
    `keep` (main schema only): tables stored from inputs with the same build keys are kept."""
    key = build_keys.computed_key(con, ts) if schema is None else None
    why = build_keys.why_build(con, [t.name for t in ts], key, keep) if schema is None else None
    if schema is None and why is None:
        return [_kept_computed(con, t) for t in ts]
    frames = ts[0].compute(con)
    out = []
    for t in ts:
        rows = warehouse.write_table(con, t.model, frames[t.name], schema, comments=schema is None)
        # In a scratch rerun (build.run_marts) a subset may legitimately leave a table empty.
        built = Built(t, rows, check(con, t, schema=schema, allow_empty=schema is not None))
        out.append(_recorded(con, built, key, why) if schema is None else built)
    return out


def sql_table(
    con: duckdb.DuckDBPyConnection, t: Table, schema: str | None = None, keep: bool = False
) -> Built:
    key = build_keys.computed_key(con, [t]) if schema is None else None
    why = build_keys.why_build(con, [t.name], key, keep) if schema is None else None
    if schema is None and why is None:
        return _kept_computed(con, t)
    rows = warehouse.write_table(con, t.model, t.sql_text(), schema, comments=schema is None)
    built = Built(t, rows, check(con, t, schema=schema, allow_empty=schema is not None))
    return _recorded(con, built, key, why) if schema is None else built


def _kept_computed(con: duckdb.DuckDBPyConnection, t: Table) -> Built:
    """A computed table kept as stored, checked again (contract and pandera on the stored rows)."""
    result = check(con, t)
    built = Built(t, result.rows, result)
    built.build = build_keys.KEPT
    return built


def computed_table(con: duckdb.DuckDBPyConnection, name: str, schema: str | None = None) -> list[Built]:
    """Build one SQL or Python table (a Python table's siblings of the same computation come along)."""
    t = catalogue.table(name)
    if t.kind == "sql":
        return [sql_table(con, t, schema)]
    if t.kind == "python":
        siblings = [s for s in catalogue.tables("python") if s.compute is t.compute]
        return python_tables(con, siblings, schema)
    raise ValueError(f"{name} is a {t.kind} table: it is parsed or read, not computed")


# --- Reruns of a part of the graph in a scratch catalog ------------------------------------------------

SCRATCH = "bcm_scratch"


@contextmanager
def scratch(con: duckdb.DuckDBPyConnection, base: str | None = None) -> Iterator[str]:
    """An in-memory catalog searched before `base` (default: the connection's own database): tables written
    there shadow the real ones for unqualified names, as the mart SQL uses them. Yields the scratch
    schema's name; everything in it is gone when the block ends."""
    if base is None:
        base = quote_ident(con.execute("SELECT current_database()").fetchone()[0])
    old = con.execute("SELECT current_setting('search_path')").fetchone()[0]
    con.execute(f"ATTACH ':memory:' AS {SCRATCH}")
    try:
        con.execute(f"SET search_path = {sql_literal(f'{SCRATCH}.main,{base}.main')}")
        yield f"{SCRATCH}.main"
    finally:
        con.execute(f"SET search_path = {sql_literal(old)}")
        con.execute(f"DETACH {SCRATCH}")


def marts_between(inputs: set[str], targets: set[str], held: set[str] = frozenset()) -> list[str]:
    """The computed tables a change of `inputs` reaches on its way to `targets`, in build order (targets
    always included): everything else reads the same rows as before. `held`: computed tables kept as they
    are although they read a changed input (and what only they lead to)."""
    reached = catalogue.downstream(inputs, through_not=held) & (catalogue.upstream(targets) | set(targets))
    return catalogue.build_order((reached | set(targets)) - set(held))


def run_marts(
    con: duckdb.DuckDBPyConnection,
    targets: set[str],
    inputs: Mapping[str, pd.DataFrame | str],
    schema: str,
    held: set[str] = frozenset(),
) -> dict[str, int]:
    """Inside a `scratch` block: write `inputs` (frames, or SELECTs that name the base tables qualified)
    into `schema`, then build there every mart between them and `targets`, in order. {table: rows}."""
    counts = {}
    for name, rows in inputs.items():
        counts[name] = warehouse.write_table(con, catalogue.table(name).model, rows, schema, comments=False)
    done: set[str] = set()
    for name in marts_between(set(inputs), set(targets), held=held):
        if name in done:
            continue
        for built in computed_table(con, name, schema):
            if not built.check.passed:
                raise warehouse.ContractError("; ".join(built.check.problems))
            counts[built.table.name] = built.rows
            done.add(built.table.name)
    return counts
