"""estimate.fleet() looks η up once per (fuel class, technology, vintage): same frame as one lookup per unit."""

import pandas as pd
import pytest

from bcm_pipeline.grid import estimate
from bcm_pipeline.settings import REFERENCE_DIR

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def reference():
    catalogue = pd.read_csv(REFERENCE_DIR / "technology_catalogue.csv")
    fuels = pd.read_csv(REFERENCE_DIR / "fuel_defaults.csv")
    return catalogue, fuels


def _coal(rows):
    return pd.DataFrame(
        rows,
        columns=["gem_unit_id", "country_iso3", "gem_technology", "start_year", "capacity_mw", "coal_type"],
    ).assign(status="operating", start_year=lambda d: d["start_year"].astype("Int64"))


def _gas_oil(rows):
    return pd.DataFrame(
        rows,
        columns=[
            "gem_unit_id",
            "country_iso3",
            "fuel_class",
            "fuel",
            "gem_technology",
            "start_year",
            "capacity_mw",
        ],
    ).assign(status="operating", start_year=lambda d: d["start_year"].astype("Int64"))


def test_fleet_matches_one_lookup_per_unit(reference):
    catalogue, fuels = reference
    coal = _coal(
        [
            ("C1", "VNM", "subcritical", 1995, 300.0, "bituminous"),
            ("C2", "VNM", "subcritical", 2000, 300.0, "lignite"),
            ("C3", "VNM", "subcritical", 2001, 600.0, "bituminous"),
            ("C4", "IDN", "unknown", None, 100.0, "unknown"),
            ("C5", "IDN", "supercritical", 1990, 660.0, "subbituminous"),  # only a >2000 default
            ("C6", "IDN", "ultra-supercritical", 2015, 1000.0, "anthracite"),
            ("C7", "IND", "cfb", 1998, 150.0, "waste coal"),
            ("C8", "IND", "subcritical", 1995, 0.0, "bituminous"),  # no capacity: dropped
            ("C9", "IND", "subcritical", 1995, 210.0, "bituminous"),  # same key as C1
            ("C10", "IND", None, 2005, 100.0, "bituminous"),  # no technology: subcritical fallback
        ]
    )
    gas_oil = _gas_oil(
        [
            ("G1", "VNM", "gas", "NG", "CC", 2010, 400.0),
            ("G2", "VNM", "gas", "NG", "IC", 1999, 20.0),
            ("G3", "IDN", "oil", "D", "GT", 2005, 50.0),
            ("G4", "IDN", "oil", "FO", "ST", 1980, 100.0),
            ("G5", "IDN", "gas/oil", "NG/FO", "unknown", None, 80.0),
            ("G6", "IND", "gas", "NG", "CC", 2010, 300.0),  # same key as G1
            ("G7", "IND", "gas", "NG", None, 1995, 60.0),  # no technology: CC
        ]
    )
    units = estimate.fleet(coal, gas_oil, catalogue, fuels)

    # TOOL07 appendix defaults, as in bcm_pipeline/reference/technology_catalogue.csv (tool07_* rows).
    expected_eta = {
        "C1": 0.37, "C2": 0.37, "C3": 0.39, "C4": 0.39, "C5": 0.45, "C6": 0.5, "C7": 0.365, "C9": 0.37,
        "C10": 0.39, "G1": 0.6, "G2": 0.3, "G3": 0.395, "G4": 0.375, "G5": 0.6, "G6": 0.6, "G7": 0.46,
    }  # fmt: skip
    assert dict(zip(units["unit_id"], units["net_efficiency_lhv"], strict=True)) == pytest.approx(
        expected_eta
    )
    # IPCC lower-bound EFs (t/TJ) × 3.6 GJ/MWh / η, worked by hand for three units.
    ef = dict(zip(units["unit_id"], units["ef_t_per_mwh"], strict=True))
    assert ef["C1"] == pytest.approx(89.5 * 0.0036 / 0.37)
    assert ef["G3"] == pytest.approx(72.6 * 0.0036 / 0.395)
    assert ef["G4"] == pytest.approx(75.5 * 0.0036 / 0.375)

    # The per-unit lookup the keyed one replaced gives the very same column.
    per_unit = [
        estimate.unit_efficiency(f, t, y, catalogue)
        for f, t, y in zip(units["fuel_class"], units["gem_technology"], units["start_year"], strict=True)
    ]
    assert units["net_efficiency_lhv"].tolist() == per_unit
