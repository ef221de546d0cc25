"""Reference tables authored in the repo (bcm_pipeline/reference/*.csv): one reader, one NA rule.

Types, ranges and citations are checked by the pandera models in schemas/. Every reader takes the run's
settings (unused here: the CSVs ship with the package) so that all authored tables are read the same way.
"""

from __future__ import annotations

import pandas as pd

from bcm_pipeline.settings import REFERENCE_DIR, Settings


def read_authored_csv(name: str) -> pd.DataFrame:
    """bcm_pipeline/reference/<name>.csv. Only an empty cell is null: a literal text such as "NA" or
    "None" stays text."""
    return pd.read_csv(REFERENCE_DIR / f"{name}.csv", keep_default_na=False, na_values=[""])


def fuel_defaults(_: Settings | None = None) -> pd.DataFrame:
    return read_authored_csv("fuel_defaults")


def gwp(_: Settings | None = None) -> pd.DataFrame:
    return read_authored_csv("gwp")


def countries(_: Settings | None = None) -> pd.DataFrame:
    df = read_authored_csv("countries")
    df["jcm_partner_since"] = pd.to_datetime(df["jcm_partner_since"], format="%Y-%m-%d").dt.date
    return df


def technology_catalogue(_: Settings | None = None) -> pd.DataFrame:
    return read_authored_csv("technology_catalogue")


def cdm_registered_units(_: Settings | None = None) -> pd.DataFrame:
    return read_authored_csv("cdm_registered_units")


def grid_project_defaults(_: Settings | None = None) -> pd.DataFrame:
    return read_authored_csv("grid_project_defaults")


def technologies(_: Settings | None = None) -> pd.DataFrame:
    return read_authored_csv("technologies")


def steel_defaults(_: Settings | None = None) -> pd.DataFrame:
    return read_authored_csv("steel_defaults")


def steel_swap_options(_: Settings | None = None) -> pd.DataFrame:
    return read_authored_csv("steel_swap_options")


def price_deflators(_: Settings | None = None) -> pd.DataFrame:
    return read_authored_csv("price_deflators")


def unit_efficiency_classes(_: Settings | None = None) -> pd.DataFrame:
    return read_authored_csv("unit_efficiency_classes")


def national_generation_supplements(_: Settings | None = None) -> pd.DataFrame:
    return read_authored_csv("national_generation_supplements")


def cost_regions(_: Settings | None = None) -> pd.DataFrame:
    return read_authored_csv("cost_regions")


def technology_retrofits(_: Settings | None = None) -> pd.DataFrame:
    return read_authored_csv("technology_retrofits")
