"""The `bcm` command line: refresh, status, query, export, brief, case, dictionary.

Everything an analyst reads comes from the published warehouse (data/warehouse/bcm.duckdb, or under
BCM_DATA_DIR), opened read-only: a refresh replaces that file by rename, so an open query never blocks it.
Errors print one or a few plain lines (what failed, why, what to do; bcm_pipeline/errors.py) and exit with
status 1; `bcm --debug <command>` adds the traceback.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
import duckdb

from bcm_pipeline import errors, lock, uptodate
from bcm_pipeline.settings import GC_THRESHOLDS, Settings

if TYPE_CHECKING:
    import pandas as pd
# pandas, the formatting and Dagster are imported by the commands that use them: `bcm refresh` with
# nothing to do (uptodate.py) is mostly its imports.


class CliError(click.ClickException):
    """One line on stderr, exit status 1."""

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def _settings(ctx: click.Context, **overrides) -> Settings:
    return Settings.load(data_dir=ctx.obj.get("data_dir"), **overrides)


# `bcm query` runs SQL handed over by scripts and colleagues: besides the warehouse it may touch no file
# (COPY ... TO, read_csv, ATTACH, EXPORT DATABASE), load or install no extension, and change no setting
# (lock_configuration refuses the SET that would give access back). Built-in extensions still load.
LOCKED_DOWN = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}


def connect_published(settings: Settings, locked: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published warehouse (never the build file a refresh writes);
    `locked`: with no access to files, extensions or settings beyond it (LOCKED_DOWN)."""
    path = settings.warehouse_path
    if not path.exists():
        raise CliError(f"no published warehouse at {path}; run `bcm refresh` first")
    return duckdb.connect(str(path), read_only=True, config=LOCKED_DOWN if locked else {})


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views() "
            "WHERE NOT internal ORDER BY 1"
        ).fetchall()
    ]


def _show(df: pd.DataFrame, limit: int) -> None:
    from bcm_pipeline import formatting

    if df.empty:
        click.echo(f"(0 rows; columns: {', '.join(df.columns)})")
        return
    click.echo(formatting.to_table(df.head(limit)))  # by unit; NULL blank, never nan
    more = f", first {limit} shown" if len(df) > limit else ""
    click.echo(f"({len(df)} row{'s' if len(df) != 1 else ''}{more})")


class _Group(click.Group):
    """Any error a command did not turn into a CliError still ends in plain lines (errors.explain), not a
    traceback, unless --debug."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # `bcm query ... | head`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit's flush
            raise click.exceptions.Exit(0) from None
        except Exception as err:
            if (ctx.obj or {}).get("debug"):
                raise
            raise CliError(errors.explain(err)) from err


@click.group(cls=_Group)
@click.option(
    "--data-dir",
    envvar="BCM_DATA_DIR",
    type=click.Path(file_okay=False),
    help="Data folder (raw/, warehouse/, briefs/, dagster/); default ./data or BCM_DATA_DIR.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of errors (else plain lines).")
@click.pass_context
def main(ctx: click.Context, data_dir: str | None, debug: bool) -> None:
    """bcm: build and query the bilateral-crediting warehouse."""
    ctx.ensure_object(dict)
    ctx.obj["data_dir"] = data_dir
    ctx.obj["debug"] = debug


# --- refresh --------------------------------------------------------------------------------------------


@main.command()
@click.option(
    "--mirror", envvar="BCM_SOURCE_MIRROR", help="Fetch every source from <mirror>/<source_id>/<file>."
)
@click.option(
    "--no-wait", is_flag=True, help="Fail at once if another refresh writes this data directory (else wait)."
)
@click.option(
    "--release",
    "pins",
    multiple=True,
    metavar="SOURCE_ID=VERSION",
    help="Build a source from this listed release (repeatable); like BCM_RELEASE_<SOURCE_ID>.",
)
@click.option(
    "--rebuild",
    is_flag=True,
    help="Rebuild every table, also those whose inputs and code did not change (else kept; BCM_REBUILD=1).",
)
@click.option(
    "--run",
    "force_run",
    is_flag=True,
    help="Start the run even when nothing changed (every table kept and checked again).",
)
@click.pass_context
def refresh(
    ctx: click.Context,
    mirror: str | None,
    no_wait: bool,
    pins: tuple[str, ...],
    rebuild: bool,
    force_run: bool,
) -> None:
    """Download, validate and build every table, then publish the warehouse (Dagster job `refresh`, on the
    data directory's Dagster instance: `bcm ui` shows the run). A table whose inputs and code are those
    it was built from is kept as stored and checked again (its line says `kept`). When nothing changed
    since the last `bcm refresh` (code, settings, day, and every source answers 304 Not Modified), no run
    is started at all (bcm_pipeline/uptodate.py)."""
    bad = [p for p in pins if "=" not in p]
    if bad:
        raise CliError(f"--release {bad[0]!r}: expected SOURCE_ID=VERSION")
    release_pins = dict(p.split("=", 1) for p in pins)
    settings = _settings(
        ctx, source_mirror=mirror, releases=release_pins or None, rebuild=True if rebuild else None
    )
    releases = _releases(settings)  # a wrong pin or user sources file: one line now, not a failed run
    try:
        # One writer per data directory (bcm_pipeline/lock.py); the run's resource holds the same lock.
        with lock.writer_lock(
            settings.data_dir, "bcm refresh", wait=not no_wait, report=lambda m: click.echo(m, err=True)
        ):
            if not (settings.rebuild or force_run):
                why, version = _why_run(settings, releases)
                if why is None:
                    click.echo(uptodate.note(version, settings.warehouse_path))
                    return
                click.echo(f"a run is needed: {why}")
            _run_refresh(settings, mirror, releases)
    except lock.DataDirBusy as err:
        raise CliError(str(err)) from err


def _why_run(settings: Settings, releases) -> tuple[str | None, str]:
    try:
        return uptodate.why_run(settings, releases)
    except duckdb.Error as err:  # an unreadable build record: the run will say more
        return f"the build file's record could not be read ({str(err).splitlines()[0]})", ""


def _run_refresh(settings: Settings, mirror: str | None, releases) -> None:
    from bcm_pipeline import prewarm

    gc.set_threshold(*GC_THRESHOLDS)  # from here on: the imports and the run allocate millions of objects

    # Source files on disk whose cache is cold: parsed in other processes while Dagster loads here.
    with prewarm.started(settings, releases, report=click.echo):
        from bcm_pipeline.assets.instance import open_instance
        from bcm_pipeline.assets.progress import ProgressHandler, progress_logger
        from bcm_pipeline.definitions import build_defs, freeze_loaded_objects
        from bcm_pipeline.resources import BcmResource

        handler = ProgressHandler(click.echo, lambda line: click.echo(line, err=True))
        pins = dict(settings.releases)  # --release and BCM_RELEASE_*: the run reads the same
        resource = BcmResource.of(
            data_dir=settings.data_dir,
            source_mirror=mirror,
            release_pins=pins,
            rebuild=settings.rebuild or None,
        )
        defs = build_defs(resource)
        freeze_loaded_objects()
        job = defs.resolve_job_def("refresh").with_logger_defs({"console": progress_logger(handler=handler)})
        click.echo(f"refresh into {settings.data_dir}" + (f" from the mirror {mirror}" if mirror else ""))
        began = time.monotonic()
        day = uptodate.today()  # the day the run's clock-reading SQL sees, recorded if it succeeds
        uptodate.forget(settings)
        with open_instance(settings) as instance:
            result = job.execute_in_process(
                run_config={"loggers": {"console": {}}}, instance=instance, raise_on_error=False
            )
    published = result.success or any(
        e.event_type_value == "STEP_SUCCESS" and e.step_key == "published_warehouse"
        for e in result.all_events
    )
    publish = _publish_metadata(result) if published else {}
    if not result.success:
        if (click.get_current_context().obj or {}).get("debug"):
            for e in result.all_events:
                if e.is_step_failure and e.step_failure_data.error:
                    click.echo(e.step_failure_data.error.to_string(), err=True)
        failed = [step for step, _ in handler.failures] or ["?"]
        after = (
            "the warehouse was published before it" if published else "the published warehouse is unchanged"
        )
        raise CliError(f"refresh failed at step(s) {', '.join(failed)}; {after} (the causes are above)")
    uptodate.record(settings, day, releases, publish.get("version", ""))
    took = time.monotonic() - began
    if publish.get("unchanged"):
        click.echo(
            f"unchanged: the build has the content of the published version {publish.get('version')}; "
            f"{settings.warehouse_path} kept as it is ({took:.0f} s)"
        )
    else:
        click.echo(
            f"published {settings.warehouse_path} (version {publish.get('version', '?')}) in {took:.0f} s"
        )
    click.echo(f"the run is in the Dagster instance {settings.data_dir / 'dagster'}: `bcm ui` shows it")


def _publish_metadata(result) -> dict:
    """The published_warehouse materialization's metadata values (version, unchanged), if any."""
    try:
        events = result.asset_materializations_for_node("published_warehouse")
    except Exception:  # the step did not run
        return {}
    if not events:
        return {}
    return {k: getattr(v, "value", v) for k, v in events[-1].metadata.items()}


# --- ui -------------------------------------------------------------------------------------------------


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=3000, show_default=True)
@click.option("--mirror", envvar="BCM_SOURCE_MIRROR", help="Runs started from the UI fetch from this mirror.")
@click.pass_context
def ui(ctx: click.Context, host: str, port: int, mirror: str | None) -> None:
    """The Dagster web UI and daemon on this data directory's instance (<data dir>/dagster): the runs of
    `bcm refresh`, lineage, schedules; both code locations loaded."""

    from bcm_pipeline.assets.instance import run_ui

    if mirror:
        os.environ["BCM_SOURCE_MIRROR"] = mirror
    settings = _settings(ctx)
    click.echo(
        f"Dagster UI at http://{host}:{port} on the instance {settings.data_dir / 'dagster'} (Ctrl-C stops)"
    )
    run_ui(settings, host, port)


# --- status ---------------------------------------------------------------------------------------------


def _age(retrieved_at: str | None, now: datetime) -> str:
    if not retrieved_at:
        return "?"
    try:
        then = datetime.fromisoformat(str(retrieved_at).replace("Z", "+00:00"))
    except ValueError:
        return "?"
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    days = (now - then).total_seconds() / 86400
    return f"{days:.1f} d" if days >= 1 else f"{days * 24:.1f} h"


def _releases(settings: Settings):
    """Every known release (sources.yaml + BCM_SOURCES_FILE) and the pins (BCM_RELEASE_*), as configured now."""
    from bcm_pipeline.sources import registry

    try:
        return registry.resolve(registry.ReleaseOptions.of(settings))
    except registry.SourceConfigError as err:
        raise CliError(str(err)) from err


def _newer_release(releases, source_id: str, used_version: str | None) -> str:
    """The newest listed release when it is not the one used (and is newer), else ''."""
    entry = releases.sources.get(source_id)
    if entry is None or used_version is None:
        return ""
    order = [r.version for r in entry.ordered()]
    newest = order[-1]
    if newest == used_version or (used_version in order and order.index(used_version) > order.index(newest)):
        return ""
    return newest


def _show_kept_aside(settings: Settings) -> None:
    """New downloads that were refused (kept in data/raw/<id>/refused/ with the reason) or still wait for
    their tables' checks (candidate/): read from disk, as a refused run publishes nothing."""
    from bcm_pipeline.sources import candidates

    aside = candidates.kept_aside(settings.raw_dir)
    if not aside:
        return
    click.echo(
        "\nnew downloads the tables are not built from (refused and kept aside, or still a candidate):"
    )
    for item in aside:
        reason = " ".join(str(item["reason"]).split())
        reason = reason if len(reason) <= 300 else reason[:300] + "…"
        click.echo(
            f"- {item['source_id']} {item['file_name']}: {item['state']} {item['when'] or ''} "
            f"(sha256 {item['sha256']}) {item['path']}\n  {reason}"
        )


@main.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Published version (manifest); per source the release used, its date, whether a newer listed release
    exists, and each file's age and sha256 (raw_files)."""
    from bcm_pipeline import formatting

    settings = _settings(ctx)
    with connect_published(settings) as con:
        tables = _tables(con)
        click.echo(f"warehouse: {settings.warehouse_path}")
        if "manifest" in tables:
            version = con.execute("SELECT version, built_at, code_version FROM manifest LIMIT 1").fetchone()
            click.echo(f"version:   {version[0]} (built {version[1]}, code {version[2]})")
            tables_df = con.execute(
                "SELECT name AS table_name, row_count, check_passed FROM manifest WHERE kind = 'table' ORDER BY name"
            ).df()
        else:
            modified = datetime.fromtimestamp(settings.warehouse_path.stat().st_mtime, UTC)
            click.echo(f"version:   (no manifest) file written {modified:%Y-%m-%d %H:%M} UTC")
            tables_df = None
        if "raw_files" not in tables:
            raise CliError("the published warehouse has no raw_files table")
        now = datetime.now(UTC)
        dated = "source_releases" in tables
        sources = con.execute(
            "SELECT f.source_id, f.version AS release, "
            + ("CAST(r.release_date AS VARCHAR) AS release_date, " if dated else "NULL AS release_date, ")
            + "f.retrieved_at, f.status, f.bytes, f.sha256 FROM raw_files AS f "
            + (
                "LEFT JOIN source_releases AS r ON r.source_id = f.source_id AND r.version = f.version "
                "AND r.file_name = f.file_name "
                if dated
                else ""
            )
            + "ORDER BY f.source_id, f.file_name"
        ).df()
    releases = _releases(settings)
    sources.insert(
        3,
        "newer_release",
        [
            _newer_release(releases, s, v)
            for s, v in zip(sources["source_id"], sources["release"], strict=True)
        ],
    )
    sources.insert(4, "age", [_age(r, now) for r in sources["retrieved_at"]])
    click.echo("\nsources:")
    click.echo(formatting.to_table(sources))
    _show_kept_aside(settings)
    if tables_df is not None:
        click.echo("\ntables:")
        click.echo(formatting.to_table(tables_df))


# --- sources and changes -------------------------------------------------------------------------------


@main.command()
@click.pass_context
def sources(ctx: click.Context) -> None:
    """Every known release per source: the newest (the default), the pinned one (BCM_RELEASE_<SOURCE_ID>) and
    the one the published warehouse was built from."""
    import pandas as pd

    settings = _settings(ctx)
    releases = _releases(settings)
    used: set[tuple[str, str]] = set()
    path = settings.warehouse_path
    if path.exists():
        with duckdb.connect(str(path), read_only=True) as con:
            if "source_releases" in _tables(con):
                used = set(
                    con.execute("SELECT source_id, version FROM source_releases WHERE is_used").fetchall()
                )
    rows = []
    for source_id, entry in releases.sources.items():
        chosen = releases.used(source_id).version
        for release in entry.ordered():
            rows.append(
                {
                    "source_id": source_id,
                    "version": release.version,
                    "release_date": release.release_date,
                    "files": ", ".join(f.name for f in release.files),
                    "newest": "yes" if release.version == entry.newest.version else "",
                    "pinned": "yes" if releases.is_pinned(source_id) and release.version == chosen else "",
                    "next_build": "yes" if release.version == chosen else "",
                    "published": "yes" if (source_id, release.version) in used else "",
                }
            )
    click.echo(pd.DataFrame(rows).to_markdown(index=False))
    if not path.exists():
        click.echo(f"(no published warehouse at {path}: `published` is empty)")


@main.command()
@click.argument("source_id")
@click.option("--country", "iso3", help="Only units in this country (ISO3).")
@click.option("--limit", default=50, show_default=True, help="Changed units shown (the counts cover all).")
@click.pass_context
def changes(ctx: click.Context, source_id: str, iso3: str | None, limit: int) -> None:
    """What the newest listed release of a tracker changed against the one before (release_changes)."""
    with connect_published(_settings(ctx)) as con:
        if "release_changes" not in _tables(con):
            raise CliError("the published warehouse has no release_changes table; run `bcm refresh`")
        known = [
            r[0]
            for r in con.execute("SELECT DISTINCT source_id FROM tracker_unit_releases ORDER BY 1").fetchall()
        ]
        if source_id not in known:
            raise CliError(
                f"no release comparison for source {source_id!r}; compared: {', '.join(known) or 'none'}"
            )
        where, args = "source_id = ?", [source_id]
        if iso3:
            where, args = where + " AND country_iso3 = ?", [*args, iso3.upper()]
        versions = con.execute(
            "SELECT any_value(version) FILTER (WHERE NOT is_newest), any_value(version) FILTER (WHERE is_newest) "
            "FROM tracker_unit_releases WHERE source_id = ?",
            [source_id],
        ).fetchone()
        counts = con.execute(
            f"SELECT change_type, count(*) AS units, sum(old_capacity_mw) AS old_capacity_mw, "
            f"sum(new_capacity_mw) AS new_capacity_mw FROM release_changes WHERE {where} "
            "GROUP BY change_type ORDER BY change_type",
            args,
        ).df()
        rows = con.execute(
            "SELECT country_iso3, unit_id, previous_unit_id, plant_name, unit_name, change_type, old_value, "
            f"new_value FROM release_changes WHERE {where} ORDER BY country_iso3, change_type, unit_id",
            args,
        ).df()
    old, new = versions
    scope = f", {iso3.upper()}" if iso3 else ""
    if old is None:
        click.echo(f"{source_id}: only release {new} is listed; nothing to compare")
        return
    click.echo(f"{source_id}: release {old} -> {new}{scope}")
    _show(counts, 20)
    click.echo("")
    _show(rows, limit)


# --- query ----------------------------------------------------------------------------------------------


@main.command()
@click.argument("sql")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help="Also write the result as CSV.")
@click.option("--parquet", "parquet_path", type=click.Path(dir_okay=False), help="Also write it as Parquet.")
@click.option("--limit", default=50, show_default=True, help="Rows shown on screen (files get all rows).")
@click.pass_context
def query(ctx: click.Context, sql: str, csv_path: str | None, parquet_path: str | None, limit: int) -> None:
    """Run SQL against the published warehouse, read-only, and print the result as a table.

    The SQL can read the warehouse only: no files (COPY, read_csv, ATTACH ...), extensions or settings;
    --csv / --parquet are written by this command."""
    with connect_published(_settings(ctx), locked=True) as con:
        try:
            df = con.execute(sql).df()
        except (duckdb.PermissionException, duckdb.InvalidInputException) as err:
            first = str(err).splitlines()[0]
            if isinstance(err, duckdb.PermissionException) or "configuration has been locked" in first:
                raise CliError(f"refused: bcm query reads the warehouse only ({first})") from err
            raise CliError(first) from err
        except duckdb.Error as err:
            raise CliError(str(err).splitlines()[0]) from err
    _show(df, limit)
    for path, write in ((csv_path, _write_csv), (parquet_path, _write_parquet)):
        if path:
            write(df, Path(path))
            click.echo(f"wrote {path}")


def _write_csv(df: pd.DataFrame, path: Path) -> None:  # bcm query --csv
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False)


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_parquet(path, index=False)


# --- export ---------------------------------------------------------------------------------------------


def mart_names() -> list[str]:
    from bcm_pipeline import catalogue

    return [t.name for t in catalogue.tables("sql", "python")]


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["parquet", "csv", "xlsx", "article6"]),
    default="parquet",
    show_default=True,
    help="article6: the Article 6.2 reporting tables (xlsx + CSV, columns documented).",
)
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False), default=None, help="Default <data dir>/exports/."
)
@click.option("--table", "tables", multiple=True, help="Export only these tables or views (repeatable).")
@click.pass_context
def export(ctx: click.Context, fmt: str, out_dir: str | None, tables: tuple[str, ...]) -> None:
    """Export the marts (or --table ...) to one file per table, or one xlsx workbook (a sheet per table and
    a data_dictionary sheet); streamed, so the size of a table does not matter. `article6`: the Article 6.2
    reporting tables (xlsx + CSV, columns documented)."""
    from bcm_pipeline import export as exports

    settings = _settings(ctx)
    out = Path(out_dir) if out_dir else settings.data_dir / "exports"
    with connect_published(settings) as con:
        present = _tables(con)
        own = exports.OWN_TABLES.get(fmt)  # a format with its own tables (article6)
        lacking = [t for t in own or () if t not in present]
        if lacking:
            raise CliError(f"the published warehouse lacks {', '.join(lacking)}: run `bcm refresh` first")
        names = list(own or tables) or [t for t in mart_names() if t in present]
        unknown = [t for t in names if t not in present]
        if unknown:
            raise CliError(f"unknown table {unknown[0]!r}; known: {', '.join(present)}")
        if not names:
            raise CliError("the published warehouse holds no mart yet; name tables with --table")
        try:
            written = exports.FORMATS[fmt](con, names, out)
        except exports.ExportError as err:
            raise CliError(str(err)) from err
    for w in written:
        what = f"{w.sheets} sheets, {w.rows:,} rows" if w.sheets else f"{w.rows:,} rows"
        click.echo(f"wrote {w.path} ({what})")


# --- brief ----------------------------------------------------------------------------------------------


@main.command()
@click.argument("iso3")
@click.pass_context
def brief(ctx: click.Context, iso3: str) -> None:
    """Write the country brief (HTML, its charts inline, each figure's data as CSV) of a host country to
    data/briefs/<ISO3>/."""
    from bcm_pipeline.briefs import build_brief, host_countries
    from bcm_pipeline.sources.registry import load_sources

    settings = _settings(ctx)
    iso3 = iso3.upper()
    with connect_published(settings) as con:
        hosts = host_countries(con)
        if iso3 not in hosts:
            raise CliError(f"unknown country {iso3!r}: not a host country; known: {', '.join(hosts)}")
        path = build_brief(con, iso3, settings.briefs_dir, load_sources(settings.sources_file))
    click.echo(f"wrote {path}")


# --- case -----------------------------------------------------------------------------------------------


def evaluate_case(published: Path, case_path: Path) -> pd.DataFrame:
    """project_case_results for one case file, computed with the mart SQL against the published warehouse.

    An in-memory database attaches the published file read-only; the case goes into a scratch catalog as the
    project_cases table, and build.run_marts rebuilds there every mart between it and project_case_results
    (the same SQL files as the refresh runs). Nothing is written to the warehouse.
    """
    from bcm_pipeline import build
    from bcm_pipeline.parsers.config import case_rows
    from bcm_pipeline.schemas.base import sql_literal, validate
    from bcm_pipeline.schemas.marts import ProjectCases

    valid, quarantined = validate(ProjectCases, case_rows([case_path]), "case", None)
    if len(quarantined):
        bad = quarantined.iloc[0]
        raise CliError(
            f"{case_path}: field '{bad['column_name']}' fails {bad['check_name']} ({bad['bad_value']})"
        )
    with duckdb.connect(":memory:") as con:
        con.execute(f"ATTACH {sql_literal(str(published))} AS published (READ_ONLY)")
        with build.scratch(con, base="published") as schema:
            build.run_marts(con, {"project_case_results"}, {"project_cases": valid}, schema)
            return con.execute(f"SELECT * FROM {schema}.project_case_results").df()


@main.command()
@click.argument("case_file", type=click.Path())
@click.pass_context
def case(ctx: click.Context, case_file: str) -> None:
    """Evaluate a project case YAML (like cases/*.yaml) with the SQL of project_case_results."""
    import pandas as pd

    from bcm_pipeline import formatting
    from bcm_pipeline.parsers.config import ConfigError

    path = Path(case_file)
    if not path.is_file():
        raise CliError(f"no such case file: {path}")
    settings = _settings(ctx)
    connect_published(settings).close()  # a clear error when nothing is published yet
    try:
        result = evaluate_case(settings.warehouse_path, path)
    except ConfigError as err:
        raise CliError(str(err).splitlines()[0]) from err
    except duckdb.Error as err:
        raise CliError(str(err).splitlines()[0]) from err
    if result.empty:
        raise CliError(f"{path}: the case produced no result (country or technology not covered?)")
    rows = formatting.format_record(result.iloc[0])
    click.echo(pd.DataFrame(rows, columns=["field", "value"]).to_markdown(index=False, disable_numparse=True))


# --- dictionary -----------------------------------------------------------------------------------------


@main.command()
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Default docs/data_dictionary.md")
def dictionary(out: str | None) -> None:
    """Regenerate docs/data_dictionary.md from the pandera models and sql/views/."""
    from bcm_pipeline import dictionary as dd

    path = dd.write_markdown(Path(out) if out else dd.DOC_PATH)
    click.echo(f"wrote {path}")


if __name__ == "__main__":  # python -m bcm_pipeline.cli ...
    main()
