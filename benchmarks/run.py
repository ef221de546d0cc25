"""Benchmarks of the bcm pipeline: every figure of issue 7 against its target, printed as one table.

    python benchmarks/run.py            # everything (about 10 minutes on 2 cores)
    python benchmarks/run.py --quick    # 10 k and 100 k units, pandas at 100 k, one refresh of each kind

Every timed piece runs in its own subprocess, so peak RSS is that of the piece alone (getrusage of the
waited child). The pipeline runs as analysts and schedules run it: `dagster asset materialize` against a
loopback HTTP mirror of ../shared/data (or BCM_SOURCE_MIRROR), in a scratch BCM_DATA_DIR / DAGSTER_HOME.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

TARGETS = {  # issue 17
    "fresh_refresh_s": 15.0,  # `bcm refresh` from the loopback mirror, empty data directory
    "cold_refresh_s": 12.0,  # raw files cached, parse cache cold (every table rebuilt)
    "full_refresh_s": 7.0,  # raw files and parse cache warm (the README's main command, run again)
    "no_change_refresh_s": 2.5,  # `bcm refresh` with nothing changed; the weekly raw check in Dagster
    "fleet_1m_s": 4.0,
    "fleet_3m_s": 12.0,
    "fleet_1m_rss_mb": 1536.0,
    "scaling_10x": 11.0,
    "pandas_ratio_1m": 10.0,
    "polars_ratio_1m": 1.0,  # Polars' time over ours: our SQL at least as fast
    "query_p95_ms": 100.0,
    "briefs_s": 3.0,  # every host country's brief
}

# Typical analyst questions on the published warehouse (opened read-only).
QUERIES = {
    "top plants by CO2 in a country": """
        SELECT plant_name, sum(co2_t_per_yr) AS co2_t_per_yr FROM plant_baselines
        WHERE country_iso3 = 'VNM' GROUP BY plant_name ORDER BY co2_t_per_yr DESC LIMIT 20""",
    "one unit's baseline": "SELECT * FROM plant_baselines WHERE baseline_id = (SELECT min(baseline_id) FROM plant_baselines)",
    "fleet CO2 by country and fuel": """
        SELECT country_iso3, fuel_class, count(*) AS units, sum(capacity_mw) AS mw, sum(co2_t_per_yr) AS co2
        FROM plant_baselines GROUP BY ALL ORDER BY co2 DESC""",
    "credits per agreement": """
        SELECT agreement_id, count(*) AS swaps, sum(credited_t_per_yr) AS credited,
            sum(host_revenue_usd_per_yr) AS host_revenue FROM credits GROUP BY ALL""",
    "a host country's programmes": "SELECT * FROM host_country_programmes WHERE country_iso3 = 'IDN' ORDER BY credited_t_per_yr DESC",
    "cheapest upgrades (MAC) in a country": """
        SELECT swap_id, to_technology, reduction_bau_t_per_yr, mac_usd_per_t FROM technology_swaps
        WHERE country_iso3 = 'IND' AND is_upgrade AND mac_usd_per_t IS NOT NULL ORDER BY mac_usd_per_t LIMIT 50""",
    "swaps joined to credits for a country": """
        SELECT s.swap_id, s.reduction_creditable_t_per_yr, c.credited_t_per_yr, c.npv_with_credits_usd
        FROM technology_swaps AS s JOIN credits AS c USING (swap_id) WHERE s.country_iso3 = 'VNM'""",
    "grid factor for crediting": "SELECT * FROM grid_factor_for_crediting ORDER BY 1 LIMIT 50",
}


# --- child processes: one measured piece each ----------------------------------------------------------


def _child_fleet(args) -> dict:
    from benchmarks import synthetic

    start = time.perf_counter()
    con = synthetic.prepare(Path(args.db), Path(args.warehouse), args.fleet, memory_limit=args.memory_limit)
    prepare_s = time.perf_counter() - start
    start = time.perf_counter()
    marts = synthetic.run_chain(con)
    return {
        "prepare_s": prepare_s,
        "chain_s": time.perf_counter() - start,
        "marts": marts,
        "totals": _sql_totals(con),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child_pandas(args) -> dict:
    from benchmarks import pandas_reference, synthetic

    con = synthetic.prepare(Path(args.db), Path(args.warehouse), args.pandas)
    start = time.perf_counter()
    tables = {t: con.execute(f'SELECT * FROM "{t}"').df() for t in synthetic.REFERENCE_INPUTS}
    load_s = time.perf_counter() - start
    con.close()
    start = time.perf_counter()
    out = pandas_reference.run(tables)
    compute_s = time.perf_counter() - start
    return {
        "load_s": load_s,
        "compute_s": compute_s,
        "totals": _pandas_totals(out),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child_polars(args) -> dict:
    import polars as pl

    from benchmarks import polars_reference, synthetic

    con = synthetic.prepare(Path(args.db), Path(args.warehouse), args.polars)
    start = time.perf_counter()
    tables = {
        t: pl.from_arrow(con.sql(f'SELECT * FROM "{t}"').to_arrow_table()) for t in synthetic.REFERENCE_INPUTS
    }
    load_s = time.perf_counter() - start
    con.close()
    start = time.perf_counter()
    out = polars_reference.run(tables)
    compute_s = time.perf_counter() - start
    totals = {}
    for mart, cols in CROSS_CHECK.items():
        totals[f"{mart}.rows"] = out[mart].height
        for col in cols:
            v = pl.col(col).cast(pl.Float64)
            totals[f"{mart}.{col}"] = out[mart].select(v.filter(v.is_finite()).sum()).item()
    return {
        "load_s": load_s,
        "compute_s": compute_s,
        "totals": totals,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "polars": pl.__version__,
    }


# Columns whose totals must agree between the SQL marts and the pandas reference.
CROSS_CHECK = {
    "plant_baselines": ["co2_t_per_yr", "co2e_t_per_yr", "net_generation_mwh_per_yr"],
    "technology_swaps": ["reduction_bau_t_per_yr", "reduction_creditable_t_per_yr", "incremental_capex_usd"],
    "credits": ["credited_t_per_yr"],
    "host_country_programmes": ["units", "credited_t_per_yr"],
}


def _sql_totals(con) -> dict:
    out = {}
    for mart, cols in CROSS_CHECK.items():
        out[f"{mart}.rows"] = con.execute(f'SELECT count(*) FROM "{mart}"').fetchone()[0]
        for c in cols:
            out[f"{mart}.{c}"] = con.execute(
                f'SELECT sum(CASE WHEN isfinite("{c}") THEN "{c}" END) FROM "{mart}"'
            ).fetchone()[0]
    return out


def _pandas_totals(frames) -> dict:
    import numpy as np

    out = {}
    for mart, cols in CROSS_CHECK.items():
        out[f"{mart}.rows"] = len(frames[mart])
        for c in cols:
            v = frames[mart][c].astype("float64")
            out[f"{mart}.{c}"] = float(v[np.isfinite(v)].sum())
    return out


def _child_briefs(args) -> dict:
    """Every host country's brief from the published warehouse, in this process: the briefs' own work
    (imports timed apart), without the Dagster job around it."""
    start = time.perf_counter()
    import duckdb

    from bcm_pipeline.briefs import build_all

    imported = time.perf_counter()
    with duckdb.connect(args.warehouse, read_only=True) as con, tempfile.TemporaryDirectory() as out:
        paths = build_all(con, Path(out))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "briefs": len(paths),
        "import_s": imported - start,
        "build_s": time.perf_counter() - imported,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "load": os.getloadavg()[0],
    }


def _child_measure(log: str, cmd: list[str]) -> dict:
    start = time.perf_counter()
    with open(log, "w") as fh:
        rc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, check=False).returncode
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "returncode": rc,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
    }


def _run_child(extra: list[str], env: dict | None = None) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, *extra], capture_output=True, text=True, cwd=ROOT, check=False, env=env
    )
    if proc.returncode:
        raise RuntimeError(f"child {extra} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- Dagster runs ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def mirror():
    """BCM_SOURCE_MIRROR if set, else a loopback HTTP server of ../shared/data."""
    if os.environ.get("BCM_SOURCE_MIRROR"):
        yield os.environ["BCM_SOURCE_MIRROR"]
        return

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(SHARED_DATA))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def materialize(work: Path, mirror_url: str, select: str | None = None, job: str | None = None) -> dict:
    """`dagster asset materialize --select` (or `dagster job execute -j job`) as a subprocess: wall time
    and the child's peak RSS."""
    env = {
        **os.environ,
        "BCM_DATA_DIR": str(work / "data"),
        "BCM_SOURCE_MIRROR": mirror_url,
        # The data directory's instance, as the README runs the Dagster CLI (`bcm refresh` made it, with
        # the shipped dagster.yaml: telemetry off, one warehouse writer at a time).
        "DAGSTER_HOME": str(work / "data" / "dagster"),
    }
    (work / "data" / "dagster").mkdir(parents=True, exist_ok=True)
    if job:
        cmd = ["dagster", "job", "execute", "-m", "bcm_pipeline.definitions", "-j", job]
    else:
        cmd = ["dagster", "asset", "materialize", "-m", "bcm_pipeline.definitions", "--select", select]
    log = work / "last_run.log"
    # A wrapper process runs the command, so its RUSAGE_CHILDREN peak is this command's alone.
    m = _run_child(["--measure", str(log), "--", *cmd], env=env)
    if m["returncode"]:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{log.read_text()[-3000:]}")
    wall, cpu, rss = m["wall_s"], m["cpu_s"], m["rss_mb"]
    proc_stderr = log.read_text()
    steps = {}
    for (
        line
    ) in proc_stderr.splitlines():  # "... - <step> - STEP_SUCCESS - Finished execution of step "x" in 1.2s."
        if "STEP_SUCCESS" in line and " in " in line:
            step = line.split('step "')[-1].split('"')[0]
            steps[step] = line.rsplit(" in ", 1)[-1].rstrip(".")
    return {"wall_s": wall, "cpu_s": cpu, "rss_mb": rss, "steps": steps}


def bcm_refresh(work: Path, mirror_url: str, *options: str) -> dict:
    """`bcm refresh --mirror` (the README's main command) as a subprocess on work/data: wall time, the
    child's peak RSS and each step's time from its "done  <step> (1.2 s)" / "kept  <step> ..." lines.
    `options`: more `bcm refresh` options (--rebuild, --release ...)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "bcm_pipeline.cli", "--data-dir", str(work / "data"), "refresh"]
    cmd += ["--mirror", mirror_url, *options]
    log = work / "last_refresh.log"
    m = _run_child(["--measure", str(log), "--", *cmd], env=env)
    if m["returncode"]:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{log.read_text()[-3000:]}")
    steps, kept = {}, 0
    for line in log.read_text().splitlines():
        if line.strip()[:4] in ("done", "kept") and line.rstrip().endswith(" s)"):
            name, took = line.strip()[4:].rsplit("(", 1)
            steps[name.strip()] = took.rstrip(")")
            kept += line.strip().startswith("kept")
    return {"wall_s": m["wall_s"], "cpu_s": m["cpu_s"], "rss_mb": m["rss_mb"], "steps": steps, "kept": kept}


def query_latency(warehouse: Path, repeats: int) -> dict:
    import duckdb

    times = {}
    start = time.perf_counter()
    con = duckdb.connect(str(warehouse), read_only=True)
    connect_ms = (time.perf_counter() - start) * 1000
    for name, sql in QUERIES.items():
        con.execute(sql).fetchall()  # warm: the first run reads the blocks from disk
        times[name] = []
        for _ in range(repeats):
            start = time.perf_counter()
            con.execute(sql).fetchall()
            times[name].append((time.perf_counter() - start) * 1000)
    con.close()
    every = sorted(t for ts in times.values() for t in ts)
    return {
        "connect_ms": connect_ms,
        "p50_ms": statistics.median(every),
        "p95_ms": every[int(0.95 * (len(every) - 1))],
        "per_query_p50_ms": {k: statistics.median(v) for k, v in times.items()},
    }


# --- report ---------------------------------------------------------------------------------------------


def _row(name: str, value: float, target: float | None, unit: str, note: str = "") -> str:
    verdict = "" if target is None else ("PASS" if value <= target else "MISS")
    goal = "" if target is None else f"<= {target:g} {unit}"
    return f"| {name} | {value:,.2f} {unit} | {goal} | {verdict} | {note} |"


def _ge_row(name: str, value: float, target: float, unit: str, note: str = "") -> str:
    verdict = "PASS" if value >= target else "MISS"
    return f"| {name} | {value:,.2f} {unit} | >= {target:g} {unit} | {verdict} | {note} |"


def _refreshes(work: Path, args, rows: list[str], notes: list[str]) -> None:
    """`bcm refresh` fresh from the mirror, then cold and warm parse cache; the weekly no-change check;
    the briefs."""
    runs = 1 if args.quick else 3
    with mirror() as url:
        # 1. Fresh: an empty data directory, every source downloaded from the loopback mirror.
        fresh = bcm_refresh(work, url)
        rows.append(
            _row(
                "`bcm refresh`, fresh data directory, from the loopback mirror",
                fresh["wall_s"],
                TARGETS["fresh_refresh_s"],
                "s",
                f"cpu {fresh['cpu_s']:.1f} s, peak RSS {fresh['rss_mb']:.0f} MB",
            )
        )
        # 2. Raw files cached (every source answers 304), parse (and lineage) cache cold, every table
        #    rebuilt (--rebuild: else the build keys would keep them, build_keys.py); then the same with
        #    the caches warm, for comparison with the rounds before the build keys.
        cold = []
        for _ in range(runs):
            shutil.rmtree(work / "data" / "cache", ignore_errors=True)
            cold.append(bcm_refresh(work, url, "--rebuild"))
        rows.append(
            _median_row(
                "`bcm refresh --rebuild`, raw files cached, parse cache cold", cold, TARGETS["cold_refresh_s"]
            )
        )
        rebuilt = [bcm_refresh(work, url, "--rebuild") for _ in range(runs)]
        rows.append(
            _median_row(
                "`bcm refresh --rebuild`, raw files + parse cache warm, every table rebuilt",
                rebuilt,
                None,
                "the rounds before the build keys measured this as the warm refresh",
            )
        )
        # 3. The run again with nothing changed: raw files and caches warm, every table kept as stored
        #    (--run: else `bcm refresh` starts no run at all, 3b).
        warm = [bcm_refresh(work, url, "--run") for _ in range(runs)]
        best = _median(warm)
        steps_s = sum(_seconds(v) for v in best["steps"].values())
        rows.append(
            _median_row(
                "`bcm refresh --run`, raw files + parse cache warm: the run, every table kept",
                warm,
                TARGETS["full_refresh_s"],
                f"{best['kept']} tables kept; {len(best['steps'])} steps sum to {steps_s:.1f} s, the rest "
                "is start-up and Dagster",
            )
        )
        slow = sorted(best["steps"].items(), key=lambda kv: -_seconds(kv[1]))[:6]
        notes.append(
            "slowest steps of the warm `bcm refresh --run`: " + ", ".join(f"{k} {v}" for k, v in slow)
        )
        # 3b. The README's main command with nothing changed: every source answers 304 and the code,
        #     settings and day are those recorded, so no run starts (bcm_pipeline/uptodate.py).
        idle = [bcm_refresh(work, url) for _ in range(runs)]
        if any(r["steps"] for r in idle):
            raise RuntimeError("`bcm refresh` with nothing changed started a run")
        rows.append(
            _median_row(
                "`bcm refresh`, nothing changed: the README's main command (no run)",
                idle,
                TARGETS["no_change_refresh_s"],
                f"also the warm target ({TARGETS['full_refresh_s']:.0f} s): every source 304 Not Modified",
            )
        )
        # 4. One source changed: the coal tracker's release switched (pinned to July 2023, then back),
        #    so its tables and everything computed from them are rebuilt, the rest kept.
        pin = ("--release", "gem_coal_plant_tracker=2023-07")
        changed = [bcm_refresh(work, url, *(pin if i % 2 == 0 else ())) for i in range(runs)]
        if runs % 2:
            bcm_refresh(work, url)  # back to the newest release for what follows
        mid_ch = _median(changed)
        rows.append(
            _median_row(
                "`bcm refresh`, one source changed (the coal tracker's release)",
                changed,
                None,
                f"{mid_ch['kept']} tables kept, {len(mid_ch['steps']) - mid_ch['kept']} steps rebuilt or run",
            )
        )
        # 5. The weekly check in Dagster (every source 304, same sha256); the rebuild_on_source_change
        #    sensor then starts nothing.
        nochange = [materialize(work, url, "group:raw") for _ in range(runs)]
        best_nc = _median(nochange)
        rows.append(
            _row(
                "weekly no-change check in Dagster (`dagster asset materialize --select group:raw`, median)",
                best_nc["wall_s"],
                TARGETS["no_change_refresh_s"],
                "s",
                f"runs {_walls(nochange)} s; cpu {best_nc['cpu_s']:.1f} s",
            )
        )
    own = _run_child(["--briefs", "--warehouse", str(work / "data" / "warehouse" / "bcm.duckdb")])
    rows.append(
        _row(
            f"country briefs, all {own['briefs']} hosts (build_all, in process)",
            own["build_s"],
            TARGETS["briefs_s"],
            "s",
            f"imports {own['import_s']:.1f} s more; cpu {own['cpu_s']:.1f} s; load average {own['load']:.1f}",
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, one run of each refresh")
    parser.add_argument("--sizes", help="comma-separated fleet sizes (default 100000,1000000,3000000)")
    parser.add_argument("--work", help="scratch folder (default: a temporary one, removed at the end)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    # Internal: run one measured piece in this (child) process and print its JSON.
    parser.add_argument("--fleet", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--pandas", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--polars", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--memory-limit", help=argparse.SUPPRESS)  # DuckDB's, for a --fleet child
    parser.add_argument("--no-refresh", action="store_true", help="fleets only, on --warehouse")
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--warehouse", help=argparse.SUPPRESS)
    parser.add_argument("--briefs", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("cmd", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        print(json.dumps(_child_measure(args.measure, [c for c in args.cmd if c != "--"])))
        return
    if args.fleet:
        print(json.dumps(_child_fleet(args)))
        return
    if args.pandas:
        print(json.dumps(_child_pandas(args)))
        return
    if args.polars:
        print(json.dumps(_child_polars(args)))
        return
    if args.briefs:
        print(json.dumps(_child_briefs(args)))
        return

    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else None
    sizes = sizes or ([10_000, 100_000] if args.quick else [100_000, 1_000_000, 3_000_000])
    pandas_sizes = [s for s in sizes if s in (100_000, 1_000_000)] or sizes[:1]  # and Polars
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="bcm-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows, notes = [], []
    load = os.getloadavg()
    print(
        f"# bcm-pipeline benchmark: {os.cpu_count()} cores, load average {load[0]:.1f} at start, work {work}"
    )

    if args.no_refresh:
        warehouse = Path(args.warehouse)
    else:
        _refreshes(work, args, rows, notes)
        warehouse = work / "data" / "warehouse" / "bcm.duckdb"
    # 4. Analyst queries on the published warehouse.
    q = query_latency(warehouse, repeats=10 if args.quick else 30)
    rows.append(_row("analyst queries p50", q["p50_ms"], None, "ms", f"connect {q['connect_ms']:.0f} ms"))
    rows.append(
        _row("analyst queries p95", q["p95_ms"], TARGETS["query_p95_ms"], "ms", f"{len(QUERIES)} queries")
    )

    # 5. Synthetic fleets through the mart SQL, one subprocess per size.
    fleet = {}
    for n in sizes:
        db = work / f"fleet_{n}.duckdb"
        fleet[n] = _run_child(["--fleet", str(n), "--db", str(db), "--warehouse", str(warehouse)])
        db.unlink(missing_ok=True)
        m = fleet[n]["marts"]
        detail = ", ".join(f"{k} {v[0]:.1f} s/{v[1]:,} rows" for k, v in m.items())
        target = {1_000_000: TARGETS["fleet_1m_s"], 3_000_000: TARGETS["fleet_3m_s"]}.get(n)
        rows.append(_row(f"fleet {n:,} units: marts", fleet[n]["chain_s"], target, "s", detail))
        rss_target = TARGETS["fleet_1m_rss_mb"] if n == 1_000_000 else None
        rows.append(
            _row(
                f"fleet {n:,} units: peak RSS",
                fleet[n]["rss_mb"],
                rss_target,
                "MB",
                f"generation {fleet[n]['prepare_s']:.1f} s (not timed)",
            )
        )
    if 1_000_000 in sizes:
        # The same 1 M units with DuckDB capped at 1 GB (BCM_DUCKDB_MEMORY_LIMIT): it spills to disk
        # instead of holding the wide intermediate rows, trading time for the memory target.
        db = work / "fleet_capped.duckdb"
        capped = _run_child(
            ["--fleet", "1000000", "--db", str(db), "--warehouse", str(warehouse), "--memory-limit", "1GB"]
        )
        db.unlink(missing_ok=True)
        rows.append(_row("fleet 1,000,000 units, memory_limit 1GB: marts", capped["chain_s"], None, "s", ""))
        rows.append(
            _row(
                "fleet 1,000,000 units, memory_limit 1GB: peak RSS",
                capped["rss_mb"],
                TARGETS["fleet_1m_rss_mb"],
                "MB",
                f"uncapped {fleet[1_000_000]['rss_mb']:,.0f} MB in {fleet[1_000_000]['chain_s']:.1f} s",
            )
        )
    for small, big in zip(sizes, sizes[1:], strict=False):
        if big == 10 * small:
            ratio = fleet[big]["chain_s"] / fleet[small]["chain_s"]
            rows.append(_row(f"scaling {small:,} -> {big:,} (10x units)", ratio, TARGETS["scaling_10x"], "x"))

    # 6. The peers (plain pandas, Polars' lazy API), same inputs, same subprocess isolation; totals checked.
    for n in pandas_sizes:
        for peer in ("pandas", "polars"):
            db = work / f"{peer}_{n}.duckdb"
            p = _run_child([f"--{peer}", str(n), "--db", str(db), "--warehouse", str(warehouse)])
            db.unlink(missing_ok=True)
            ratio = p["compute_s"] / fleet[n]["chain_s"]
            note = (
                f"{peer} {p['compute_s']:.1f} s (+{p['load_s']:.1f} s loading, not counted), peak RSS "
                f"{p['rss_mb']:,.0f} MB; ours {fleet[n]['chain_s']:.1f} s, {fleet[n]['rss_mb']:,.0f} MB"
            )
            target = TARGETS[f"{peer}_ratio_1m"] if n == 1_000_000 else None
            name = f"{peer} time / our SQL's at {n:,} units"
            rows.append(
                _ge_row(name, ratio, target, "x", note) if target else _row(name, ratio, None, "x", note)
            )
            diffs = {
                k: abs(fleet[n]["totals"][k] - v) / max(abs(v), 1e-9)
                for k, v in p["totals"].items()
                if fleet[n]["totals"].get(k) is not None
            }
            worst = max(diffs.items(), key=lambda kv: kv[1])
            notes.append(
                f"{peer} vs SQL totals at {n:,}: largest relative difference {worst[1]:.1e} ({worst[0]})"
                + ("" if worst[1] < 1e-9 else "  <-- the reference no longer matches the SQL")
            )

    print()
    print("| figure | value | target | | notes |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    for note in notes:
        print(f"- {note}")
    load_end = os.getloadavg()
    print(f"- load average at the end {load_end[0]:.1f} (other processes share the 2 cores: wall times vary)")
    if not args.keep and not args.work:
        shutil.rmtree(work, ignore_errors=True)


def _median(runs: list[dict]) -> dict:
    """The median run: the cores are shared, and the best run would flatter us."""
    return sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2]


def _median_row(name: str, runs: list[dict], target: float | None, more: str = "") -> str:
    mid = _median(runs)
    note = f"runs {_walls(runs)} s; cpu {mid['cpu_s']:.1f} s, peak RSS {mid['rss_mb']:.0f} MB"
    return _row(f"{name} (median)", mid["wall_s"], target, "s", note + (f"; {more}" if more else ""))


def _walls(runs: list[dict]) -> str:
    return ", ".join(f"{r['wall_s']:.1f}" for r in runs)


def _seconds(text: str) -> float:
    text = text.strip()
    if text.endswith("ms"):
        return float(text[:-2]) / 1000
    if text.endswith("m") and "s" not in text:
        return float(text[:-1]) * 60
    number = text.rstrip("s").strip()  # "1.2s" (Dagster's log) or "1.2 s" (bcm refresh)
    return float(number) if number.replace(".", "").isdigit() else 0.0


if __name__ == "__main__":
    main()
