"""The shape of the package: data flows one way, Dagster stays in its wing, one catalogue drives everything.

Imports are read from the source files (ast), module-level and function-level alike, so a lazy import cannot
hide a cycle or a Dagster dependency.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

from bcm_pipeline import catalogue
from bcm_pipeline.lineage import _tables_named

pytestmark = pytest.mark.unit

PACKAGE = Path(__file__).resolve().parents[1] / "bcm_pipeline"
# The Dagster wing: the only modules that may import dagster.
WING = ("bcm_pipeline.assets", "bcm_pipeline.definitions", "bcm_pipeline.partitioned_definitions",
        "bcm_pipeline.resources")  # fmt: skip


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(path: Path, modules: dict[str, Path]) -> tuple[set[str], set[str]]:
    """(package modules imported, top-level external packages imported) by one file."""
    inside, outside = set(), set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from bcm_pipeline.parsers import cea` imports the module bcm_pipeline.parsers.cea
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                     for a in node.names]  # fmt: skip
        else:
            continue
        for name in names:
            if name.split(".")[0] == "bcm_pipeline":
                while name not in modules:
                    name = name.rsplit(".", 1)[0]
                inside.add(name)
            else:
                outside.add(name.split(".")[0])
    return inside, outside


@pytest.fixture(scope="module")
def graph() -> dict[str, tuple[set[str], set[str]]]:
    modules = _modules()
    return {name: _imports(path, modules) for name, path in modules.items()}


def test_no_import_cycle(graph):
    # Packages' __init__ modules are empty; a module importing its own package is not a cycle.
    deps = {
        m: {d for d in inside if d != m and not m.startswith(d + ".")} for m, (inside, _) in graph.items()
    }
    try:
        list(TopologicalSorter(deps).static_order())
    except CycleError as err:
        pytest.fail(f"import cycle: {' -> '.join(err.args[1])}")


def test_dagster_only_in_the_dagster_wing(graph):
    offenders = sorted(
        m
        for m, (_, outside) in graph.items()
        if {"dagster", "dagster_duckdb"} & outside and not m.startswith(WING)
    )
    assert offenders == []


def test_layers_point_down(graph):
    """schemas sit below parsers (parsers import models and constants from schemas, never the reverse);
    parsers and schemas know nothing of the catalogue, the builders or the wing."""
    above = ("bcm_pipeline.parsers", "bcm_pipeline.catalogue", "bcm_pipeline.build", "bcm_pipeline.assets",
             "bcm_pipeline.cli", "bcm_pipeline.definitions")  # fmt: skip
    for module, (inside, _) in graph.items():
        if module.startswith("bcm_pipeline.schemas"):
            assert not [d for d in inside if d.startswith(above)], module
        if module.startswith("bcm_pipeline.parsers"):
            assert not [d for d in inside if d.startswith(above[1:])], module


def test_the_wing_knows_tables_only_through_the_catalogue(graph):
    """Assets get tables, parsers and models from the catalogue, not by importing parsers or schemas."""
    for module, (inside, _) in graph.items():
        if module.startswith(WING):
            leaks = [d for d in inside if d.startswith(("bcm_pipeline.parsers.", "bcm_pipeline.grid"))]
            assert leaks == [], module


def test_every_sql_mart_reads_only_catalogue_tables():
    unknown = {
        t.name: catalogue.unknown_reads(t) for t in catalogue.tables("sql") if catalogue.unknown_reads(t)
    }
    assert unknown == {}
    for t in catalogue.tables("python"):
        assert set(t.reads) <= set(catalogue.by_name()), t.name


def test_dependencies_read_by_duckdb_agree_with_sqlglot():
    """Two parsers, one answer: DuckDB's (used to wire the assets) and sqlglot's (used for column lineage)."""
    for t in catalogue.tables("sql"):
        sqlglot_names = set(_tables_named(t.sql_text()) or [])
        assert set(catalogue.reads(t)) == sqlglot_names & set(catalogue.by_name()), t.name


def test_the_graph_is_acyclic_and_in_flow_order():
    order = catalogue.build_order([t.name for t in catalogue.TABLES])
    position = {name: i for i, name in enumerate(order)}
    for name, deps in catalogue.graph().items():
        assert all(position[d] < position[name] for d in deps), name
    listed = [t.name for t in catalogue.TABLES]
    for name, deps in catalogue.graph().items():  # the catalogue lists each table after what it reads
        assert all(listed.index(d) < listed.index(name) for d in deps), name


def test_derived_dependencies_match_what_the_marts_read():
    """Hand-checked against the SQL files: what each mart reads."""
    # credits: the chosen option of each unit (issue 13), leaving out units already under a CDM or JCM
    # project (issue 15: registered_unit_matches).
    assert catalogue.reads(catalogue.table("credits")) == [
        "agreements",
        "chosen_options",
        "registered_unit_matches",
        "technology_swaps",
    ]
    assert catalogue.reads(catalogue.table("chosen_options")) == [
        "agreements",
        "host_countries",
        "scenario_parameters",
        "technology_swaps",
    ]
    assert catalogue.reads(catalogue.table("mac_curve")) == ["chosen_options"]
    assert "grid_displacement_swaps" in catalogue.reads(catalogue.table("technology_swaps"))


def test_a_case_reruns_the_marts_between_it_and_its_result():
    from bcm_pipeline.build import marts_between

    order = marts_between({"project_cases"}, {"project_case_results"})
    assert set(order) == {
        "plant_baselines",
        "fuel_price_scenarios",  # a case's country needs its fuel prices
        "grid_displacement_swaps",
        "end_use_swaps",
        "steel_swaps",  # it reads fuel_price_scenarios: the same prices, rerun with them
        "technology_swaps",
        "project_case_results",
    }
    assert order[-2:] == ["technology_swaps", "project_case_results"]


def test_every_model_column_has_a_duckdb_type_and_a_description():
    from bcm_pipeline.schemas.base import storage_columns

    for t in catalogue.TABLES:
        storage_columns(t.model)  # raises on a dtype without a DuckDB type
        missing = [c for c, col in t.model.to_schema().columns.items() if not col.description]
        assert missing == [], t.name
