"""Build keys: a refresh rebuilds only the tables a change reaches, and keeps the others as stored.

A table written by a refresh records a build key beside it in the build file (warehouse.KEYS, left out of
the published copy): a sha256 over what the table is made from. That is the package's code (every file of
bcm_pipeline and the versions of the libraries that compute) and
- a source or authored table: the key of its validated frame (the raw file's bytes, parser, release layout
  and model; or the authored frame read);
- a computed table: its SQL text (or Python computation) and the build keys of the tables it reads, and
  today's date for SQL that reads the clock.
A step whose key equals the recorded one, with the table still stored, keeps the table and checks it again;
any write of a table forgets its key first (warehouse.write_table), so a key never outlives its rows.
`bcm refresh --rebuild` (BCM_REBUILD=1) rebuilds every table. Dagster's code and data versions would keep
the same record in the instance, not beside the rows it describes, and a run would not skip on them.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

import duckdb

from bcm_pipeline import catalogue, warehouse
from bcm_pipeline.catalogue import Table
from bcm_pipeline.fingerprint import code_fingerprint

KEPT = "kept: inputs and code unchanged"  # the `build` note of a table kept as stored
READS_CLOCK = re.compile(r"\b(current_date|current_timestamp|now\s*\(|today\s*\()", re.IGNORECASE)


@dataclass(frozen=True)
class Key:
    code: str  # the code (and clock) the table's rows depend on
    inputs: dict[str, str] = field(default_factory=dict)  # {input: its key}

    @property
    def value(self) -> str:
        return hashlib.sha256(json.dumps([self.code, self.inputs], sort_keys=True).encode()).hexdigest()


def _code(*parts: str) -> str:
    return hashlib.sha256(" ".join([code_fingerprint(), *parts]).encode()).hexdigest()


def read_key(t: Table, frame_key: str) -> Key:
    """A source or authored table: the key of the validated frame it writes."""
    return Key(_code(t.name), {"frame": frame_key})


def code_key(t: Table) -> Key:
    """A table made from the code alone (the data dictionary: models, SQL, view files)."""
    return Key(_code(t.name))


def computed_key(con: duckdb.DuckDBPyConnection, ts: list[Table]) -> Key | None:
    """Tables computed together (one SQL file, or one Python computation): their code and the keys of the
    tables they read as stored; None when an input has no key (never recorded, or written otherwise)."""
    names = {t.name for t in ts}
    reads = sorted({r for t in ts for r in catalogue.reads(t)} - names)
    stored = warehouse.stored_keys(con)
    if any(r not in stored for r in reads):
        return None
    texts = [t.sql_text() if t.kind == "sql" else f"{t.compute.__module__}.{t.compute.__name__}" for t in ts]
    clock = [today(con)] if any(READS_CLOCK.search(text) for text in texts) else []
    return Key(_code(*sorted(names), *texts, *clock), {r: stored[r][0] for r in reads})


def today(con: duckdb.DuckDBPyConnection) -> str:
    return str(con.execute("SELECT CAST(current_date AS VARCHAR)").fetchone()[0])


def why_build(con: duckdb.DuckDBPyConnection, names: list[str], key: Key | None, keep: bool) -> str | None:
    """None when every table of `names` is stored with `key` recorded beside it (keep them as they are);
    else why they are built, in a few words (the materialization's `build` note). Asked before writing:
    the write forgets the key it is compared with."""
    if not keep:
        return "rebuilt: every table rebuilt (--rebuild)"
    if key is None:
        return "built: an input table has no build key"
    stored = warehouse.stored_keys(con)
    present = set(warehouse.base_tables(con)) if all(n in stored for n in names) else set()
    for name in names:
        if name not in stored:
            return "built: no build recorded for this table"
        if name not in present:
            return "rebuilt: the table was missing"
        if stored[name][0] == key.value:
            continue
        if stored[name][1] != key.code:
            return "rebuilt: the code changed"
        before = json.loads(stored[name][2])
        changed = sorted(k for k in set(before) | set(key.inputs) if before.get(k) != key.inputs.get(k))
        return f"rebuilt: changed input(s) {', '.join(changed)}"
    return None


def record(con: duckdb.DuckDBPyConnection, name: str, key: Key | None) -> None:
    if key is not None:
        warehouse.record_key(con, name, key.value, key.code, json.dumps(key.inputs, sort_keys=True))
