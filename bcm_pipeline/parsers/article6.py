"""UNEP-CCC Article 6 Pipeline as JSON (article6-pipeline.json): bilateral agreements and JCM projects.

The JSON is the publisher's Excel converted by a third-party script (SOURCES.md §14): country names are
English short names ('Viet Nam', 'Lao PDR'), dates ISO, and the converter writes None for a blank
cell of a number column (0 for a blank count). Pure: path in, DataFrame out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from bcm_pipeline.parsers.common import PROBLEMS, SourceFormatError, clean_text, new_problems, to_iso3

SOURCE_ID = "unepccc_article6_pipeline"
AGREEMENT_KEYS = ["title", "hostCountry", "buyingCountry", "date", "status", "link"]
JCM_KEYS = ["id", "title", "hostCountry", "type", "subType", "ktCo2ePerYear", "status", "registrationDate"]
# An agreement is an operative instrument when it is signed (UNEP-CCC status 'BA (signed)'), or when it
# is a JCM bilateral document: Japan's JCM runs on the Memoranda of Cooperation themselves (UNEP-CCC
# status 'MoU'); the Joint Committees they set up register projects and decide issuance (methodology §7).
IN_FORCE_RULE = (
    "signed on or before the data date, and status 'BA (signed)', or 'MoU' with Japan as buyer "
    "(a JCM bilateral document: the JCM operates under it)"
)


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SourceFormatError(f"{SOURCE_ID}: {path.name} is not valid JSON: {exc}") from exc
    missing = [k for k in ("summary", "bilateralAgreements", "jcmProjects") if k not in data]
    if missing:
        raise SourceFormatError(f"{SOURCE_ID}: {path.name} lacks key(s) {missing}; found {sorted(data)[:20]}")
    return data


def _records(data: dict, key: str, required: list[str]) -> pd.DataFrame:
    rows = data[key]
    if not isinstance(rows, list) or not rows:
        raise SourceFormatError(f"{SOURCE_ID}: '{key}' is not a non-empty list")
    df = pd.DataFrame(rows)
    missing = [k for k in required if k not in df.columns]
    if missing:
        raise SourceFormatError(
            f"{SOURCE_ID}: '{key}' records lack field(s) {missing}; found {list(df.columns)}"
        )
    return new_problems(df)


def _dates(df: pd.DataFrame, column: str, source_column: str) -> pd.Series:
    """ISO dates (datetime64: round-trips the parse cache; the model coerces to dates); a missing one is
    null, anything else unparseable a row problem."""
    raw = df[source_column].map(lambda v: v.strip() if isinstance(v, str) else v)
    values = pd.to_datetime(raw, errors="coerce", format="%Y-%m-%d")
    for idx in df.index[values.isna() & raw.notna()]:
        df.at[idx, PROBLEMS].append((column, "iso_date", str(raw.at[idx])))
    return values


def data_as_of(data: dict) -> pd.Timestamp:
    value = (data.get("summary") or {}).get("updatedAt")
    as_of = pd.to_datetime(value, errors="coerce", format="%Y-%m-%d")
    if pd.isna(as_of):
        raise SourceFormatError(f"{SOURCE_ID}: summary.updatedAt {value!r} is not an ISO date")
    return as_of


def parse_article6_agreements(path: Path) -> pd.DataFrame:
    data = _load(path)
    as_of = data_as_of(data)
    df = _records(data, "bilateralAgreements", AGREEMENT_KEYS)
    # A deal listed twice (same title, parties and date) is one deal: the repeat goes to quarantine, not
    # into a second id below.
    for idx in df.index[df.duplicated(subset=["title", "hostCountry", "buyingCountry", "date"])]:
        df.at[idx, PROBLEMS].append(
            ("article6_agreement_id", "unique_deal", f"record {idx + 1} repeats a deal")
        )
    df["host_country_name"] = clean_text(df["hostCountry"])
    df["buyer_country_name"] = clean_text(df["buyingCountry"])
    df["host_country_iso3"] = to_iso3(df, "host_country_name", "host_country_iso3")
    df["buyer_country_iso3"] = to_iso3(df, "buyer_country_name", "buyer_country_iso3")
    df["signed_date"] = _dates(df, "signed_date", "date")
    df["status"] = clean_text(df["status"])
    df["title"] = clean_text(df["title"])
    df["region"] = clean_text(df.get("region", pd.Series(pd.NA, index=df.index)))
    link = clean_text(df["link"])
    is_url = link.str.match(r"^https?://", na=False)
    df["link_url"] = link.where(is_url)
    # Some cells hold a page title instead of a URL ('JCM Chile - Japan'): kept as text, flagged.
    df["link_text"] = link.where(~is_url & link.notna())
    df["associated_projects"] = pd.to_numeric(df.get("associatedProjects"), errors="coerce").astype("Int64")
    df["data_as_of"] = as_of
    signed = df["signed_date"]
    operative = df["status"].eq("BA (signed)") | (df["status"].eq("MoU") & df["buyer_country_iso3"].eq("JPN"))
    df["in_force"] = (signed.le(as_of) & operative).fillna(False).astype(bool)
    df["in_force_rule"] = IN_FORCE_RULE
    df["flags"] = df["link_text"].notna().map({True: "link_not_a_url", False: None}).astype("string")
    # One id per deal: host-buyer-date (two deals of one pair on one day get the title order as suffix).
    base = (
        df["host_country_iso3"].fillna("XXX")
        + "-"
        + df["buyer_country_iso3"].fillna("XXX")
        + "-"
        + signed.dt.strftime("%Y-%m-%d").fillna("undated")
    )
    n = df.assign(_base=base).sort_values(["_base", "title"]).groupby("_base").cumcount()
    df["article6_agreement_id"] = base.where(
        n.sort_index().eq(0), base + "-" + (n.sort_index() + 1).astype(str)
    )
    return df[
        [
            "article6_agreement_id",
            "host_country_iso3",
            "host_country_name",
            "buyer_country_iso3",
            "buyer_country_name",
            "signed_date",
            "status",
            "in_force",
            "in_force_rule",
            "title",
            "region",
            "link_url",
            "link_text",
            "associated_projects",
            "data_as_of",
            "flags",
            PROBLEMS,
        ]
    ]


def parse_jcm_projects(path: Path) -> pd.DataFrame:
    data = _load(path)
    as_of = data_as_of(data)
    df = _records(data, "jcmProjects", JCM_KEYS)
    df["jcm_project_id"] = clean_text(df["id"])
    df["host_country_name"] = clean_text(df["hostCountry"])
    df["host_country_iso3"] = to_iso3(df, "host_country_name", "host_country_iso3")
    df["title"] = clean_text(df["title"])
    df["project_type"] = clean_text(df["type"])
    df["project_subtype"] = clean_text(df["subType"])
    kt = pd.to_numeric(df["ktCo2ePerYear"], errors="coerce")
    for idx in df.index[kt.isna() & df["ktCo2ePerYear"].notna()]:
        df.at[idx, PROBLEMS].append(
            ("reduction_kt_co2e_per_yr", "parseable_number", str(df.at[idx, "ktCo2ePerYear"]))
        )
    # 0 is no estimate for a registered JCM project (its PDD states expected reductions): the converter
    # rounds to 3 decimals and the workbook may hold 0 for "not given". Unknown, so NULL, with a flag.
    unknown = kt.isna() | kt.eq(0)
    df["reduction_kt_co2e_per_yr"] = kt.where(~unknown).astype("float64")
    df["status"] = clean_text(df["status"])
    df["is_registered"] = df["status"].eq("Project registered").fillna(False).astype(bool)
    df["registration_date"] = _dates(df, "registration_date", "registrationDate")
    df["implementer"] = clean_text(df.get("implementer", pd.Series(pd.NA, index=df.index)))
    df["website"] = clean_text(df.get("website", pd.Series(pd.NA, index=df.index)))
    df["data_as_of"] = as_of
    df["flags"] = unknown.map({True: "reduction_unknown (0 or blank in the source)", False: None}).astype(
        "string"
    )
    return df[
        [
            "jcm_project_id",
            "host_country_iso3",
            "host_country_name",
            "title",
            "project_type",
            "project_subtype",
            "reduction_kt_co2e_per_yr",
            "status",
            "is_registered",
            "registration_date",
            "implementer",
            "website",
            "data_as_of",
            "flags",
            PROBLEMS,
        ]
    ]
