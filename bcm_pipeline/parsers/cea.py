"""CEA CO2 Baseline Database v15 (database_15.zip → 'database_15 (1).xlsm'): sheets "Data" and "Results".

The workbook is read from inside the zip, in memory, values only (common.read_sheet_rows): the cached cell
values are used and the VBA project is never loaded or run.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path, PurePosixPath

import pandas as pd

from bcm_pipeline.parsers.common import (
    MISSING_MARKERS,
    PROBLEMS,
    SourceFormatError,
    clean_text,
    new_problems,
    read_sheet_rows,
    to_number,
)

SOURCE_ID = "cea_india_co2_baseline"
# Zip-bomb guards, applied to the download and to the workbook (itself a zip). 200 MB is ~80x the v15
# workbook; 100:1 is Apache POI's default ZipSecureFile minimum inflate ratio (0.01). v15's worst part is 15:1.
MAX_MEMBER_BYTES = 200_000_000
MAX_INFLATE_RATIO = 100

# Data sheet: normalised header text (whitespace collapsed, lower case) → our column.
STATIC_HEADERS = {
    "s_no": r"^s_? ?no$",
    "station_name": r"^name$",
    "unit_no": r"^unit_? ?no$",
    "commissioned_date": r"^dt_? ?comm",
    "capacity_mw": r"^capacity\b.*\bmw\b",
    "state": r"^state$",
    "sector": r"^sector$",
    "system": r"^system$",
    "plant_type": r"^type$",
    "fuel_1": r"^fuel ?1$",
    "fuel_2": r"^fuel ?2$",
}
# Per fiscal year: '2014-15 Net Generation GWh', '... Absolute Emissions t CO2', ...
YEAR_HEADER = re.compile(r"^(\d{4}-\d{2}) (.+)$")
YEAR_MEASURES = {
    "net generation": "gen_gwh",
    "absolute emissions": "co2_t",
    "specific emissions": "ef_t_per_mwh",
    "operating margin": "om_flag",
    "build margin": "bm_flag",
}
SECTORS = {"CENTER": "CENTER", "CENTRE": "CENTER", "STATE": "STATE", "PVT": "PRIVATE", "PRIVATE": "PRIVATE"}
# Results sheet: row label prefix → margin, and the block titles that say whether imports are counted.
MARGIN_LABELS = {
    "weighted average emission rate": "average",
    "simple operating margin": "OM",
    "build margin": "BM",
    "combined margin": "CM",
}
FISCAL_YEAR = re.compile(r"^\d{4}-\d{2}$")
# The Data sheet declares 4,283 x 15,875 cells of formatting; the values end at row 2,511.
STOP_AFTER_EMPTY_ROWS = 50


def _norm(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def check_archive(zf: zipfile.ZipFile, where: str, max_member_bytes: int = MAX_MEMBER_BYTES) -> None:
    """Refuse zip-slip names and zip bombs. Python's zipfile never inflates past a member's declared size
    (a larger stream fails its CRC check), so checking the declared sizes bounds what is read."""
    for info in zf.infolist():
        name = info.filename.replace("\\", "/")
        if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in PurePosixPath(name).parts:
            raise SourceFormatError(f"{SOURCE_ID}: {where} holds an unsafe member name {info.filename!r}")
        if info.file_size > max_member_bytes:
            raise SourceFormatError(
                f"{SOURCE_ID}: {where} member {info.filename!r} inflates to {info.file_size:,} bytes "
                f"(limit {max_member_bytes:,}): refusing a possible zip bomb"
            )
        if info.file_size > MAX_INFLATE_RATIO * max(info.compress_size, 1):
            raise SourceFormatError(
                f"{SOURCE_ID}: {where} member {info.filename!r} inflates {info.file_size:,} bytes from "
                f"{info.compress_size:,} (over {MAX_INFLATE_RATIO}:1): refusing a possible zip bomb"
            )


def read_workbook_bytes(path: Path, max_member_bytes: int = MAX_MEMBER_BYTES) -> bytes:
    """The single .xlsm/.xlsx inside the publisher's zip, checked, as bytes (nothing is written to disk)."""
    try:
        with zipfile.ZipFile(path) as zf:
            check_archive(zf, path.name, max_member_bytes)
            books = [i for i in zf.infolist() if i.filename.lower().endswith((".xlsm", ".xlsx"))]
            if len(books) != 1:
                raise SourceFormatError(
                    f"{SOURCE_ID}: {path.name} should hold exactly one workbook; found {zf.namelist()}"
                )
            data = zf.read(books[0])
        with zipfile.ZipFile(io.BytesIO(data)) as inner:
            check_archive(inner, books[0].filename, max_member_bytes)
    except zipfile.BadZipFile as exc:
        raise SourceFormatError(f"{SOURCE_ID}: {path.name} is not a readable zip/workbook: {exc}") from exc
    return data


def _rows(path: Path, sheet: str) -> list[tuple]:
    return read_sheet_rows(read_workbook_bytes(path), sheet, SOURCE_ID)


def _data_columns(header: tuple) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Column positions by meaning: static columns, and {fiscal_year: {measure: position}}."""
    static: dict[str, int] = {}
    years: dict[str, dict[str, int]] = {}
    for pos, cell in enumerate(header):
        text = _norm(cell).lower()
        if not text:
            continue
        year = YEAR_HEADER.match(text)
        if year:
            for needle, measure in YEAR_MEASURES.items():
                if needle in year.group(2):
                    years.setdefault(year.group(1), {})[measure] = pos
            continue
        for column, pattern in STATIC_HEADERS.items():
            if re.search(pattern, text) and column not in static:
                static[column] = pos
    missing = sorted(set(STATIC_HEADERS) - set(static))
    incomplete = {fy: sorted(set(YEAR_MEASURES.values()) - set(m)) for fy, m in years.items()}
    incomplete = {fy: m for fy, m in incomplete.items() if m}
    if missing or not years or incomplete:
        raise SourceFormatError(
            f"{SOURCE_ID}: sheet 'Data' header lacks {missing or ''} {incomplete or ''}"
            f"{'' if years else ' any fiscal-year columns'}; found {[_norm(h) for h in header if h][:40]}"
        )
    return static, years


def _data_rows(rows: list[tuple]) -> tuple[tuple, list[tuple], list[int]]:
    header = rows[0] if rows else ()
    filled = [pos for pos, cell in enumerate(header) if _norm(cell)]
    if not filled:
        raise SourceFormatError(f"{SOURCE_ID}: sheet 'Data' has no header row")
    # The sheet declares 15,875 formatted columns: read only as far as the header goes.
    width = filled[-1] + 1
    body, sheet_rows, empty_run = [], [], 0
    for number, row in enumerate(rows[1:], start=2):
        row = row[:width]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            empty_run += 1
            if empty_run >= STOP_AFTER_EMPTY_ROWS:
                break
            continue
        empty_run = 0
        body.append(row)
        sheet_rows.append(number)
    return header[:width], body, sheet_rows


def _to_date(value: object) -> object:
    if pd.isna(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def parse_cea_units(path: Path) -> pd.DataFrame:
    """Sheet "Data" in LONG form: one row per station (unit_no 0) or unit, per fiscal year."""
    header, body, sheet_rows = _data_rows(_rows(path, "Data"))
    static, years = _data_columns(header)
    width = len(header)
    body = [tuple(row) + (None,) * (width - len(row)) for row in body]
    raw = pd.DataFrame(body, columns=range(width))

    parts = []
    for fiscal_year, measures in sorted(years.items()):
        part = pd.DataFrame({col: raw[pos] for col, pos in static.items()})
        part["_sheet_row"] = sheet_rows  # for the duplicate-key message
        part["fiscal_year"] = fiscal_year
        for measure, pos in measures.items():
            part[measure] = raw[pos]
        parts.append(part)
    long = new_problems(pd.concat(parts, ignore_index=True))

    df = pd.DataFrame(index=long.index)
    df[PROBLEMS] = long[PROBLEMS]
    df["s_no"] = _whole(to_number(long, "s_no"))
    df["station_name"] = clean_text(long["station_name"])
    df["unit_no"] = _whole(to_number(long, "unit_no"))
    df["is_station_total"] = df["unit_no"] == 0
    dates = long["commissioned_date"].map(_to_date)
    for idx in long.index[dates.isna() & long["commissioned_date"].map(_present)]:
        df.at[idx, PROBLEMS].append(
            ("commissioned_date", "parseable_date", str(long.at[idx, "commissioned_date"]))
        )
    df["commissioned_date"] = dates
    df["capacity_mw"] = to_number(long, "capacity_mw")
    df["state"] = _upper(long["state"])
    sector = _upper(long["sector"])
    df["sector"] = sector.map(SECTORS).astype("string")
    for idx in long.index[df["sector"].isna()]:
        df.at[idx, PROBLEMS].append(("sector", "known_sector", str(sector.at[idx])))
    df["system"] = clean_text(long["system"])
    df["plant_type"] = _upper(long["plant_type"])  # 'THERMAL ' (trailing space) → 'THERMAL'
    # Hydro rows leave FUEL 1 blank; the contract names their fuel HYDRO.
    df["fuel_1"] = _upper(long["fuel_1"]).fillna(df["plant_type"].where(df["plant_type"] == "HYDRO"))
    df["fuel_2"] = _upper(long["fuel_2"])  # 'OiL', 'OIL ' → 'OIL'
    df["fiscal_year"] = long["fiscal_year"].astype("string")
    df["net_generation_mwh"] = to_number(long, "net_generation_mwh", "gen_gwh") * 1000.0
    df["co2_t"] = to_number(long, "co2_t")
    df["ef_t_per_mwh"] = to_number(long, "ef_t_per_mwh")
    df["in_operating_margin"] = _flag(long, "om_flag", "in_operating_margin")
    df["in_build_margin"] = _flag(long, "bm_flag", "in_build_margin")
    # CEA writes a unit's CDM registration ('CDM#4568') in place of the build-margin flag: such units are
    # left out of the build margin (Results' BM totals match only without them).
    bm = long["bm_flag"].map(lambda v: v.strip() if isinstance(v, str) else None)
    df["cdm_project_ref"] = bm.where(bm.str.upper().str.startswith("CDM", na=False)).astype("string")

    # The key (s_no, unit_no, fiscal_year) must be unique; v15 numbers both JORETHANG LOOP units 1.
    # The later row is quarantined rather than renumbered: the publisher's data is not corrected here.
    dup = df.duplicated(["s_no", "unit_no", "fiscal_year"], keep="first") & df["unit_no"].notna()
    for idx in df.index[dup]:
        same = (df["s_no"] == df.at[idx, "s_no"]) & (df["unit_no"] == df.at[idx, "unit_no"])
        first = long.loc[same.fillna(False).astype(bool), "_sheet_row"].min()
        df.at[idx, PROBLEMS].append(
            (
                "unit_no",
                "unique_key",
                f"S_NO {df.at[idx, 's_no']} UNIT_NO {df.at[idx, 'unit_no']} at sheet row "
                f"{long.at[idx, '_sheet_row']} repeats sheet row {first}",
            )
        )
    for column in ("s_no", "unit_no"):
        for idx in df.index[df[column].isna() & df[PROBLEMS].map(len).eq(0)]:
            df.at[idx, PROBLEMS].append((column, "not_nullable", None))
    return df


def _whole(values: pd.Series) -> pd.Series:
    """Whole numbers as nullable ints (readable keys: '168|1'); a fraction is left for validation to reject."""
    return values.astype("Int64") if (values.dropna() % 1 == 0).all() else values


def _present(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in MISSING_MARKERS
    return not pd.isna(value)


def _upper(series: pd.Series) -> pd.Series:
    text = clean_text(series).str.upper()
    return text.where(~text.isin([m.upper() for m in MISSING_MARKERS]))


def _flag(long: pd.DataFrame, source: str, column: str) -> pd.Series:
    """1 → True; blank → False; a 'CDM#…' reference (build margin only) → False; anything else a problem."""

    def one(idx, value):
        if not _present(value):
            return False
        if isinstance(value, (int, float)) and value == 1:
            return True
        if isinstance(value, str) and value.strip() == "1":
            return True
        if column == "in_build_margin" and isinstance(value, str) and value.strip().upper().startswith("CDM"):
            return False
        long.at[idx, PROBLEMS].append((column, "flag_1_or_blank", str(value)))
        return False

    return pd.Series([one(i, v) for i, v in long[source].items()], index=long.index, dtype=bool)


def parse_cea_published_margins(path: Path) -> pd.DataFrame:
    """Sheet "Results": the published average, OM, BM and CM per fiscal year, excluding and including imports."""
    grid = [list(row) for row in _rows(path, "Results")]
    records = []
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            title = _norm(cell).lower()
            # The block titles, e.g. 'Emission Factors (tCO2/MWh) (excl. Imports)'; not the 'EMISSION FACTORS' banner.
            if not (title.startswith("emission factors") and "import" in title):
                continue
            imports = "excluded" if "excl" in title else "included" if "incl" in title else None
            if imports is None:
                raise SourceFormatError(
                    f"{SOURCE_ID}: Results block {_norm(cell)!r} says neither excl. nor incl."
                )
            year_cols = _year_columns(row, c)
            for label_row in grid[r + 1 : r + 8]:
                label = _norm(label_row[c] if c < len(label_row) else None).lower()
                margin = next((m for prefix, m in MARGIN_LABELS.items() if label.startswith(prefix)), None)
                if margin is None:
                    continue
                for fy, pos in year_cols.items():
                    records.append(
                        {
                            "fiscal_year": fy,
                            "margin": margin,
                            "imports": imports,
                            "_value": label_row[pos] if pos < len(label_row) else None,
                        }
                    )
    found = {(rec["imports"], rec["margin"]) for rec in records}
    expected = {(i, m) for i in ("excluded", "included") for m in MARGIN_LABELS.values()}
    if found != expected:
        raise SourceFormatError(
            f"{SOURCE_ID}: sheet 'Results' lacks emission-factor rows {sorted(expected - found)} "
            "(looked for 'Emission Factors (tCO2/MWh) (excl./incl. Imports)' blocks)"
        )
    df = new_problems(pd.DataFrame(records))
    df["ef_t_per_mwh"] = to_number(df, "ef_t_per_mwh", "_value")
    return df.drop(columns="_value")


def _year_columns(row: list, start: int) -> dict[str, int]:
    """Fiscal-year header cells to the right of a block title, up to the first gap after them."""
    out: dict[str, int] = {}
    for pos in range(start + 1, len(row)):
        text = _norm(row[pos])
        if FISCAL_YEAR.match(text):
            out[text] = pos
        elif out:
            break  # a gap or the next block's title
    if not out:
        raise SourceFormatError(f"{SOURCE_ID}: sheet 'Results' block has no fiscal-year header cells")
    return out
