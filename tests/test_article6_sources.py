"""The Article 6.2 sources (issue 15) parsed from the real files in ../shared/data, and their failure modes
on small hand-made files. Expected counts are the ones SOURCES.md §13-14 states for these files."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest
from conftest import shared_file

from bcm_pipeline.parsers import article6, cdm, config
from bcm_pipeline.parsers.common import PROBLEMS, SourceFormatError
from bcm_pipeline.schemas.article6 import Article6Agreements, CdmPowerProjects, JcmProjects
from bcm_pipeline.schemas.base import validate
from bcm_pipeline.sources.download import verify_content
from bcm_pipeline.sources.registry import SOURCES

pytestmark = pytest.mark.integration

A6 = "unepccc_article6_pipeline"
CDM = "cdm_power_projects"


@pytest.fixture(scope="module")
def deals() -> pd.DataFrame:
    path = shared_file(A6, SOURCES[A6].filename)
    df = article6.parse_article6_agreements(path).assign(source_sha256="x")
    valid, quarantined = validate(Article6Agreements, df, A6, "x")
    assert quarantined.empty
    return valid


def test_registry_pins_the_shared_files():
    for source_id in (A6, CDM):
        source = SOURCES[source_id]
        path = shared_file(source_id, source.filename)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == source.sha256
        assert source.url.startswith("https://raw.githubusercontent.com/") and source.licence


def test_bilateral_agreements(deals):
    # SOURCES.md §14: 108 agreements, MoU 59 / signed 40 / other 9, Japan the buyer in 31.
    assert len(deals) == 108
    assert deals["status"].value_counts().to_dict() == {"MoU": 59, "BA (signed)": 40, "Other": 9}
    japan = deals[deals["buyer_country_iso3"] == "JPN"].set_index("host_country_iso3")
    assert len(japan) == 31
    # Dates as the UNEP-CCC file gives them for the hosts with agreement files.
    expected = {"VNM": "2013-07-02", "IDN": "2013-08-26", "IND": "2025-08-07", "THA": "2015-11-19",
                "PHL": "2017-01-12", "MNG": "2013-01-08", "BGD": "2013-03-19", "LAO": "2013-08-07",
                "KAZ": "2023-10-30"}  # fmt: skip
    for iso3, date in expected.items():
        assert str(japan.loc[iso3, "signed_date"])[:10] == date, iso3
        assert japan.loc[iso3, "article6_agreement_id"] == f"{iso3}-JPN-{date}"
    # In force: every signed agreement (40) and every JCM bilateral document (31 MoU), all dated before
    # the data date 2026-02-28.
    assert int(deals["in_force"].sum()) == 40 + 31
    chile = japan.loc["CHL"]
    assert pd.isna(chile["link_url"]) and chile["link_text"] == "JCM Chile - Japan"
    assert chile["flags"] == "link_not_a_url"


def test_every_agreement_file_names_a_real_japanese_deal(deals):
    files = config.agreements_frame()
    ids = set(deals["article6_agreement_id"])
    linked = files.dropna(subset=["article6_agreement_id"])
    assert set(linked["article6_agreement_id"]) <= ids
    for iso3 in ("VNM", "IDN", "IND", "THA", "PHL", "MNG", "BGD"):
        assert iso3 in set(linked["host_country_iso3"]), iso3


def test_jcm_projects():
    path = shared_file(A6, SOURCES[A6].filename)
    df = article6.parse_jcm_projects(path).assign(source_sha256="x")
    valid, quarantined = validate(JcmProjects, df, A6, "x")
    assert quarantined.empty
    # SOURCES.md §14: 147 projects, 94 registered, Solar 60, EE industry 49.
    assert len(valid) == 147 and int(valid["is_registered"].sum()) == 94
    assert valid["project_type"].value_counts()[["Solar", "EE industry"]].tolist() == [60, 49]
    assert valid.set_index("jcm_project_id").loc["ID001", "reduction_kt_co2e_per_yr"] == pytest.approx(0.114)


def test_jcm_zero_or_blank_reduction_is_unknown(tmp_path):
    data = json.loads(shared_file(A6, SOURCES[A6].filename).read_text(encoding="utf-8"))
    data["jcmProjects"] = data["jcmProjects"][:3]
    data["jcmProjects"][0]["ktCo2ePerYear"] = 0
    data["jcmProjects"][1]["ktCo2ePerYear"] = None
    data["jcmProjects"][2]["hostCountry"] = "Atlantis"
    path = tmp_path / "a6.json"
    path.write_text(json.dumps(data))
    df = article6.parse_jcm_projects(path)
    assert df["reduction_kt_co2e_per_yr"].iloc[:2].isna().all()
    assert df["flags"].iloc[:2].str.startswith("reduction_unknown").all()
    assert df[PROBLEMS].iloc[2] == [("host_country_iso3", "known_country", "Atlantis")]
    _, quarantined = validate(JcmProjects, df.assign(source_sha256="x"), A6, "x")
    assert list(quarantined["check_name"]) == ["known_country"]


def test_json_without_the_keys_is_a_format_error(tmp_path):
    path = tmp_path / "a6.json"
    path.write_text(json.dumps({"summary": {"updatedAt": "2026-02-28"}}))
    with pytest.raises(SourceFormatError, match="bilateralAgreements"):
        article6.parse_article6_agreements(path)


def test_cdm_power_projects():
    path = shared_file(CDM, SOURCES[CDM].filename)
    df = cdm.parse_cdm_power_projects(path).assign(source_sha256="x")
    valid, quarantined = validate(CdmPowerProjects, df, CDM, "x")
    assert quarantined.empty
    # SOURCES.md §13: 5,891 rows; India 1,230, Viet Nam 217, Thailand 123, Indonesia 73.
    assert len(valid) == 5891
    counts = valid["country_iso3"].value_counts()
    assert counts[["IND", "VNM", "THA", "IDN"]].tolist() == [1230, 217, 123, 73]
    # A latitude of 98.77 (a longitude in the wrong column) is set to null and flagged, the project kept.
    hutaraja = valid[valid["name"] == "Hutaraja Minihydro Power Plant"].iloc[0]
    assert pd.isna(hutaraja["latitude"]) and "coordinates_out_of_range" in hutaraja["flags"]
    assert set(valid["fuel"].dropna()) <= {
        "Wind",
        "Hydro",
        "Biomass",
        "Solar",
        "Geothermal",
        "Other",
        "Wave and Tidal",
    }


def test_cdm_bad_capacity_is_quarantined(tmp_path):
    text = shared_file(CDM, SOURCES[CDM].filename).read_text(encoding="utf-8").splitlines()
    header, first = text[0], text[1].split(",")
    first[4] = "n.a.x"  # capacity_mw
    path = tmp_path / "cdm.csv"
    path.write_text("\n".join([header, ",".join(first), text[2]]) + "\n", encoding="utf-8")
    _, quarantined = validate(
        CdmPowerProjects, cdm.parse_cdm_power_projects(path).assign(source_sha256="x"), CDM, "x"
    )
    assert list(quarantined["column_name"]) == ["capacity_mw"] and list(quarantined["bad_value"]) == ["n.a.x"]


def test_json_content_check(tmp_path):
    source = SOURCES[A6]
    good = tmp_path / "good.json"
    good.write_text('{"a": 1}')
    verify_content(good, source)
    for name, text in {"html.json": "<!doctype html><html>error</html>", "cut.json": '{"a": [1, 2'}.items():
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(ValueError, match="JSON"):
            verify_content(path, source)
