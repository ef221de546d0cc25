"""Helpers shared by the parsers: table-level errors, number coercion, country codes.

Parsers are pure: a file path in, a tidy DataFrame out (no Dagster, no DuckDB). Row-level problems found
while parsing (an unparseable number, an unknown country) stay in the frame as a list of problems in the
`_problems` column, so validation can quarantine the row with its reason instead of dropping it.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import logging
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from bcm_pipeline.schemas.base import PROBLEMS  # noqa: F401  (parsers fill it; validation reads it)

# The Excel reader: "calamine" (python-calamine, Rust); "openpyxl", the former one, is kept for the sheets
# calamine cannot read exactly (error cells) and for the test that proves both give the same frames.
EXCEL_ENGINE = "calamine"

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


RENAMED_SHEET_HINT = (
    " (a renamed sheet goes in the release's `sheets` map: <sheet in the file>: <sheet expected>)"
)


class SourceFormatError(ValueError):
    """The file is not laid out as the parser expects: names the source, sheet, column or rows."""


def snake(name: str) -> str:
    name = re.sub(r"\s+", " ", str(name)).strip().lower()
    return re.sub(r"[^0-9a-z]+", "_", name).strip("_")


@dataclass(frozen=True)
class Layout:
    """How one release of a source names its sheets, headers and cell values, mapped onto the names the
    parser knows (its canonical names). Declared in sources.yaml per release; the default maps nothing."""

    source_id: str = ""
    version: str = ""
    sheets: Mapping[str, str] = field(default_factory=dict)  # sheet in this release -> known sheet
    columns: Mapping[str, str] = field(default_factory=dict)  # header in this release -> known header
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # known header -> {value: known}

    @property
    def is_empty(self) -> bool:
        return not (self.sheets or self.columns or self.values)

    def key(self) -> str:
        """The layout as text: part of the parse cache's fingerprint (another layout, another frame)."""
        return json.dumps([self.sheets, self.columns, self.values], sort_keys=True, default=dict)

    def where(self) -> str:
        return f"{self.source_id} release {self.version}" if self.version else self.source_id

    def sheet(self, known: str) -> str:
        """The name this release gives the sheet the parser knows as `known`."""
        return next((mine for mine, canonical in self.sheets.items() if canonical == known), known)

    def apply(
        self, df: pd.DataFrame, required: Iterable[str], known: Iterable[str], where: str
    ) -> pd.DataFrame:
        """df with this release's headers and values renamed to the known ones. Raise SourceFormatError
        naming the source, release, missing and unexpected columns when a required header is absent."""
        renamed = df.rename(columns={h: self.columns.get(str(h).strip(), h) for h in df.columns})
        doubled = sorted({c for c in renamed.columns if list(renamed.columns).count(c) > 1}, key=str)
        if doubled:
            raise SourceFormatError(f"{self.where()}: {where} has column(s) {doubled} twice after renaming")
        required = list(required)
        missing = [c for c in required if c not in renamed.columns]
        if missing:
            expected = set(required) | set(known)
            unexpected = [c for c in renamed.columns if c not in expected]
            raise SourceFormatError(
                f"{self.where()}: {where} lacks column(s) {missing}; unexpected column(s) {unexpected}. "
                "A header that was only renamed goes in the release's `columns` map "
                "(<header in the file>: <header expected>) in sources.yaml or the user sources file "
                "(BCM_SOURCES_FILE); a new layout needs a parser change."
            )
        for column, mapping in self.values.items():
            if column in renamed.columns:
                renamed[column] = renamed[column].map(
                    lambda v, m=mapping: m.get(v.strip(), v) if isinstance(v, str) else v
                )
        return renamed


CANONICAL = Layout()


def require_columns(df: pd.DataFrame, required: Iterable[str], source_id: str, where: str) -> None:
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise SourceFormatError(
            f"{source_id}: {where} lacks column(s) {missing}; found {list(df.columns)[:40]}. "
            "The publisher may have renamed them: update the parser."
        )


def read_excel_sheet(
    path: Path, sheet: str, source_id: str, engine: str | None = None, **kwargs
) -> pd.DataFrame:
    """One sheet as pd.read_excel reads it (values only); a missing sheet is a table-level error.

    Read with calamine (Rust, ~5x faster than openpyxl); the frame is the one openpyxl gave: pandas'
    calamine reader turns date and duration cells into pd.Timestamp / pd.Timedelta where openpyxl's gives
    datetime / timedelta, so those are turned back (only object columns can hold them).
    """
    engine = engine or EXCEL_ENGINE
    try:
        with pd.ExcelFile(path, engine=engine) as book:
            if sheet not in book.sheet_names:
                raise SourceFormatError(
                    f"{source_id}: sheet {sheet!r} not found in {path.name}; sheets are {book.sheet_names}"
                    f"{RENAMED_SHEET_HINT}"
                )
            df = book.parse(sheet, **kwargs)
    except _unreadable_errors() as exc:
        raise SourceFormatError(f"{source_id}: {path.name} is not a readable workbook: {exc}") from exc
    for column in df.select_dtypes(include="object").columns:
        values = df[column]
        if values.map(lambda v: isinstance(v, pd.Timestamp | pd.Timedelta)).any():
            df[column] = pd.Series([_python_value(v) for v in values], index=df.index, dtype=object)
    return df


def _python_value(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, pd.Timedelta):
        return value.to_pytimedelta()
    return value


def read_sheet_rows(book: Path | bytes, sheet: str, source_id: str, engine: str | None = None) -> list[tuple]:
    """One sheet's cell values row by row, as openpyxl (read-only, values only) gives them: int for a whole
    number, datetime for a date, the cached values of formulas; None for an empty cell and for empty text
    (calamine cannot tell them apart). Rows end at their last non-empty cell; trailing empty rows are
    dropped. `book`: a workbook file, or its bytes (read from a zip).

    calamine reads an error cell (#N/A, #DIV/0!) as empty, where openpyxl gives its text, which the parsers
    then report as a row problem: a sheet holding error cells is therefore read with openpyxl.
    """
    engine = engine or EXCEL_ENGINE
    name = book.name if isinstance(book, Path) else "the workbook"
    if engine == "calamine" and _has_error_cells(book):
        engine = "openpyxl"
    try:
        sheets, rows = _calamine_rows(book, sheet) if engine == "calamine" else _openpyxl_rows(book, sheet)
    except _unreadable_errors() as exc:
        raise SourceFormatError(f"{source_id}: {name} is not a readable workbook: {exc}") from exc
    if rows is None:
        raise SourceFormatError(
            f"{source_id}: sheet {sheet!r} not found in {name}; sheets are {sheets}{RENAMED_SHEET_HINT}"
        )
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _calamine_rows(book: Path | bytes, sheet: str) -> tuple[list[str], list[tuple] | None]:
    import python_calamine  # imported when a workbook is parsed, not with the Dagster definitions

    with python_calamine.CalamineWorkbook.from_object(_readable(book)) as wb:
        if sheet not in wb.sheet_names:
            return wb.sheet_names, None
        grid = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    rows = []
    for cells in grid:
        row = [_openpyxl_value(v) for v in cells]
        while row and row[-1] is None:
            row.pop()
        rows.append(tuple(row))
    return wb.sheet_names, rows


def _openpyxl_value(value: object) -> object:
    # calamine: '' for an empty cell, float for every number, date for a date without time.
    if value == "":
        return None
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


def _openpyxl_rows(book: Path | bytes, sheet: str) -> tuple[list[str], list[tuple] | None]:
    """The former reader, kept for the sheets calamine cannot read exactly and for tests/test_excel_engines.py."""
    import openpyxl

    wb = openpyxl.load_workbook(_readable(book), read_only=True, data_only=True, keep_vba=False)
    try:
        if sheet not in wb.sheetnames:
            return wb.sheetnames, None
        ws = wb[sheet]
        # Rows as long as their cells, not padded to the declared dimension (CEA's Data: 15,875 columns).
        ws.reset_dimensions()
        rows = []
        for cells in ws.iter_rows(values_only=True):
            cells = tuple(None if v == "" else v for v in cells)
            end = len(cells)
            while end and cells[end - 1] is None:
                end -= 1
            rows.append(tuple(cells[:end]))
        return wb.sheetnames, rows
    finally:
        wb.close()


def _readable(book: Path | bytes) -> Path | io.BytesIO:
    return io.BytesIO(book) if isinstance(book, bytes) else book


def _has_error_cells(book: Path | bytes) -> bool:
    """Whether any worksheet holds a cell of type error (<c ... t="e">)."""
    try:
        with zipfile.ZipFile(_readable(book)) as zf:
            return any(
                b' t="e"' in zf.read(info)
                for info in zf.infolist()
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            )
    except zipfile.BadZipFile:
        return False  # not an xlsx: the reader says why


def _unreadable_errors() -> tuple[type[Exception], ...]:
    import python_calamine

    return (python_calamine.CalamineError, zipfile.BadZipFile)


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
