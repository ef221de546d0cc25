"""The Dagster instance of a data directory: <data dir>/dagster (DAGSTER_HOME), so a `bcm refresh` is in the
run history that `bcm ui` (the Dagster web UI and daemon) shows afterwards.

The instance's dagster.yaml is the package's (bcm_pipeline/dagster.yaml: its run queue admits one writer of
the warehouse at a time), copied in when the folder has none; a dagster.yaml edited there is kept.
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import dagster as dg
import yaml
from dagster._core.instance.ref import InstanceRef

from bcm_pipeline.settings import PACKAGE_DIR, Settings

SHIPPED_INSTANCE_CONFIG = PACKAGE_DIR / "dagster.yaml"
# The code locations the UI loads: the main one and the host-country partitions (workspace.yaml lists
# the same two for a plain `dagster dev` in a checkout).
CODE_LOCATIONS = ("bcm_pipeline.definitions", "bcm_pipeline.partitioned_definitions")


def dagster_home(settings: Settings) -> Path:
    """<data dir>/dagster, created with the shipped dagster.yaml when absent."""
    home = settings.data_dir / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(SHIPPED_INSTANCE_CONFIG, config)
    return home


# The storage keys of a dagster.yaml: one that names any keeps its own storage.
STORAGE_KEYS = ("storage", "run_storage", "event_log_storage", "schedule_storage")


def open_instance(settings: Settings) -> dg.DagsterInstance:
    """The data directory's persistent instance (runs, event log, schedules' cursors), on Dagster's
    default SQLite files, with the event log kept open while the instance is (assets/event_log.py: ~10 ms
    less an event). A dagster.yaml that names a storage of its own gets exactly that."""
    home = dagster_home(settings)
    config = yaml.safe_load((home / "dagster.yaml").read_text()) or {}
    if any(key in config for key in STORAGE_KEYS):
        return dg.DagsterInstance.from_config(str(home))
    kept_open = {
        "module": "bcm_pipeline.assets.event_log",
        "class": "KeptOpenSqliteEventLogStorage",
        # Where Dagster's default SQLite storage keeps the event log: <DAGSTER_HOME>/history/runs/.
        "config": {"base_dir": str(home / "history" / "runs")},
    }
    ref = InstanceRef.from_dir(str(home), overrides={"event_log_storage": kept_open})
    return dg.DagsterInstance.from_ref(ref)


def run_ui(settings: Settings, host: str, port: int) -> None:
    """The Dagster web UI and daemon on the data directory's instance, both code locations loaded: what
    `DAGSTER_HOME=<data dir>/dagster dagster dev -w workspace.yaml` starts, from any directory.

    Calls the implementation behind `dagster dev` (Dagster is pinned to one version in pyproject.toml)
    rather than the command, whose wrapper warns that `dg dev` supersedes it: `dg` needs a `dg` project
    layout this package does not have."""
    from dagster._cli.dev import dev_command_impl  # the `dagster dev` command's body
    from dagster_shared.cli import WorkspaceOpts

    # Ctrl-C, and SIGTERM (which `dagster dev` maps to SIGINT's handler), stop the webserver, daemon and
    # code servers it started, even when started in the background, where a shell ignores SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.environ["DAGSTER_HOME"] = str(dagster_home(settings))
    os.environ["BCM_DATA_DIR"] = str(settings.data_dir)  # the code servers read their settings from it
    dev_command_impl(
        code_server_log_level="warning",
        log_level="info",
        log_format="colored",
        port=str(port),
        host=host,
        use_legacy_code_server_behavior=False,
        shutdown_pipe=None,
        verbose=False,
        workspace_opts=WorkspaceOpts(module_name=CODE_LOCATIONS),
    )
