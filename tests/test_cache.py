"""The cache of parsed raw files returns exactly the frame the parser returns, `_problems` included."""

from __future__ import annotations

import hashlib
import pickle

import dagster as dg
import duckdb
import pandas as pd
import pytest

from bcm_pipeline import catalogue
from bcm_pipeline.assets.tables import raw_asset, table_asset
from bcm_pipeline.parsers import cache, ifi, owid
from bcm_pipeline.parsers.common import PROBLEMS
from bcm_pipeline.resources import BcmResource
from bcm_pipeline.schemas.base import validate
from bcm_pipeline.schemas.owid import OwidCarbonIntensity
from bcm_pipeline.sources.registry import SOURCES
from tests.conftest import shared_file

pytestmark = pytest.mark.integration


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def owid_with_problems(tmp_path):
    """The first rows of the real OWID file, one value made unparseable and one code unknown."""
    lines = shared_file("owid_carbon_intensity", "carbon-intensity-electricity.csv").read_text().splitlines()
    header, rows = lines[0], lines[1:41]
    rows[3] = ",".join(rows[3].split(",")[:-1] + ["abc"])
    rows[7] = ",".join([rows[7].split(",")[0], "OWID_XYZ", *rows[7].split(",")[2:]])
    path = tmp_path / "carbon-intensity-electricity.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_hit_is_identical_including_problems(tmp_path):
    path = owid_with_problems(tmp_path)
    sha = _sha(path)
    fresh = owid.parse_owid(path)

    first, hit1 = cache.cached_parse(owid.parse_owid, path, tmp_path / "cache", "owid_carbon_intensity", sha)
    second, hit2 = cache.cached_parse(owid.parse_owid, path, tmp_path / "cache", "owid_carbon_intensity", sha)

    assert (hit1, hit2) == (False, True)
    assert (tmp_path / "cache" / f"owid_carbon_intensity-{sha}.pickle").exists()
    pd.testing.assert_frame_equal(second, fresh, check_exact=True)
    # The two rows broken above carry exactly these problems, as tuples; every other row an empty list.
    assert second.at[3, PROBLEMS] == [("ef_t_per_mwh", "parseable_number", "abc")]
    assert second.at[7, PROBLEMS] == [("country_iso3", "known_code", "OWID_XYZ")]
    assert all(p == [] for i, p in second[PROBLEMS].items() if i not in (3, 7))
    # Each row owns its list (parsers append in place).
    second.at[0, PROBLEMS].append(("x", "y", "z"))
    assert second.at[1, PROBLEMS] == []
    # Validation quarantines the same rows for the same reasons.
    fresh, (again, _) = (
        owid.parse_owid(path),
        cache.cached_parse(owid.parse_owid, path, tmp_path / "cache", "owid_carbon_intensity", sha),
    )
    fresh["source_sha256"] = again["source_sha256"] = sha  # as table_asset does
    _, q_fresh = validate(OwidCarbonIntensity, fresh, "owid_carbon_intensity", sha)
    _, q_cached = validate(OwidCarbonIntensity, again, "owid_carbon_intensity", sha)
    pd.testing.assert_frame_equal(q_cached, q_fresh)
    assert sorted(q_cached["check_name"]) == ["known_code", "parseable_number"]


def test_real_workbook_round_trips(tmp_path):
    path = shared_file("ifi_grid_factors", SOURCES["ifi_grid_factors"].filename)
    sha = _sha(path)
    cache.cached_parse(ifi.parse, path, tmp_path, "ifi_grid_factors", sha)
    cached, hit = cache.cached_parse(ifi.parse, path, tmp_path, "ifi_grid_factors", sha)
    assert hit
    pd.testing.assert_frame_equal(cached, ifi.parse(path), check_exact=True)
    assert len(cached) == 234


def test_foreign_or_stale_file_is_a_miss_and_is_replaced(tmp_path):
    path = owid_with_problems(tmp_path)
    target = cache.cache_path(tmp_path / "c", "owid_carbon_intensity", _sha(path))
    target.parent.mkdir()
    # A file at the right name but not written by this parser code, and one that is no pickle: never trusted.
    target.write_bytes(
        pickle.dumps({"key": "other parser code", "frame": pd.DataFrame({"entity": ["stale"]})})
    )
    assert cache.read_cached(target, cache.fingerprint_of(owid.parse_owid)) is None
    target.write_bytes(b"PAR1 not a pickle")
    old = target.with_name("owid_carbon_intensity-" + "0" * 64 + ".pickle")
    old.write_bytes(b"older file")
    before = target.with_name("owid_carbon_intensity-" + "1" * 64 + ".parquet")  # the format of before
    pd.DataFrame({"entity": ["older format"]}).to_parquet(before)

    df, hit = cache.cached_parse(owid.parse_owid, path, tmp_path / "c", "owid_carbon_intensity", _sha(path))

    assert not hit
    assert len(df) == 40
    assert cache.read_cached(target, cache.fingerprint_of(owid.parse_owid)) is not None
    assert not old.exists() and not before.exists()  # the frames of superseded raw files are removed


def test_frame_that_does_not_round_trip_is_not_cached(tmp_path):
    def mixed(_):
        return pd.DataFrame({"v": [1, "a", 2.5]})  # mixed objects: kept exactly

    df, hit = cache.cached_parse(mixed, tmp_path / "x", tmp_path / "c", "t", "f" * 64)
    assert not hit and df["v"].tolist() == [1, "a", 2.5]
    assert cache.cached_parse(mixed, tmp_path / "x", tmp_path / "c", "t", "f" * 64)[1]

    def unpicklable(_):
        return pd.DataFrame({"v": [lambda: 1]})  # a function in a cell: pickle refuses it

    df, hit = cache.cached_parse(unpicklable, tmp_path / "x", tmp_path / "d", "t", "f" * 64)
    assert not hit and len(df) == 1
    assert not list((tmp_path / "d").glob("*.pickle")) and not list((tmp_path / "d").glob(".tmp-*"))


def test_materialize_twice_uses_the_cache(mirror, tmp_path):
    spec = next(t for t in catalogue.tables("source") if t.source_id == "ifi_grid_factors")
    assets = [raw_asset(SOURCES["ifi_grid_factors"]), table_asset(spec)]
    bcm = BcmResource.of(data_dir=str(tmp_path), source_mirror=mirror, http_backoff_s=0.01)
    sha = _sha(shared_file("ifi_grid_factors", SOURCES["ifi_grid_factors"].filename))

    instance = dg.DagsterInstance.ephemeral()
    first = dg.materialize(assets, resources={"bcm": bcm}, instance=instance)
    cached = tmp_path / "cache" / "parse" / "ifi_grid_factors" / f"ifi_grid_factors-{sha}.pickle"
    assert cached.exists()
    # Rebuilt (else the build key keeps the stored table and nothing is read: the third run).
    rebuild = BcmResource.of(data_dir=str(tmp_path), source_mirror=mirror, http_backoff_s=0.01, rebuild=True)
    second = dg.materialize(assets, resources={"bcm": rebuild}, instance=instance)
    third = dg.materialize(assets, resources={"bcm": bcm}, instance=instance)

    assert first.success and second.success and third.success

    def metadata(result):
        [mat] = [
            m for m in result.get_asset_materialization_events() if m.asset_key == dg.AssetKey(spec.name)
        ]
        return {k: v.value for k, v in mat.materialization.metadata.items()}

    assert (metadata(first)["parse_cache"], metadata(second)["parse_cache"]) == ("miss", "hit")
    assert metadata(third)["build"] == "kept: inputs and code unchanged"
    assert "parse_cache" not in metadata(third)
    with duckdb.connect(str(tmp_path / "warehouse" / "build" / "bcm.duckdb"), read_only=True) as con:
        vn = con.execute("SELECT om_ef_t_per_mwh FROM ifi_grid_factors WHERE country_iso3 = 'VNM'").fetchone()
    assert abs(vn[0] - 0.5604) < 5e-5  # IFI v3.2, Viet Nam OM, as printed in the workbook


def test_stale_temp_file_is_removed_by_the_next_write(tmp_path):
    """A write killed (SIGKILL) before its rename leaves .tmp-<uuid>.pickle; the next write sweeps it."""
    path = owid_with_problems(tmp_path)
    folder = tmp_path / "c"
    folder.mkdir()
    stale = folder / ".tmp-0123456789abcdef.pickle"
    stale.write_bytes(b"half a file")
    cache.cached_parse(owid.parse_owid, path, folder, "owid_carbon_intensity", _sha(path))
    assert sorted(p.name for p in folder.iterdir()) == [
        f"owid_carbon_intensity-{_sha(path)}.pickle",
        "writer.lock",  # held while writing (another process may write the folder: bcm_pipeline/prewarm.py)
    ]
