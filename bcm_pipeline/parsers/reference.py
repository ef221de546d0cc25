"""Reference tables authored in the repo (bcm_pipeline/reference/*.csv): read each CSV into a DataFrame.

TableSpec.parse is called with None for reference tables, so every function takes an ignored path.
Types, ranges and citations are checked by the pandera models in schemas/reference.py.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bcm_pipeline.settings import REFERENCE_DIR


def read_reference_csv(name: str) -> pd.DataFrame:
    # keep_default_na=False + explicit "": a literal text such as "NA" or "None" must stay text.
    return pd.read_csv(REFERENCE_DIR / name, keep_default_na=False, na_values=[""])


def fuel_defaults(path: Path | None = None) -> pd.DataFrame:
    return read_reference_csv("fuel_defaults.csv")


def gwp(path: Path | None = None) -> pd.DataFrame:
    return read_reference_csv("gwp.csv")


def countries(path: Path | None = None) -> pd.DataFrame:
    df = read_reference_csv("countries.csv")
    df["jcm_partner_since"] = pd.to_datetime(df["jcm_partner_since"], format="%Y-%m-%d").dt.date
    return df


def technology_catalogue(path: Path | None = None) -> pd.DataFrame:
    return read_reference_csv("technology_catalogue.csv")


def steel_defaults(path: Path | None = None) -> pd.DataFrame:
    return read_reference_csv("steel_defaults.csv")


def price_deflators(path: Path | None = None) -> pd.DataFrame:
    return read_reference_csv("price_deflators.csv")
