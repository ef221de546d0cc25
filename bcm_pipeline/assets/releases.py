"""Dagster wiring of source_releases: every known release per source and file, which one the build used,
and the rows parsed from it. The rows come from bcm_pipeline/releases.py; this module counts and writes.

(The two newest releases of a compared tracker are fetched by tables.compared_raw_asset and parsed into
tracker_unit_releases by the catalogue's table asset.)
"""

import dagster as dg

from bcm_pipeline import build, catalogue, warehouse
from bcm_pipeline import releases as rel
from bcm_pipeline.assets.tables import (
    OWNERS,
    check_result,
    column_schema,
    compared_key,
    raw_key,
    schema_check_spec,
)
from bcm_pipeline.resources import BcmResource
from bcm_pipeline.sources.candidates import readable
from bcm_pipeline.sources.download import sha256_of
from bcm_pipeline.sources.registry import default_sources, user_listed

COMPARISON = "tracker_unit_releases"


def _count(con, catalog: dict, table: str, sha: str, version: str) -> tuple[int, int]:
    """(rows parsed, of them quarantined) from the file with this sha256 into `table`."""
    columns = {c for c, _ in catalog.get(table, [])}
    if not columns:
        return 0, 0
    where, args = ["true"], []
    if "source_sha256" in columns:
        where, args = ["source_sha256 = ?"], [sha]
    if "version" in columns:  # tracker_unit_releases holds two releases
        where.append("version = ?")
        args.append(version)
    rows = con.execute(
        f"SELECT count(*) FROM {warehouse.quote_ident(table)} WHERE {' AND '.join(where)}", args
    ).fetchone()[0]
    bad = 0
    if "quarantine" in catalog:
        bad = con.execute(
            "SELECT count(*) FROM quarantine WHERE table_name = ? AND file_sha256 = ?", [table, sha]
        ).fetchone()[0]
    return rows + bad, bad


def source_releases_asset() -> dg.AssetsDefinition:
    t = catalogue.table("source_releases")
    parsed_tables = catalogue.parsed_from_used_release()
    compared = catalogue.compared_sources()
    deps = [raw_key(s) for s in default_sources()] + [dg.AssetKey(p.name) for p in parsed_tables]
    deps += [compared_key(s) for s in compared] + ([dg.AssetKey(COMPARISON)] if compared else [])

    @dg.asset(
        name=t.name,
        group_name="core",
        kinds={"duckdb", "pandas"},
        owners=OWNERS,
        deps=deps,
        description=t.model.Config.description,
        metadata={"dagster/column_schema": column_schema(t.model), "dagster/table_name": t.name},
        check_specs=[schema_check_spec(t)],
    )
    def _source_releases(bcm: BcmResource) -> dg.MaterializeResult:
        settings, releases = bcm.settings(), bcm.releases()
        file_sha, parsed = {}, {}
        with bcm.build_connection() as con:
            catalog = warehouse.table_columns(con)
            for source_id, entry in releases.sources.items():
                used = releases.used(source_id)
                # What this build read from each release: the used one into the source's tables, the two
                # newest (when compared) into tracker_unit_releases.
                read = {used.version: [(p.name, p.file) for p in parsed_tables if p.source_id == source_id]}
                if source_id in compared:
                    for r in entry.latest_two():
                        read.setdefault(r.version, [(COMPARISON, None)])
                folder = settings.source_dir(source_id)
                for version, tables in read.items():
                    release = entry.release(version)
                    # A file's candidate, when one waits, is what this run's tables read.
                    if not tables or not all(readable(folder / f.name).exists() for f in release.files):
                        continue
                    whole = build.release_sha256(folder, release) if len(release.files) > 1 else None
                    for i, f in enumerate(release.files):
                        sha = sha256_of(readable(folder / f.name))
                        key = (source_id, version, f.name)
                        file_sha[key] = sha
                        mine = [(n, r) for n, r in tables if r in (None, f.role, catalogue.ALL_FILES)]
                        # A table reading every file together carries the release's sha256: its rows are
                        # counted on the first file.
                        counts = [
                            _count(con, catalog, n, whole if r == catalogue.ALL_FILES else sha, version)
                            for n, r in mine
                            if r != catalogue.ALL_FILES or i == 0
                        ]
                        parsed[key] = rel.Parsed(
                            tables=tuple(n for n, _ in mine),
                            rows=sum(c[0] for c in counts) if counts else None,  # counted on the first
                            quarantined=sum(c[1] for c in counts) if counts else None,
                        )
            df = rel.source_release_rows(releases, user_listed(settings.sources_file), file_sha, parsed)
            valid = t.model.validate(df)[list(t.model.to_schema().columns)]
            warehouse.write_table(con, t.model, valid)
            check = build.check(con, t, len(valid))
        used = ", ".join(f"{r.source_id} {r.version}" for r in valid.itertuples() if r.is_used)
        return dg.MaterializeResult(
            metadata={"dagster/row_count": len(valid), "used": used}, check_results=[check_result(t, check)]
        )

    return _source_releases
