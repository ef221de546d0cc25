"""docs/methodology.md stays true to the code: every table, column and parameter it names in backticks exists,
every SQL mart is described, the files it points to are in the repository, and the README points to it (not
to the research notes outside the repository)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bcm_pipeline import catalogue
from bcm_pipeline.parsers.reference import read_authored_csv

pytestmark = pytest.mark.unit

PROJECT = Path(__file__).resolve().parents[1]
DOC = PROJECT / "docs" / "methodology.md"
# Words in backticks that are values or labels, not names of tables, columns or parameters.
VALUES = {"excluded", "netted", "not_additional", "depends_on_price", "additional", "build_instead", "retrofit",
          "replace", "catalogue", "tool07_default", "top_performer", "intensity_benchmark", "bau_trajectory",
          "proposed", "grid_displacement", "end_use_programme", "capex_proxy_region:", "is_chosen", "estimate"}  # fmt: skip


def _names() -> set[str]:
    names = set()
    for t in catalogue.TABLES:
        names.add(t.name)
        names |= set(t.model.to_schema().columns)
    names |= {p.stem for p in (PROJECT / "bcm_pipeline" / "sql" / "views").glob("*.sql")}
    names |= set(read_authored_csv("scenario_parameters")["parameter"])
    return names


def test_every_name_in_backticks_exists():
    text = DOC.read_text(encoding="utf-8")
    names = _names()
    unknown = []
    for token in re.findall(r"`([^`\n]+)`", text):
        if "/" in token or token.endswith((".yaml", ".csv", ".md", ".py", ".sql")):  # a file: a bare CSV name
            # is a reference table's
            path = token.split(" ")[0]
            if not list(PROJECT.glob(path)) and not list(PROJECT.glob(f"bcm_pipeline/reference/{path}")):
                unknown.append(token)
        elif re.fullmatch(r"[a-z][a-z0-9_]*", token) and token not in names and token not in VALUES:
            unknown.append(token)
    assert not unknown, f"docs/methodology.md names what the code does not have: {unknown}"


def test_every_sql_mart_is_described():
    text = DOC.read_text(encoding="utf-8")
    marts = [p.stem for p in (PROJECT / "bcm_pipeline" / "sql" / "marts").glob("*.sql")]
    missing = [m for m in marts if f"`{m}`" not in text]
    assert not missing, missing


def test_the_readme_points_to_it():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert "docs/methodology.md" in readme
    assert "../shared/docs/methodology.md" not in readme
