"""The shipped column lineage (bcm_pipeline/sql/lineage.json) answers every trace a build makes, and is
sqlglot's own answer: a mart, view or model edited without `python -m bcm_pipeline.dictionary` fails here."""

import importlib.metadata
import json

import pytest

from bcm_pipeline import catalogue, dictionary, lineage

pytestmark = pytest.mark.integration

REMAKE = "the shipped lineage is stale: run `python -m bcm_pipeline.dictionary` and commit bcm_pipeline/sql/lineage.json"


def test_the_shipped_answers_cover_every_mart_and_view(monkeypatch, tmp_path):
    """The data dictionary follows every mart and view (as the mart steps and the analyst views do, with
    the same keys): not one of them reaches sqlglot."""

    def traced(*_):
        raise AssertionError(REMAKE)

    monkeypatch.setattr(lineage, "_tables_named", traced)
    monkeypatch.setattr(lineage, "_lineage_or_error", traced)
    monkeypatch.setattr(lineage, "_MEMO", {})
    frame = dictionary.dictionary_frame(tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing traced, so nothing cached on disk
    # The answers are lineage, not empty (as chosen_options.sql and credits.sql read).
    reads = frame.set_index(["object_name", "column_name"])["reads_columns"]
    assert reads[("chosen_options", "swap_id")] == "technology_swaps.swap_id"
    assert "technology_swaps.reduction_creditable_t_per_yr" in reads[("credits", "credited_t_per_yr")]
    assert "agreements.sop_share" in reads[("credits", "credited_t_per_yr")]


def test_the_shipped_answers_are_sqlglots(tmp_path):
    shipped = json.loads(lineage.SEED_PATH.read_text())
    installed = f"sqlglot {importlib.metadata.version('sqlglot')}"
    if shipped["made_with"] != installed:
        pytest.skip(f"the shipped answers were made with {shipped['made_with']}, {installed} is installed")
    remade = tmp_path / "lineage.json"
    dictionary.write_lineage_seed(remade)
    assert json.loads(remade.read_text()) == shipped, REMAKE


def test_edited_sql_misses_the_shipped_answers(tmp_path):
    """The key is the SQL text and the columns read: other SQL over the same tables is traced afresh."""
    lineage._MEMO.clear()
    sql = catalogue.sql_text("marts/chosen_options.sql") + "\n-- edited"
    deps, why = lineage.trace(sql, lineage.catalogue_schema(), tmp_path)
    assert why is None and deps["swap_id"] == [("technology_swaps", "swap_id")]
    assert len(list(tmp_path.glob("lineage-*.json"))) == 1
