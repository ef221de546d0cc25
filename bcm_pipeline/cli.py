"""The `bcm` command line: refresh, status, query, export, brief, case, dictionary.

Everything an analyst reads comes from the published warehouse (data/warehouse/bcm.duckdb, or under
BCM_DATA_DIR), opened read-only: a refresh replaces that file by rename, so an open query never blocks it.
Errors print one line naming the unknown thing and exit with status 1.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path

import click
import duckdb
import pandas as pd

from bcm_pipeline.settings import Settings

# Step events worth a line of progress (the dagster_event on each log record says which happened).
_PROGRESS_EVENTS = {
    "STEP_START": "start",
    "STEP_SUCCESS": "done ",
    "STEP_FAILURE": "FAIL ",
    "STEP_SKIPPED": "skip ",
}


class CliError(click.ClickException):
    """One line on stderr, exit status 1."""

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def _settings(ctx: click.Context) -> Settings:
    return Settings.from_env(ctx.obj.get("data_dir"))


def connect_published(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published warehouse (never the build file a refresh writes)."""
    path = settings.warehouse_path
    if not path.exists():
        raise CliError(f"no published warehouse at {path}; run `bcm refresh` first")
    return duckdb.connect(str(path), read_only=True)


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views() "
            "WHERE NOT internal ORDER BY 1"
        ).fetchall()
    ]


def _show(df: pd.DataFrame, limit: int) -> None:
    if df.empty:
        click.echo(f"(0 rows; columns: {', '.join(df.columns)})")
        return
    click.echo(df.head(limit).to_markdown(index=False, floatfmt=",.6g"))
    more = f", first {limit} shown" if len(df) > limit else ""
    click.echo(f"({len(df)} row{'s' if len(df) != 1 else ''}{more})")


@click.group()
@click.option(
    "--data-dir",
    envvar="BCM_DATA_DIR",
    type=click.Path(file_okay=False),
    help="Data folder (raw/, warehouse/, briefs/); default ./data or BCM_DATA_DIR.",
)
@click.pass_context
def main(ctx: click.Context, data_dir: str | None) -> None:
    """bcm: build and query the bilateral-crediting warehouse."""
    ctx.ensure_object(dict)
    ctx.obj["data_dir"] = data_dir


# --- refresh --------------------------------------------------------------------------------------------


class _ProgressHandler(logging.Handler):
    """Print one line per step start/finish from Dagster's event log records."""

    def __init__(self) -> None:
        super().__init__()
        self.started: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            return
        kind = event.event_type_value
        step = event.step_key or ""
        if kind == "STEP_START":
            self.started[step] = time.monotonic()
            click.echo(f"  start {step}")
        elif kind in _PROGRESS_EVENTS:
            took = time.monotonic() - self.started.get(step, time.monotonic())
            click.echo(f"  {_PROGRESS_EVENTS[kind]} {step} ({took:.1f} s)")
        elif kind == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            passed = "passed" if data.passed else "FAILED"
            click.echo(f"  check {data.asset_key.to_user_string()}:{data.check_name} {passed}")


def _progress_logger():
    import dagster as dg

    @dg.logger(description="One line per step on stdout (bcm refresh)")
    def progress(_init_context):
        log = logging.getLogger("bcm.refresh.progress")
        log.setLevel(logging.DEBUG)
        log.handlers = [_ProgressHandler()]
        log.propagate = False
        return log

    return progress


@main.command()
@click.option(
    "--mirror", envvar="BCM_SOURCE_MIRROR", help="Fetch every source from <mirror>/<source_id>/<file>."
)
@click.pass_context
def refresh(ctx: click.Context, mirror: str | None) -> None:
    """Download, validate and rebuild every table, then publish the warehouse (Dagster job `refresh`)."""
    from bcm_pipeline.definitions import build_defs
    from bcm_pipeline.resources import BcmResource

    settings = _settings(ctx)
    defs = build_defs(BcmResource(data_dir=str(settings.data_dir), source_mirror=mirror or ""))
    job = defs.resolve_job_def("refresh").with_logger_defs({"progress": _progress_logger()})
    click.echo(f"refresh into {settings.data_dir}")
    began = time.monotonic()
    result = job.execute_in_process(run_config={"loggers": {"progress": {}}}, raise_on_error=False)
    if not result.success:
        failed = [e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
        published = any(
            e.event_type_value == "STEP_SUCCESS" and e.step_key == "published_warehouse"
            for e in result.all_events
        )
        after = (
            "the warehouse was published before it" if published else "the published warehouse is unchanged"
        )
        raise CliError(f"refresh failed at step(s) {', '.join(failed) or '?'}; {after}")
    click.echo(f"published {settings.warehouse_path} in {time.monotonic() - began:.0f} s")


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


@main.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Published version (manifest) and each source file's age and sha256 (raw_files)."""
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
        sources = con.execute(
            "SELECT source_id, retrieved_at, status, bytes, sha256 FROM raw_files ORDER BY source_id"
        ).df()
    sources.insert(2, "age", [_age(r, now) for r in sources["retrieved_at"]])
    click.echo("\nsources:")
    click.echo(sources.to_markdown(index=False))
    if tables_df is not None:
        click.echo("\ntables:")
        click.echo(tables_df.to_markdown(index=False))


# --- query ----------------------------------------------------------------------------------------------


@main.command()
@click.argument("sql")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help="Also write the result as CSV.")
@click.option("--parquet", "parquet_path", type=click.Path(dir_okay=False), help="Also write it as Parquet.")
@click.option("--limit", default=50, show_default=True, help="Rows shown on screen (files get all rows).")
@click.pass_context
def query(ctx: click.Context, sql: str, csv_path: str | None, parquet_path: str | None, limit: int) -> None:
    """Run SQL against the published warehouse, read-only, and print the result as a table."""
    with connect_published(_settings(ctx)) as con:
        try:
            df = con.execute(sql).df()
        except duckdb.Error as err:
            raise CliError(str(err).splitlines()[0]) from err
    _show(df, limit)
    for path, write in ((csv_path, _write_csv), (parquet_path, _write_parquet)):
        if path:
            write(df, Path(path))
            click.echo(f"wrote {path}")


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False)


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_parquet(path, index=False)


# --- export ---------------------------------------------------------------------------------------------


def mart_names() -> list[str]:
    from bcm_pipeline.assets.marts import MARTS

    return [spec.name for spec in MARTS]


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["parquet", "csv", "xlsx"]), default="parquet", show_default=True
)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="export", show_default=True)
@click.option("--table", "tables", multiple=True, help="Export only these tables or views (repeatable).")
@click.pass_context
def export(ctx: click.Context, fmt: str, out_dir: str, tables: tuple[str, ...]) -> None:
    """Export the marts (or --table ...) to one file per table, or one xlsx workbook (a sheet per table)."""
    out = Path(out_dir)
    with connect_published(_settings(ctx)) as con:
        present = _tables(con)
        names = list(tables) or [t for t in mart_names() if t in present]
        unknown = [t for t in names if t not in present]
        if unknown:
            raise CliError(f"unknown table {unknown[0]!r}; known: {', '.join(present)}")
        if not names:
            raise CliError("the published warehouse holds no mart yet; name tables with --table")
        frames = {t: con.execute(f'SELECT * FROM "{t}"').df() for t in names}
        dictionary = (
            con.execute(
                "SELECT * FROM data_dictionary WHERE list_contains(?, object_name) ORDER BY object_name, column_position",
                [names],
            ).df()
            if "data_dictionary" in present
            else None
        )
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        path = out / "bcm_export.xlsx"
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            for name, df in frames.items():
                _excel_safe(df).to_excel(xl, sheet_name=name[:31], index=False)
            if dictionary is not None:
                dictionary.to_excel(xl, sheet_name="data_dictionary", index=False)
        click.echo(f"wrote {path} ({len(frames)} sheets)")
        return
    for name, df in frames.items():
        path = out / f"{name}.{fmt}"
        (_write_csv if fmt == "csv" else _write_parquet)(df, path)
        click.echo(f"wrote {path} ({len(df)} rows)")


def _excel_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Excel holds no time zones: write aware timestamps as UTC wall time."""
    df = df.copy()
    for col in df.columns:
        if isinstance(df[col].dtype, pd.DatetimeTZDtype):
            df[col] = df[col].dt.tz_convert("UTC").dt.tz_localize(None)
    return df


# --- brief ----------------------------------------------------------------------------------------------


@main.command()
@click.argument("iso3")
@click.pass_context
def brief(ctx: click.Context, iso3: str) -> None:
    """Write the country brief (HTML + PNG charts) of a host country to data/briefs/<ISO3>/."""
    from bcm_pipeline.briefs import build_brief, host_countries

    settings = _settings(ctx)
    iso3 = iso3.upper()
    with connect_published(settings) as con:
        hosts = host_countries(con)
        if iso3 not in hosts:
            raise CliError(f"unknown country {iso3!r}: not a host country; known: {', '.join(hosts)}")
        path = build_brief(con, iso3, settings.data_dir / "briefs")
    click.echo(f"wrote {path}")


# --- case -----------------------------------------------------------------------------------------------


# The marts a project case flows through, in order: the same SQL files as the refresh runs.
# In dependency order: a grid-displacement case flows through grid_displacement_swaps.
CASE_MARTS = ("plant_baselines", "grid_displacement_swaps", "technology_swaps", "project_case_results")


def evaluate_case(published: Path, case_path: Path) -> pd.DataFrame:
    """project_case_results for one case file, computed with the mart SQL against the published warehouse.

    An in-memory database attaches the published file read-only; the case goes into its own
    project_cases table and the marts it flows through are rebuilt in memory, where they shadow the
    published ones (search_path: memory first). Nothing is written to the warehouse.
    """
    import shutil
    import tempfile

    from bcm_pipeline import warehouse
    from bcm_pipeline.parsers.config import cases_frame
    from bcm_pipeline.schemas.base import validate
    from bcm_pipeline.schemas.marts import ProjectCases

    with tempfile.TemporaryDirectory() as folder:  # cases_frame reads a folder of cases/*.yaml
        shutil.copy(case_path, Path(folder) / case_path.name)
        cases = cases_frame(Path(folder))
    valid, quarantined = validate(ProjectCases, cases, "case", None)
    if len(quarantined):
        bad = quarantined.iloc[0]
        raise CliError(
            f"{case_path}: field '{bad['column_name']}' fails {bad['check_name']} ({bad['bad_value']})"
        )
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{published}' AS published (READ_ONLY)")
        con.execute("SET search_path = 'memory.main,published.main'")
        con.register("_case", valid)
        con.execute("CREATE TABLE memory.main.project_cases AS SELECT * FROM _case")
        for mart in CASE_MARTS:
            sql = warehouse.sql_text(f"marts/{mart}.sql").strip().rstrip(";")
            con.execute(f"CREATE TABLE memory.main.{mart} AS {sql}")
        return con.execute("SELECT * FROM memory.main.project_case_results").df()
    finally:
        con.close()


@main.command()
@click.argument("case_file", type=click.Path())
@click.pass_context
def case(ctx: click.Context, case_file: str) -> None:
    """Evaluate a project case YAML (like cases/*.yaml) with the SQL of project_case_results."""
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
    row = result.iloc[0].map(lambda v: f"{v:,.6g}" if isinstance(v, float) else v)
    click.echo(row.to_frame("value").to_markdown())


# --- dictionary -----------------------------------------------------------------------------------------


@main.command()
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Default docs/data_dictionary.md")
def dictionary(out: str | None) -> None:
    """Regenerate docs/data_dictionary.md from the pandera models and sql/views/."""
    from bcm_pipeline import dictionary as dd

    path = dd.write_markdown(Path(out) if out else dd.DOC_PATH)
    click.echo(f"wrote {path}")


if __name__ == "__main__":  # `python -m bcm_pipeline.cli ...`, as the docs run it
    main()
