"""Proof that a CSV file arrived whole, before anything parses it.

A CSV cut short still parses: pandas pads a short last record with nulls and reads a cut value ('57' for
'571.4285') as a number. So every record must have as many fields as the header, quoting must close, and
the file must end with a line end where the publisher's file always does (the registry says so per file:
`ends_with_line_end`). A cut that falls exactly on a line end leaves a valid, shorter file: the row-fall
guard (bcm_pipeline/guards.py) is what catches that one.
"""

from __future__ import annotations

import csv
from pathlib import Path

PREVIEW = 80


class IncompleteFile(ValueError):
    """The file is not whole: names the line and what is wrong with it."""


def _preview(record: list[str]) -> str:
    text = ",".join(record)
    return text if len(text) <= PREVIEW else "…" + text[-PREVIEW:]


def _ends_with_line_end(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(-1, 2)
        return fh.read(1) in (b"\n", b"\r")


def check_csv_records(path: Path, ends_with_line_end: bool = True) -> int:
    """Raise IncompleteFile unless every record of the UTF-8 CSV at `path` has the header's number of
    fields, its quotes close, and (when `ends_with_line_end`) the last record ends with a line end.
    Returns the number of records after the header. Blank lines are allowed (pandas skips them)."""
    if path.stat().st_size == 0:
        raise IncompleteFile("the file is empty")
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, strict=True)
        try:
            header = next(reader, None)
            if header is None:
                raise IncompleteFile("the file holds no header")
            width, records, last = len(header), 0, header
            for record in reader:
                if not record:
                    continue
                if len(record) != width:
                    few = "too few" if len(record) < width else "too many"
                    raise IncompleteFile(
                        f"line {reader.line_num}: {len(record)} field(s) where the header has {width} "
                        f"({few}: a cut or broken record): {_preview(record)!r}"
                    )
                records, last = records + 1, record
        except csv.Error as exc:
            raise IncompleteFile(
                f"line {reader.line_num}: {exc} (a quoted value that never closes: the file was cut?)"
            ) from exc
    if ends_with_line_end and not _ends_with_line_end(path):
        raise IncompleteFile(
            f"line {reader.line_num}: the last record has no line end, where this source's file always ends "
            f"with one: the file was cut short (it ends in {_preview(last)!r})"
        )
    return records
