"""Refusals that name their cause. No Dagster here.

Two places say no to a change that is probably a broken file rather than news:
- a source table, before it is written (build.source_table): its rows against the same table in the last
  published version, when the file it is built from is new: a fall in rows beyond the source's
  `max_row_fall` (sources.yaml), or a value that moved by orders of magnitude for the same key (a capacity
  now in kW). `check_new_file` raises SourceChangeRefused.
- the publish gate (assets/publish.py), on the finished build: `trace` follows a refused table to the
  sources it is built from (catalogue.upstream) and says which of their files changed since the last
  published version (raw_files of both).
Each message names the source, the release, the file (sha256 prefix, URL) and how to accept the change if
it is real (`accept_hint`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pandera.pandas as pa

from bcm_pipeline import catalogue
from bcm_pipeline.schemas.base import key_columns, quote_ident, storage_columns, table_name
from bcm_pipeline.sources.registry import Release, SourceEntry, url_override_env

# Positions, not magnitudes: a corrected sign or a small shift near 0 is not a change of unit.
POSITIONS = frozenset({"latitude", "longitude"})
# Keys that are a row's place in its file (POSTED's line number): they do not follow a row to the next file
# (one line added and every later row moves), so such rows are matched on what they describe instead.
ROW_NUMBERS = frozenset({"source_row", "sheet_row"})
NOT_DESCRIPTIVE = frozenset({"source_sha256"})
EXAMPLES = 3
GUARD_SETTING = "BCM_PUBLISH__DRIFT_GUARD=false"


class SourceChangeRefused(ValueError):
    """A new file of a source is refused against the one the published tables were built from."""


@dataclass(frozen=True)
class FileUsed:
    """One raw file a table was (or is being) built from."""

    source_id: str
    version: str
    file_name: str
    sha256: str
    url: str | None  # where it was fetched from; None when placed by hand

    def describe(self) -> str:
        origin = f"from {self.url}" if self.url and not self.url.startswith("file://") else "placed by hand"
        return f"release {self.version} file {self.file_name!r} (sha256 {self.sha256[:12]}, {origin})"


def files_in(con: duckdb.DuckDBPyConnection, source_ids: Iterable[str]) -> dict[str, list[FileUsed]]:
    """{source_id: the files its tables were built from} per raw_files (refused files left out)."""
    wanted = sorted(set(source_ids))
    out: dict[str, list[FileUsed]] = {s: [] for s in wanted}
    if not wanted or not _has_table(con, "raw_files"):
        return out
    columns = {r[0] for r in con.execute("DESCRIBE raw_files").fetchall()}
    version = "version" if "version" in columns else "NULL"
    name = "file_name" if "file_name" in columns else "path"
    refused = "status <> 'refused'" if "status" in columns else "true"
    # Where the file came from: the URL fetched (a mirror, an override; NULL when placed by hand) when
    # raw_files keeps it apart from the publisher's.
    url = "fetched_url" if "fetched_url" in columns else "url"
    rows = con.execute(
        f"SELECT source_id, {version}, {name}, sha256, {url} FROM raw_files "
        f"WHERE {refused} AND source_id IN ({', '.join('?' for _ in wanted)}) ORDER BY 1, 3",
        wanted,
    ).fetchall()
    for source_id, ver, file_name, sha, url in rows:
        out[source_id].append(FileUsed(source_id, ver or "?", Path(file_name).name, sha, url))
    return out


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?", [name]
        ).fetchone()[0]
    )


def version_name(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    """The published version's name (its manifest), else the file name."""
    if _has_table(con, "manifest"):
        row = con.execute("SELECT version FROM manifest LIMIT 1").fetchone()
        if row:
            return row[0]
    return path.name


def accept_hint(
    entries: Sequence[SourceEntry], used: dict[str, str], published: dict[str, str], gate: bool
) -> str:
    """How to accept a real change, or keep the previous data. used/published: {source_id: release}."""
    how = [
        f"if the change is real, accept it for one run with {GUARD_SETTING}"
        + (" (or the run config ops.published_warehouse.config.drift_guard: false)" if gate else "")
    ]
    for entry in entries:
        older = _previous_release(entry, used.get(entry.id), published.get(entry.id))
        if older:
            how.append(
                f"to keep the previous data, pin the previous release: "
                f"BCM_RELEASE_{entry.id.upper()}={older} (or bcm refresh --release {entry.id}={older})"
            )
        else:
            how.append(
                f"to keep building {entry.id} from its last good file meanwhile, delete that file's "
                f".provenance.json in data/raw/{entry.id}/ (a file without it is used as it is, not "
                f"downloaded), or point {url_override_env(entry.id)} at a good copy"
            )
    return "; ".join(how) + "."


def _previous_release(entry: SourceEntry, used: str | None, published: str | None) -> str | None:
    if published and used and published != used:
        return published
    order = [r.version for r in entry.ordered()]
    if used in order and order.index(used) > 0:
        return order[order.index(used) - 1]
    return None


# --- A source table against the published one -------------------------------------------------------


def magnitude_columns(model: type[pa.DataFrameModel]) -> list[str]:
    """The model's floating-point columns that hold magnitudes (not keys, not coordinates)."""
    keys = set(key_columns(model))
    return [
        c
        for c, dtype, _ in storage_columns(model)
        if dtype == "DOUBLE" and c not in keys and c not in POSITIONS
    ]


def match_columns(model: type[pa.DataFrameModel]) -> list[str]:
    """The columns that find a row again in the next file: the model's key, or, when the key holds a row
    number, every column that describes the row (all but magnitudes, row numbers and the file's sha256)."""
    keys = key_columns(model)
    if not ROW_NUMBERS & set(keys):
        return keys
    skip = set(magnitude_columns(model)) | ROW_NUMBERS | NOT_DESCRIPTIVE | POSITIONS
    return [c for c, dtype, _ in storage_columns(model) if c not in skip and dtype != "DOUBLE"]


def value_jumps(
    model: type[pa.DataFrameModel],
    old: pd.DataFrame,
    new: pd.DataFrame,
    max_ratio: float,
    old_key=None,
) -> list[str]:
    """For each magnitude column, the values that moved by `max_ratio` or more (either way) against the
    same key in `old`; zeros and nulls are not compared. `old_key`: maps an old single-column key to the
    new id format (a release's unit_id_rewrite)."""
    keys = [k for k in match_columns(model) if k in old.columns and k in new.columns]
    columns = [c for c in magnitude_columns(model) if c in old.columns and c in new.columns]
    if not keys or not columns or not len(old) or not len(new):
        return []
    old = _same_types(old[keys + columns], keys).drop_duplicates(keys)
    if old_key is not None and len(keys) == 1 and keys == key_columns(model):
        old = old.assign(**{keys[0]: old[keys[0]].map(old_key, na_action="ignore")})
    new = _same_types(new[keys + columns], keys).drop_duplicates(keys)
    pairs = old.merge(new, on=keys, suffixes=("_old", "_new"))
    problems = []
    for column in columns:
        before = pd.to_numeric(pairs[f"{column}_old"], errors="coerce").astype("float64")
        after = pd.to_numeric(pairs[f"{column}_new"], errors="coerce").astype("float64")
        compared = before.notna() & after.notna() & before.ne(0) & after.ne(0)
        ratio = (after[compared] / before[compared]).abs()
        jumped = ratio[(ratio >= max_ratio) | (ratio <= 1 / max_ratio)]
        if jumped.empty:
            continue
        examples = "; ".join(
            f"{'|'.join(str(pairs.at[i, k]) for k in keys)}: {before[i]:.6g} -> {after[i]:.6g} ({ratio[i]:.4g}x)"
            for i in jumped.index[:EXAMPLES]
        )
        problems.append(
            f"{table_name(model)}.{column}: {len(jumped)} of {int(compared.sum())} value(s) moved by "
            f"{max_ratio:g}x or more against the same {'/'.join(keys)} (e.g. {examples}): a change of unit?"
        )
    return problems


def _same_types(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Key columns as the stored table and the parsed frame both give them: numbers as Float64, the rest
    as text (DuckDB gives object columns, pandera's frames string and Int64 ones)."""
    out = frame.copy()
    for k in keys:
        numeric = pd.api.types.is_numeric_dtype(out[k]) and not pd.api.types.is_bool_dtype(out[k])
        out[k] = out[k].astype("Float64") if numeric else out[k].astype("string")
    return out


def row_fall(table: str, entry: SourceEntry, old_rows: int, new_rows: int) -> str | None:
    """The fall in rows beyond the source's max_row_fall, as a problem; None when within it."""
    if not old_rows or new_rows >= (1 - entry.max_row_fall) * old_rows:
        return None
    return (
        f"{table}: rows fell from {old_rows} to {new_rows} ({1 - new_rows / old_rows:.1%} fewer; "
        f"{entry.id} allows a fall of at most {entry.max_row_fall:.0%}: max_row_fall in sources.yaml)"
    )


def check_new_file(
    model: type[pa.DataFrameModel],
    valid: pd.DataFrame,
    entry: SourceEntry,
    release: Release,
    new_files: list[FileUsed],
    previous: Path | None,
    max_ratio: float,
) -> None:
    """Raise SourceChangeRefused when the table built from `new_files` lost more rows than its source
    allows, or holds values that moved by `max_ratio` or more, against the same table in the published
    version `previous`. Nothing to compare (no previous version, no such table there, the same files):
    nothing is checked."""
    if previous is None or not previous.exists():
        return
    table = table_name(model)
    with duckdb.connect(str(previous), read_only=True) as old:
        if not _has_table(old, table):
            return
        old_files = files_in(old, [entry.id])[entry.id]
        shas = {(f.file_name, f.sha256) for f in old_files}
        if all((f.file_name, f.sha256) in shas for f in new_files):
            return  # built from the very files the published table was built from
        old_rows = old.execute(f"SELECT count(*) FROM {quote_ident(table)}").fetchone()[0]
        stored = {r[0] for r in old.execute(f"DESCRIBE {quote_ident(table)}").fetchall()}
        wanted = [c for c in match_columns(model) + magnitude_columns(model) if c in stored]
        old_frame = (
            old.execute(f"SELECT {', '.join(quote_ident(c) for c in wanted)} FROM {quote_ident(table)}").df()
            if wanted
            else pd.DataFrame()
        )
        name = version_name(old, previous)
    old_version = next((f.version for f in old_files), None)
    rewrite = None
    if old_version and old_version != release.version:
        older = next((r for r in entry.releases if r.version == old_version), None)
        rewrite = older.unit_key if older is not None and older.unit_id_rewrite else None
    problems = [p for p in [row_fall(table, entry, old_rows, len(valid))] if p]
    problems += value_jumps(model, old_frame, valid, max_ratio, old_key=rewrite)
    if not problems:
        return
    new = "; ".join(f.describe() for f in new_files)
    before = "; ".join(f.describe() for f in old_files) or "files not recorded"
    hint = accept_hint([entry], {entry.id: release.version}, {entry.id: old_version or ""}, gate=False)
    raise SourceChangeRefused(
        f"{entry.id} release {release.version}: the new file is refused (not built into {table}, not "
        f"published):\n- {chr(10).join('- ' + p for p in problems)[2:]}\n"
        f"  new: {new}\n"
        f"  compared with the published version {name}, built from {before}\n"
        f"{sentence(hint)}"
    )


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- The publish gate: a refused table back to its sources ----------------------------------------


def sources_of(table: str) -> list[str]:
    """The sources a table is built from: its own, or those of every source table upstream of it."""
    known = catalogue.by_name()
    if table not in known:
        return []
    names = {table} | catalogue.upstream([table])
    return sorted({known[n].source_id for n in names if known[n].kind == "source" and known[n].source_id})


@dataclass(frozen=True)
class Cause:
    text: str  # which sources the table is built from, which of their files changed
    changed: tuple[str, ...]  # the sources whose files changed since the previous version


def trace(
    table: str, current: duckdb.DuckDBPyConnection, previous: duckdb.DuckDBPyConnection | None, name: str
) -> Cause:
    """Follow `table` to its sources and compare their files now (`current`) and in the published
    version `previous` (named `name`)."""
    sources = sources_of(table)
    if not sources:
        return Cause(f"{table} is built from the package's own files only (no source file)", ())
    now = files_in(current, sources)
    before = files_in(previous, sources) if previous is not None else {}
    changed, same = [], []
    for source_id in sources:
        new = {(f.file_name, f.sha256) for f in now[source_id]}
        old = {(f.file_name, f.sha256) for f in before.get(source_id, [])}
        (changed if previous is None or new != old else same).append(source_id)
    parts = []
    for source_id in changed:
        new_files = "; ".join(f.describe() for f in now[source_id]) or "no file recorded"
        old_files = "; ".join(f.describe() for f in before.get(source_id, [])) or "no file recorded"
        if previous is not None:
            parts.append(f"{source_id}, whose file changed: now {new_files}; in {name}: {old_files}")
        else:
            parts.append(f"{source_id}: {new_files}")
    if not changed:
        return Cause(
            f"{table} is built from {', '.join(same)}, none of whose files changed since {name}: the change "
            "comes from the code or the package's own files (reference tables, agreements, cases)",
            (),
        )
    unchanged = f"; unchanged since {name}: {', '.join(same)}" if same else ""
    return Cause(f"{table} is built from {'; '.join(parts)}{unchanged}", tuple(changed))
