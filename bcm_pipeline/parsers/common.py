"""Helpers shared by the parsers: table-level errors, number coercion, country codes.

Parsers are pure: a file path in, a tidy DataFrame out (no Dagster, no DuckDB). Row-level problems found
while parsing (an unparseable number, an unknown country) stay in the frame as a list of problems in the
`_problems` column, so validation can quarantine the row with its reason instead of dropping it.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from bcm_pipeline.schemas.base import PROBLEMS  # noqa: F401  (parsers fill it; validation reads it)

# Markers that mean "no value" in the sources (GEM: "not found"; World Bank: "…"; CEA: "n/a").
MISSING_MARKERS = frozenset({"", "not found", "…", "...", "n/a", "na", "-", "--", "none", "nan"})

# Names that country_converter maps wrongly or not at all, as they appear in the sources.
COUNTRY_OVERRIDES = {
    "china (prc and hong kong)": "CHN",
    "türkiye": "TUR",
    "turkiye": "TUR",
    "kosovo": "XKX",  # no ISO 3166 code; XKX is the code the EU and IMF use
    "owid_kos": "XKX",
    "sint martin (netherlands)": "SXM",
    "vanatu": "VUT",  # IFI v3.2's spelling
    "channel islands (u.k)": "CHI",  # no ISO 3166 code; CHI is the World Bank's
}
_NOT_FOUND = "__not_found__"


class SourceFormatError(ValueError):
    """The file is not laid out as the parser expects: names the source, sheet, column or rows."""


def snake(name: str) -> str:
    name = re.sub(r"\s+", " ", str(name)).strip().lower()
    return re.sub(r"[^0-9a-z]+", "_", name).strip("_")


def require_columns(df: pd.DataFrame, required: Iterable[str], source_id: str, where: str) -> None:
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise SourceFormatError(
            f"{source_id}: {where} lacks column(s) {missing}; found {list(df.columns)[:40]}. "
            "The publisher may have renamed them: update the parser."
        )


def read_excel_sheet(path: Path, sheet: str, source_id: str, **kwargs) -> pd.DataFrame:
    """Read one sheet with openpyxl (values only); a missing sheet is a table-level error."""
    try:
        return pd.read_excel(path, sheet_name=sheet, engine="openpyxl", **kwargs)
    except ValueError as exc:
        if "not found" in str(exc).lower() or "worksheet" in str(exc).lower():
            raise SourceFormatError(f"{source_id}: sheet {sheet!r} not found in {path.name}: {exc}") from exc
        raise


def new_problems(df: pd.DataFrame) -> pd.DataFrame:
    df[PROBLEMS] = [[] for _ in range(len(df))]
    return df


def _clean_text(value: object) -> object:
    if isinstance(value, str):
        return value.replace("\u00a0", " ").strip()
    return value


def to_number(df: pd.DataFrame, column: str, source_column: str | None = None) -> pd.Series:
    """Coerce a column to float. Missing markers become null; anything else unparseable is a row problem."""
    raw = df[source_column or column].map(_clean_text)
    is_missing = raw.isna() | raw.map(lambda v: isinstance(v, str) and v.lower() in MISSING_MARKERS)
    values = pd.to_numeric(raw.where(~is_missing), errors="coerce")
    bad = values.isna() & ~is_missing
    for idx in df.index[bad]:
        df.at[idx, PROBLEMS].append((column, "parseable_number", str(raw.at[idx])))
    return values.astype("float64")


@functools.cache
def _converter():
    import country_converter as coco

    # coco warns on every miss; we report misses ourselves as quarantine rows.
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


def to_iso3(df: pd.DataFrame, column: str, target: str = "country_iso3") -> pd.Series:
    """ISO3 codes via country_converter plus COUNTRY_OVERRIDES; an unknown name is a row problem."""
    names = df[column].map(_clean_text)
    unique = [n for n in names.dropna().unique() if isinstance(n, str) and n]
    mapping = {}
    coco_names = [n for n in unique if n.lower() not in COUNTRY_OVERRIDES]
    if coco_names:
        codes = _converter().convert(coco_names, to="ISO3", not_found=_NOT_FOUND)
        codes = codes if isinstance(codes, list) else [codes]
        mapping.update(
            {
                n: c if isinstance(c, str) and c != _NOT_FOUND else None
                for n, c in zip(coco_names, codes, strict=True)
            }
        )
    # "Guadeloupe (France)": retry without the parenthesised sovereign.
    retry = {n: re.sub(r"\s*\(.*\)\s*$", "", n) for n, c in mapping.items() if c is None and "(" in n}
    if retry:
        codes = _converter().convert(list(retry.values()), to="ISO3", not_found=_NOT_FOUND)
        codes = codes if isinstance(codes, list) else [codes]
        mapping.update(
            {
                n: c if isinstance(c, str) and c != _NOT_FOUND else None
                for n, c in zip(retry, codes, strict=True)
            }
        )
    mapping.update({n: COUNTRY_OVERRIDES[n.lower()] for n in unique if n.lower() in COUNTRY_OVERRIDES})
    iso = names.map(mapping)
    for idx in df.index[iso.isna()]:
        df.at[idx, PROBLEMS].append((target, "known_country", str(names.at[idx])))
    return iso.astype("string")


def clean_text(series: pd.Series) -> pd.Series:
    return series.map(_clean_text).astype("string")
