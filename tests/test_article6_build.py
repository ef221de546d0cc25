"""Article 6.2 on the real build (issue 15): the shared full build over the loopback mirror, and
`bcm export --format article6` on the published warehouse."""

from __future__ import annotations

import duckdb
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from bcm_pipeline.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wh(full_build):
    data_dir, _ = full_build
    with duckdb.connect(str(data_dir / "warehouse" / "bcm.duckdb"), read_only=True) as con:
        yield con


def _one(con, sql):
    rows = con.execute(sql).fetchall()
    assert len(rows) == 1
    return rows[0]


def test_every_agreement_takes_its_real_deal(wh):
    status = wh.execute("SELECT * FROM agreement_status ORDER BY agreement_id").df().set_index("agreement_id")
    assert len(status) == 9 and status["in_force"].all()
    assert set(status["date_source"]) == {"article6_agreements"}
    assert str(status.loc["japan_vietnam", "start_date"])[:10] == "2013-07-02"
    # The file cites 29 Aug 2025 for India; UNEP-CCC gives 7 Aug: the data's date is used, the gap flagged.
    assert str(status.loc["japan_india", "start_date"])[:10] == "2025-08-07"
    assert "2025-08-29" in status.loc["japan_india", "flags"]


def test_ledger_identity_on_every_row(wh):
    rows, gap, negative = _one(
        wh,
        """SELECT count(*), max(abs(issued_t - sop_t - omge_t - host_retained_t - transferred_t)),
                  count(*) FILTER (WHERE least(issued_t, sop_t, omge_t, host_retained_t, transferred_t) < 0)
           FROM itmo_ledger""",
    )
    assert rows > 1000 and gap < 1e-6 and negative == 0


def test_one_option_per_unit_and_vintages_for_every_agreement(wh):
    dup = _one(
        wh,
        """SELECT count(*) FROM (SELECT agreement_id, unit_id, vintage_year FROM credit_vintages
                                 GROUP BY ALL HAVING count(*) > 1)""",
    )[0]
    assert dup == 0
    per_agreement = wh.execute(
        "SELECT agreement_id, min(vintage_year), sum(issued_t) FROM credit_vintages WHERE vintage_year <= 2035 "
        "GROUP BY 1"
    ).fetchall()
    assert len(per_agreement) == 9
    # No vintage before the first possible project year (scenario_parameters: 2026), none before 2021.
    assert min(r[1] for r in per_agreement) == 2026 and all(r[2] > 0 for r in per_agreement)


def test_first_vintage_equals_the_static_credit_after_deductions(wh):
    # A unit's first vintage is credited against the undeclined reference: issued x (1 - SOP - OMGE) equals
    # its credits row (no JCM netting on the real fleet today).
    gap = _one(
        wh,
        """SELECT max(abs(v.issued_t * (1 - a.sop_share - a.omge_share) - c.credited_t_per_yr))
           FROM credit_vintages AS v
           JOIN credits AS c ON c.agreement_id = v.agreement_id AND c.swap_id = v.swap_id
           JOIN agreements AS a ON a.agreement_id = v.agreement_id
           WHERE v.crediting_year = 1""",
    )[0]
    assert gap < 1e-3


def test_cdm_registered_units_are_matched_and_left_out(wh):
    matches = wh.execute("SELECT * FROM registered_unit_matches").df()
    # CEA v15 marks Sasan UMPP units 1-6 (ref 3690) CDM-registered; GEM has the six operating units.
    sasan = matches[matches["plant_name"].str.contains("Sasan")]
    assert len(sasan) == 6 and set(sasan["registered_id"].str[:4]) == {"3690"}
    assert set(matches["nesting_rule"]) == {"excluded"}
    leaked = _one(
        wh,
        """SELECT count(*) FROM credits AS c JOIN registered_unit_matches AS m ON m.unit_id = c.unit_id""",
    )[0]
    assert leaked == 0


def test_programmes_for_india_and_viet_nam(wh):
    p = wh.execute("SELECT * FROM programme_crediting").df()
    assert set(p["programme_id"]) == {"india_coal", "vietnam_coal"}
    india = p[p["programme_id"] == "india_coal"]
    # The ten CDM-registered coal units (Sasan 1-6, Mundra 5-6, Tiroda 1-2) are out of the boundary.
    assert set(india["units_removed_nesting"]) == {10}
    assert (p["programme_credits_t"] >= 0).all() and (p["project_credits_t"] >= 0).all()


def test_export_article6(full_build, tmp_path):
    data_dir, _ = full_build
    out = tmp_path / "a6"
    result = CliRunner().invoke(
        main, ["--data-dir", str(data_dir), "export", "--format", "article6", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    report = pd.read_csv(out / "article6_report.csv")
    ca = pd.read_csv(out / "corresponding_adjustments.csv")
    columns = pd.read_csv(out / "article6_columns.csv")
    # Every exported column is documented.
    assert set(report.columns) <= set(columns.loc[columns["table"] == "article6_report", "column"])
    assert columns["description"].notna().all()
    # The report's host adjustments are the host side of corresponding_adjustments.
    host = ca[ca["side"] == "host"].groupby("year")["adjustment_t"].sum()
    assert report.groupby("year")["host_adjustment_t"].sum().loc[host.index].to_numpy() == pytest.approx(
        host.to_numpy()
    )
    sheets = openpyxl.load_workbook(out / "article6_report.xlsx", read_only=True).sheetnames
    assert sheets == ["article6_report", "corresponding_adjustments", "columns"]
