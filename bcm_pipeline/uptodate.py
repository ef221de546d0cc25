"""`bcm refresh` with nothing to do, told in a second, before a run starts.

A refresh whose inputs are those of the last one keeps every table (build_keys.py) and publishes nothing
new, but starting Dagster to find that out costs most of ten seconds (imports, definitions, ~500 events of
36 steps). So each `bcm refresh` that succeeds records in the build file what it was made from
(bcm_build.refresh_inputs, which publish leaves out of the copy): the code fingerprint, the settings and
the bytes of the user files they name, the day (SQL that reads the clock), the version published, the
build keys as they stood, and the sha256 of every source file read. The next `bcm refresh` compares those
first, then asks each source "changed since?" (a conditional GET; nothing is downloaded), and starts no run
when nothing differs.

Anything else starts the run as before: other code, settings or day; a source that does not answer 304 Not
Modified (or has no ETag or Last-Modified to ask with), or a file on disk that is not the one recorded; a
new file waiting as a candidate; a table written or a version published since (a run from the UI or a
schedule: the build keys or the published version differ); a last run that failed or did not finish (the
record is removed before every run); `bcm refresh --run` or `--rebuild`. The set of files a refresh reads
follows from the code and the settings (sources.yaml, the user sources file, the pins), so the recorded
list is the one to ask about when those are unchanged.

Imports stay light (no catalogue, no pandera models): this is the whole of a refresh with nothing to do.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from bcm_pipeline.fingerprint import code_fingerprint
from bcm_pipeline.settings import Settings
from bcm_pipeline.sources import download
from bcm_pipeline.sources.registry import Releases

KEYS_SCHEMA = "bcm_build"  # warehouse.KEYS_SCHEMA: the build file's own record, dropped from the copy
RECORD = f"{KEYS_SCHEMA}.refresh_inputs"
# Settings that change how a refresh runs, not what it builds.
RUN_ONLY = {"rebuild", "duckdb_memory_limit", "cache_dir"}
# The build keys and the fingerprints publish kept beside them (warehouse.KEYS): any table written since
# forgets its row, so a different digest means the build is no longer what was published.
KEYS_DIGEST = f"""
SELECT md5(coalesce(string_agg(
    table_name || ' ' || build_key || ' ' || coalesce(content_md5, '-'), ';' ORDER BY table_name
), '')) FROM {KEYS_SCHEMA}.table_keys
"""


@dataclass(frozen=True)
class Inputs:
    code: str  # fingerprint.code_fingerprint()
    settings: str  # settings_digest()
    day: str  # the database clock's current_date, as the clock-reading SQL saw it
    keys: str = ""  # KEYS_DIGEST of the build file
    files: list[list[str]] = field(default_factory=list)  # [source_id, release, file name, sha256]

    def differences(self, before: Inputs) -> list[str]:
        """What differs from `before` (files aside), in a few words each."""
        return [
            what
            for what, differs in (
                ("the code", self.code != before.code),
                ("the settings or the user files they name", self.settings != before.settings),
                (f"the day (it was built on {before.day})", self.day != before.day),
                ("the build's tables (one was written since)", self.keys != before.keys),
            )
            if differs
        ]


def settings_digest(settings: Settings) -> str:
    """sha256 over the settings that shape the build and the bytes of the user files they name."""
    digest = hashlib.sha256(settings.model_dump_json(exclude=RUN_ONLY).encode())
    for given in (settings.sources_file, settings.agreements_dir, settings.cases_dir):
        paths = [] if given is None else [given] if given.is_file() else sorted(given.rglob("*"))
        for path in (p for p in paths if p.is_file()):
            digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def today() -> str:
    """The date the build database's SQL reads (build_keys.today: DuckDB's current_date)."""
    with duckdb.connect() as con:
        return str(con.execute("SELECT CAST(current_date AS VARCHAR)").fetchone()[0])


def _keys_digest(con: duckdb.DuckDBPyConnection) -> str:
    try:
        return con.execute(KEYS_DIGEST).fetchone()[0]
    except duckdb.CatalogException:
        return ""  # no build keys at all


def files_read(settings: Settings, releases: Releases) -> list[list[str]]:
    """[source_id, release, file name, sha256] of every source file a refresh reads, as the raw assets
    fetch them (assets/tables.py): each source's used release, and the two newest releases of the sources
    whose releases are compared. After a run: its candidates are the current files by then."""
    from bcm_pipeline import catalogue
    from bcm_pipeline.sources.registry import default_sources

    read = [(s, releases.used(s)) for s in default_sources()]
    read += [(s, r) for s in catalogue.compared_sources() for r in releases.sources[s].latest_two()]
    out = {}
    for source_id, release in read:
        for f in releases.files(source_id, release):
            target = settings.source_dir(f.id) / f.filename
            sha = download.sha256_of(target) if target.is_file() else ""
            out[(f.id, f.filename)] = [f.id, release.version, f.filename, sha]
    return sorted(out.values())


def record(settings: Settings, day: str, releases: Releases, version: str) -> None:
    """After a successful refresh: what it was made from, beside the build keys."""
    with duckdb.connect(str(settings.build_path)) as con:
        inputs = Inputs(
            code_fingerprint(),
            settings_digest(settings),
            day,
            _keys_digest(con),
            files_read(settings, releases),
        )
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {KEYS_SCHEMA}")
        con.execute(f"CREATE OR REPLACE TABLE {RECORD} (version VARCHAR NOT NULL, inputs VARCHAR NOT NULL)")
        con.execute(f"INSERT INTO {RECORD} VALUES (?, ?)", [version, json.dumps(asdict(inputs))])


def forget(settings: Settings) -> None:
    """Before a run: a run that fails or is killed leaves no record, so the next refresh runs too."""
    if settings.build_path.exists():
        with duckdb.connect(str(settings.build_path)) as con:
            con.execute(f"DROP TABLE IF EXISTS {RECORD}")


def _published_version(path: Path) -> str | None:
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            row = con.execute("SELECT version FROM manifest LIMIT 1").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def why_run(settings: Settings, releases: Releases) -> tuple[str | None, str]:
    """(None, the published version) when a refresh now would build what is published: nothing to run.
    Else (why a run is needed, "")."""
    if not settings.build_path.exists() or not settings.warehouse_path.exists():
        return "no build yet", ""
    with duckdb.connect(str(settings.build_path), read_only=True) as con:
        try:
            row = con.execute(f"SELECT version, inputs FROM {RECORD}").fetchone()
        except duckdb.CatalogException:
            row = None
        if row is None:
            return "no finished `bcm refresh` is recorded in the build file", ""
        version, before = row[0], Inputs(**json.loads(row[1]))
        keys = _keys_digest(con)
    if _published_version(settings.warehouse_path) != version:
        return f"the published warehouse is no longer {version}", ""
    # The cheap comparisons first; then one conditional GET per file.
    differs = Inputs(code_fingerprint(), settings_digest(settings), today(), keys).differences(before)
    if differs:
        return f"since {version}, {'; '.join(differs)} changed", ""
    with download.make_session(settings.model_copy(update={"http_retries": 0})) as session:
        for source_id, release, name, sha in before.files:
            try:
                listed = releases.files(source_id, releases.sources[source_id].release(release))
                (f,) = [f for f in listed if f.filename == name]
            except (KeyError, ValueError):  # (the code and settings list it: only a hand-edited record)
                return f"{source_id}: release {release} file {name} is no longer listed", ""
            on_disk, why = download.still_current(f, settings, session)
            if why:
                return why, ""
            if on_disk != sha:
                return f"{source_id}: {name} on disk is not the file {version} was built from", ""
    return None, version


def note(version: str, path: Path) -> str:
    return (
        "nothing changed: every source file is the one recorded (each server answered 304 Not Modified), "
        f"and the code, settings and day are those of the published version {version}; {path} kept as it is, "
        "no run started (`bcm refresh --run` runs and checks every table again)"
    )
