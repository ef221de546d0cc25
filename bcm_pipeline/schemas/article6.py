"""Pandera models of the Article 6.2 tables (issue 15): the real deals and projects (UNEP-CCC, WRI CDM),
the programme configuration, and the marts: agreement status, nesting matches, credit vintages, the ITMO
ledger, corresponding adjustments, host NDC exposure, programme crediting and the 6.2 reporting table.
"""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from bcm_pipeline.schemas.base import sql_check, sql_cmp

TOL = 1e-6
T = "t CO2e"
SHA = "SHA-256 of the raw file this row came from"
ISO3 = r"^[A-Z]{3}$"
AGREEMENT_STATUSES = ["MoU", "BA (signed)", "Other"]
AUTHORISED_USES = ["NDC", "OIMP"]
TRIGGERS = ["first_transfer", "authorisation", "issuance", "use_or_cancellation"]


def _f(description: str, nullable: bool = False, **checks) -> object:
    return pa.Field(description=description, nullable=nullable, **checks)


def _t(description: str, nullable: bool = False) -> object:
    return pa.Field(ge=-TOL, nullable=nullable, description=f"{description}, {T}")


# --- core tables from the sources -------------------------------------------------------------------


class Article6Agreements(pa.DataFrameModel):
    article6_agreement_id: Series[str] = _f(
        "Deal id built here: <host ISO3>-<buyer ISO3>-<signing date> (a suffix -2 for a second deal that day)",
        unique=True,
    )
    host_country_iso3: Series[str] = _f("Host (selling) Party, ISO3", str_matches=ISO3)
    host_country_name: Series[str] = _f("Host as UNEP-CCC names it")
    buyer_country_iso3: Series[str] = _f("Buying Party, ISO3", str_matches=ISO3)
    buyer_country_name: Series[str] = _f("Buyer as UNEP-CCC names it")
    signed_date: Series[pa.Date] = _f("Date of the bilateral document (UNEP-CCC 'date')")
    status: Series[str] = _f("UNEP-CCC status: MoU, BA (signed) or Other", isin=AGREEMENT_STATUSES)
    in_force: Series[bool] = _f(
        "The deal is an operative instrument on the data date (rule in in_force_rule)"
    )
    in_force_rule: Series[str] = _f("How in_force is derived from status, buyer and date")
    title: Series[str] = _f("Title of the deal as UNEP-CCC gives it")
    region: Series[str] = _f("Host region (UNEP-CCC)", nullable=True)
    link_url: Series[str] = _f("Source document URL; null when the source cell is not a URL", nullable=True)
    link_text: Series[str] = _f("The source's link cell when it is not a URL (a page title)", nullable=True)
    associated_projects: Series[pd.Int64Dtype] = _f(
        "Projects UNEP-CCC associates with the deal, count (the converter writes 0 for a blank cell)",
        nullable=True,
        ge=0,
    )
    data_as_of: Series[pa.Date] = _f("Date the UNEP-CCC data describes (summary.updatedAt)")
    flags: Series[str] = _f("Data issues, e.g. link_not_a_url", nullable=True)
    source_sha256: Series[str] = _f(SHA)

    class Config:
        name = "article6_agreements"
        description = (
            "Article 6 bilateral deals (UNEP-CCC Article 6 Pipeline, data as of 2026-02-28): host, buyer, date, "
            "status, link; Japan's 31 JCM bilateral documents among 108. agreements/*.yaml name one of them "
            "(article6_agreement_id) to take its date and in_force."
        )
        metadata = {"key": ["article6_agreement_id"]}
        strict = "filter"
        coerce = True


class JcmProjects(pa.DataFrameModel):
    jcm_project_id: Series[str] = _f("JCM project id as UNEP-CCC gives it, e.g. ID001", unique=True)
    host_country_iso3: Series[str] = _f("Host country, ISO3", str_matches=ISO3)
    host_country_name: Series[str] = _f("Host as UNEP-CCC names it")
    title: Series[str] = _f("Project title")
    project_type: Series[str] = _f("UNEP-CCC type (Solar, EE industry, Hydro, ...)")
    project_subtype: Series[str] = _f("UNEP-CCC sub-type", nullable=True)
    reduction_kt_co2e_per_yr: Series[float] = _f(
        "Expected emission reductions, kt CO2e/yr; null when the source gives 0 or nothing (unknown)",
        nullable=True,
        gt=0,
    )
    status: Series[str] = _f("Project status (Project registered, Validation, ...)")
    is_registered: Series[bool] = _f("status = 'Project registered'")
    registration_date: Series[pa.Date] = _f(
        "Registration date; null if not registered or not given", nullable=True
    )
    implementer: Series[str] = _f("Implementing entities", nullable=True)
    website: Series[str] = _f("Project page", nullable=True)
    data_as_of: Series[pa.Date] = _f("Date the UNEP-CCC data describes (summary.updatedAt)")
    flags: Series[str] = _f("Data issues, e.g. reduction_unknown", nullable=True)
    source_sha256: Series[str] = _f(SHA)

    class Config:
        name = "jcm_projects"
        description = (
            "JCM projects (UNEP-CCC Article 6 Pipeline, sheet JCM): id, host, type, expected kt CO2e/yr, status, "
            "registration date. Used for nesting: a unit under a JCM project is netted or excluded."
        )
        metadata = {"key": ["jcm_project_id"]}
        strict = "filter"
        coerce = True


class CdmPowerProjects(pa.DataFrameModel):
    cdm_project_id: Series[str] = _f("WRI GPPD id of the CDM project (CDMDB...)", unique=True)
    country_iso3: Series[str] = _f("Host country, ISO3", str_matches=ISO3)
    country_name: Series[str] = _f("Host country name (WRI)")
    name: Series[str] = _f("Project name as registered (whitespace collapsed)")
    capacity_mw: Series[float] = _f("Capacity, MW", ge=0)
    latitude: Series[float] = _f(
        "Latitude, degrees; null if absent or out of range", nullable=True, ge=-90, le=90
    )
    longitude: Series[float] = _f(
        "Longitude, degrees; null if absent or out of range", nullable=True, ge=-180, le=180
    )
    fuel: Series[str] = _f("WRI fuel1 (Wind, Hydro, Biomass, Solar, ...); null when blank", nullable=True)
    url: Series[str] = _f("Registry URL WRI gives")
    flags: Series[str] = _f(
        "Data issues: coordinates_out_of_range (set null), fuel_blank_in_source", nullable=True
    )
    source_sha256: Series[str] = _f(SHA)

    class Config:
        name = "cdm_power_projects"
        description = (
            "CDM power projects (WRI Global Power Plant Database v1.3.0, database_CDMDB.csv, from the UNEP DTU "
            "CDM pipeline): 5,891 projects, renewables only (wind, hydro, biomass, solar, geothermal, landfill "
            "gas). Nesting and the TOOL07 build-margin exclusion outside India."
        )
        metadata = {"key": ["cdm_project_id"]}
        strict = "filter"
        coerce = True


# --- authored configuration -------------------------------------------------------------------------


class Programmes(pa.DataFrameModel):
    programme_id: Series[str] = _f("Programme id = file name in programmes/")
    year: Series[int] = _f("Calendar year of the programme", ge=2021, le=2100)
    name: Series[str] = _f("Programme name")
    host_country_iso3: Series[str] = _f("Host country, ISO3", str_matches=ISO3)
    sector: Series[str] = _f("power_coal, power_gas or power_oil")
    agreement_id: Series[str] = _f("Agreement (cooperative approach) the programme credits under")
    boundary_statuses: Series[str] = _f("Unit statuses inside the boundary, ';'-separated")
    eligible_to_technologies: Series[str] = _f("Upgrade the units adopt, ';'-separated (largest creditable)")
    baseline_type: Series[str] = _f(
        "intensity_benchmark or bau_trajectory", isin=["intensity_benchmark", "bau_trajectory"]
    )
    benchmark_t_per_mwh: Series[float] = _f(
        "Intensity benchmark, t CO2/MWh (intensity_benchmark)", nullable=True
    )
    threshold_below_bau_share: Series[float] = _f(
        "No-lose threshold below BAU in the first year, fraction (bau_trajectory)", nullable=True
    )
    trajectory_decline_per_yr: Series[float] = _f(
        "Yearly decline of the threshold trajectory, fraction per yr (bau_trajectory)", nullable=True
    )
    start_year: Series[int] = _f("First programme year")
    end_year: Series[int] = _f("Last programme year")
    penetration_path: Series[str] = _f("year:share points of the penetration path as given in the file")
    penetration_share: Series[float] = _f(
        "Cumulative share of the boundary (by BAU CO2) running the upgrade this year, fraction (interpolated)",
        ge=0,
        le=1,
    )
    notes: Series[str] = _f("Free text", nullable=True)
    sources: Series[str] = _f("Documents behind the values, ';'-separated")
    file: Series[str] = _f("YAML file the row was loaded from")

    class Config:
        name = "programmes"
        description = (
            "Sectoral (NAMA) crediting programmes, one YAML file each under programmes/ (validated on load), "
            "one row per programme and year with the penetration share interpolated."
        )
        metadata = {"key": ["programme_id", "year"]}
        unique = ["programme_id", "year"]
        strict = "filter"
        coerce = True


# --- marts -------------------------------------------------------------------------------------------


class AgreementStatus(pa.DataFrameModel):
    agreement_id: Series[str] = _f("Agreement id (agreements/<id>.yaml)", unique=True)
    host_country_iso3: Series[str] = _f("Host country, ISO3")
    partner_country_iso3: Series[str] = _f("Partner (buying) country, ISO3")
    article6_agreement_id: Series[str] = _f(
        "The real deal the file names (article6_agreements)", nullable=True
    )
    in_force: Series[bool] = _f(
        "From article6_agreements when linked, else the file's in_force or signed_date"
    )
    start_date: Series[pa.Date] = _f(
        "Date the agreement starts: the deal's signing date, else the file's", nullable=True
    )
    date_source: Series[str] = _f(
        "Where start_date and in_force come from: article6_agreements, file or none",
        isin=["article6_agreements", "file", "none"],
    )
    file_signed_date: Series[pa.Date] = _f(
        "signed_date as the file cites it (may differ from the data)", nullable=True
    )
    deal_status: Series[str] = _f("UNEP-CCC status of the linked deal", nullable=True)
    deal_link_url: Series[str] = _f("URL of the linked deal's document", nullable=True)
    flags: Series[str] = _f(
        "e.g. file_date_differs (the file and the data disagree on the date)", nullable=True
    )

    @pa.dataframe_check
    @sql_check("article6_agreement_id IS NULL OR deal_status IS NOT NULL")
    def linked_deal_exists(cls, df: pd.DataFrame) -> Series[bool]:
        # A file naming a deal that is not in article6_agreements (or is another pair's) is an error, not a
        # silent 'not in force'.
        return df["article6_agreement_id"].isna() | df["deal_status"].notna()

    class Config:
        name = "agreement_status"
        description = (
            "Per agreement file: in force or not and its start date, from the real deal it names "
            "(article6_agreements) or else from the file; where the two disagree on the date, a flag."
        )
        metadata = {"key": ["agreement_id"]}
        strict = "filter"
        coerce = True


class RegisteredUnitMatches(pa.DataFrameModel):
    unit_source: Series[str] = _f("coal_units or gas_oil_units", isin=["coal_units", "gas_oil_units"])
    unit_id: Series[str] = _f("GEM unit id")
    country_iso3: Series[str] = _f("Country, ISO3")
    plant_name: Series[str] = _f("GEM plant name")
    unit_name: Series[str] = _f("GEM unit name", nullable=True)
    capacity_mw: Series[float] = _f("GEM unit capacity, MW")
    start_year: Series[pd.Int64Dtype] = _f("GEM start year", nullable=True)
    registry: Series[str] = _f("CDM or JCM", isin=["CDM", "JCM"])
    registry_list: Series[str] = _f(
        "Which list matched: cdm_registered_units (CEA, unit level), cdm_power_projects (WRI) or jcm_projects",
        isin=["cdm_registered_units", "cdm_power_projects", "jcm_projects"],
    )
    registered_id: Series[str] = _f("CDM reference, WRI CDMDB id or JCM id")
    registered_name: Series[str] = _f("Registered unit or project name")
    registered_capacity_mw: Series[float] = _f("Registered capacity, MW", nullable=True)
    name_score: Series[float] = _f(
        "Name similarity 0-1: the larger of token Jaccard and Jaro-Winkler on normalised names", ge=0, le=1
    )
    capacity_diff_share: Series[float] = _f(
        "|GEM MW - registered MW| / registered MW, fraction", nullable=True
    )
    year_diff_yr: Series[float] = _f("|GEM start year - registered commissioning year|, yr", nullable=True)
    distance_km: Series[float] = _f("Distance when both give coordinates, km", nullable=True)
    match_basis: Series[str] = _f("The tests the pair passed")
    nesting_rule: Series[str] = _f(
        "excluded (no new credits) or netted (registered t/yr deducted)", isin=["excluded", "netted"]
    )
    netted_t_per_yr: Series[float] = _f(
        "Registered reductions deducted from the unit's credits, t CO2e/yr", nullable=True
    )

    class Config:
        name = "registered_unit_matches"
        description = (
            "GEM units already under a CDM or JCM project, matched by name, capacity, year and (where both "
            "give them) coordinates, one-to-one; each row says the nesting rule credits, credit_vintages and "
            "programme_crediting apply. Also the TOOL07 build-margin exclusion of the estimated grids."
        )
        # Empty when no unit of the warehouse is on a registry list (no host with fossil CDM units).
        metadata = {"key": ["unit_source", "unit_id", "registry_list", "registered_id"], "may_be_empty": True}
        strict = "filter"
        coerce = True


class CreditVintages(pa.DataFrameModel):
    vintage_id: Series[str] = _f("agreement_id|swap_id|vintage_year", unique=True)
    agreement_id: Series[str] = _f("Agreement")
    swap_id: Series[str] = _f("The unit's option (technology_swaps)")
    unit_id: Series[str] = _f("Unit id")
    host_country_iso3: Series[str] = _f("Host country, ISO3")
    partner_country_iso3: Series[str] = _f("Partner country, ISO3")
    sector: Series[str] = _f("Sector")
    swap_type: Series[str] = _f("efficiency_upgrade, fuel_switch or grid_displacement")
    from_technology: Series[str] = _f("Baseline technology", nullable=True)
    to_technology: Series[str] = _f("Project technology")
    status: Series[str] = _f("Unit status")
    option_rule: Series[str] = _f("How the one option per unit was picked")
    in_force: Series[bool] = _f("Agreement in force (agreement_status)")
    vintage_year: Series[int] = _f("Year the reduction occurs", ge=2021, le=2100)
    crediting_year: Series[int] = _f("1 for the first vintage of the unit's crediting period", ge=1)
    crediting_start_year: Series[int] = _f("First vintage of the unit under the agreement")
    crediting_end_year: Series[int] = _f("Last vintage of the unit under the agreement")
    end_rule: Series[str] = _f(
        "What ends crediting: crediting_period, unit_retirement or agreement_end",
        isin=["crediting_period", "unit_retirement", "agreement_end"],
    )
    unit_retirement_year: Series[float] = _f(
        "Year the baseline unit retires: GEM planned retirement, else start year + lifetime", nullable=True
    )
    reference_decline_per_yr: Series[float] = _f(
        "Yearly fall of the reference, fraction per yr", ge=0, lt=0.2
    )
    reference_co2_t: Series[float] = _f("Reference emissions this vintage, t CO2 (falling)", ge=0)
    project_co2_t: Series[float] = _f("Conservative project emissions, t CO2", ge=0)
    netted_t: Series[float] = _f("Deducted for a JCM project on the unit (nesting), t CO2e", ge=0)
    reduction_t: Series[float] = _f("max(0, reference - project - netted), t CO2e", ge=0)
    haircut: Series[float] = _f("Conservativeness deduction (fraction)", ge=0, lt=1)
    issued_t: Series[float] = _f("ITMOs issued for the vintage = reduction x (1 - haircut), t CO2e", ge=0)
    flags: Series[str] = _f("e.g. start_year_assumed, retirement_unknown", nullable=True)

    class Config:
        name = "credit_vintages"
        description = (
            "ITMOs per unit option x agreement x vintage year over the crediting period: the reference falls by "
            "reference_decline_per_yr, crediting stops at the period's end, the agreement's end or the unit's "
            "retirement. One option per unit: its chosen option (chosen_options)."
        )
        metadata = {"key": ["agreement_id", "swap_id", "vintage_year"]}
        strict = "filter"
        coerce = True


class ItmoLedger(pa.DataFrameModel):
    ledger_id: Series[str] = _f("agreement_id|swap_id|vintage_year", unique=True)
    agreement_id: Series[str] = _f("Agreement (cooperative approach)")
    unit_id: Series[str] = _f("Unit id")
    swap_id: Series[str] = _f("The unit's option")
    host_country_iso3: Series[str] = _f("Host (first-transferring) Party, ISO3")
    partner_country_iso3: Series[str] = _f("Partner (acquiring) Party, ISO3")
    vintage_year: Series[int] = _f("Vintage (year the reduction occurred)")
    issued_t: Series[float] = _t("Issued")
    sop_t: Series[float] = _t("Share of proceeds for adaptation")
    omge_t: Series[float] = _t("Cancelled for overall mitigation in global emissions (OMGE)")
    host_retained_t: Series[float] = _t("Kept in the host's account")
    transferred_t: Series[float] = _t("Authorised and first transferred to the partner")
    authorised_use: Series[str] = _f("NDC or OIMP (agreement file)", isin=AUTHORISED_USES)
    first_transfer_trigger: Series[str] = _f("What counts as first transfer (agreement file)", isin=TRIGGERS)
    first_transfer_year: Series[int] = _f(
        "Year of the first transfer: the year the corresponding adjustment applies"
    )
    in_force: Series[bool] = _f("Agreement in force (agreement_status)")

    @pa.dataframe_check
    @sql_check(
        sql_cmp(
            "abs(issued_t - (sop_t + omge_t + host_retained_t + transferred_t))",
            "<=",
            "1e-6 * greatest(abs(issued_t), 1)",
        )
    )
    def identity_holds(cls, df: pd.DataFrame) -> Series[bool]:
        # issued = SOP + OMGE + host-retained + transferred, on every row.
        parts = df["sop_t"] + df["omge_t"] + df["host_retained_t"] + df["transferred_t"]
        return (df["issued_t"] - parts).abs() <= 1e-6 * df["issued_t"].abs().clip(lower=1)

    class Config:
        name = "itmo_ledger"
        description = (
            "ITMO ledger per agreement x unit x vintage: issued = SOP + OMGE + host-retained + transferred; "
            "authorised use and first-transfer trigger from the agreement file, first-transfer year = vintage "
            "+ issuance lag (authorisation trigger: the vintage year)."
        )
        metadata = {"key": ["agreement_id", "swap_id", "vintage_year"]}
        strict = "filter"
        coerce = True


class CorrespondingAdjustments(pa.DataFrameModel):
    host_country_iso3: Series[str] = _f("Host (first-transferring) Party, ISO3")
    partner_country_iso3: Series[str] = _f("Partner (acquiring) Party, ISO3")
    year: Series[int] = _f(
        "Year of the emissions balance the adjustment applies to (year of first transfer / use)"
    )
    side: Series[str] = _f("host (adds) or partner (subtracts)", isin=["host", "partner"])
    country_iso3: Series[str] = _f("The Party applying this adjustment, ISO3")
    adjustment_t: Series[float] = _f(
        "Signed adjustment to that Party's emissions balance, t CO2e (host +, partner -)"
    )
    itmos_t: Series[float] = _t("ITMOs the adjustment is for")
    agreements: Series[str] = _f("Agreements summed, ';'-separated")
    basis: Series[str] = _f("What the adjustment counts")

    @pa.dataframe_check
    @sql_check(
        f"(side = 'host' AND {sql_cmp('adjustment_t', '>=', f'-{TOL}')})"
        f" OR (side <> 'host' AND {sql_cmp('adjustment_t', '<=', f'{TOL}')})"
    )
    def sign_follows_side(cls, df: pd.DataFrame) -> Series[bool]:
        host = df["side"] == "host"
        return (host & (df["adjustment_t"] >= -TOL)) | (~host & (df["adjustment_t"] <= TOL))

    class Config:
        name = "corresponding_adjustments"
        description = (
            "Corresponding adjustments per host x partner x year: the host adds the authorised ITMOs first "
            "transferred that year to its emissions balance, the partner subtracts those it uses towards its "
            "NDC (assumed used in the year acquired; OIMP: no partner adjustment)."
        )
        metadata = {"key": ["host_country_iso3", "partner_country_iso3", "year", "side"]}
        strict = "filter"
        coerce = True


class HostNdcExposure(pa.DataFrameModel):
    host_country_iso3: Series[str] = _f("Host country, ISO3")
    vintage_year: Series[int] = _f("Vintage year")
    transferred_t: Series[float] = _t("Authorised ITMOs of this vintage transferred away, all agreements")
    host_power_co2_t_per_yr: Series[float] = _f(
        "CO2 of the host's operating coal, gas and oil units in the warehouse, t CO2/yr", nullable=True
    )
    share_of_power_co2: Series[float] = _f("transferred / host power CO2, fraction", nullable=True)
    ndc_target_t_co2e: Series[float] = _f("Host NDC target emissions (agreement file), t CO2e", nullable=True)
    ndc_target_year: Series[pd.Int64Dtype] = _f("Year of that NDC target", nullable=True)
    share_of_ndc_target: Series[float] = _f("transferred / NDC target, fraction", nullable=True)
    threshold_power_share: Series[float] = _f(
        "Overselling threshold on the power-CO2 share (scenario_parameters)"
    )
    threshold_ndc_share: Series[float] = _f(
        "Overselling threshold on the NDC-target share (scenario_parameters)"
    )
    overselling_flag: Series[bool] = _f("A share is above its threshold")
    flag_reason: Series[str] = _f("Which share crossed which threshold", nullable=True)
    agreements: Series[str] = _f("Agreements summed, ';'-separated")

    class Config:
        name = "host_ndc_exposure"
        description = (
            "Per host and vintage: authorised transfers against the host's power-sector CO2 in the warehouse "
            "and, where the agreement file gives it, its NDC target; flagged above configurable thresholds "
            "(an overselling warning: the host must over-achieve to meet its own NDC)."
        )
        metadata = {"key": ["host_country_iso3", "vintage_year"]}
        strict = "filter"
        coerce = True


class ProgrammeCrediting(pa.DataFrameModel):
    programme_id: Series[str] = _f("Programme (programmes/<id>.yaml)")
    host_country_iso3: Series[str] = _f("Host country, ISO3")
    sector: Series[str] = _f("Sector")
    year: Series[int] = _f("Calendar year")
    agreement_id: Series[str] = _f("Agreement whose haircut and decline the project-by-project side uses")
    baseline_type: Series[str] = _f("intensity_benchmark or bau_trajectory")
    units_in_boundary: Series[int] = _f(
        "Units in the boundary with the eligible upgrade, after nesting", ge=0
    )
    units_running: Series[int] = _f("Of those, units running this year", ge=0)
    units_removed_nesting: Series[int] = _f("Units taken out because CDM- or JCM-registered", ge=0)
    removed_bau_co2_t_per_yr: Series[float] = _f("BAU CO2 of the units taken out, t CO2/yr", ge=0)
    penetration_share: Series[float] = _f("Share of the boundary running the upgrade (fraction)", ge=0, le=1)
    generation_mwh: Series[float] = _f("Net generation of the running units, MWh", ge=0)
    bau_co2_t: Series[float] = _f("BAU emissions of the running units, t CO2", ge=0)
    threshold_co2_t: Series[float] = _f("Crediting threshold (sectoral baseline), t CO2", ge=0)
    programme_co2_t: Series[float] = _f("Emissions with the penetration of the upgrade, t CO2", ge=0)
    programme_credits_t: Series[float] = _f(
        "max(0, threshold - programme emissions): credits to the host government, t CO2e", ge=0
    )
    project_credits_t: Series[float] = _f(
        "Project-by-project credits of the same units at the same penetration (credit_vintages rule), t CO2e",
        ge=0,
    )
    rule: Series[str] = _f("The threshold and the comparison in words")

    class Config:
        name = "programme_crediting"
        description = (
            "Programme-level (NAMA) crediting per host x sector x year beside project-by-project crediting of "
            "the same units: sectoral threshold (intensity benchmark or declining trajectory below BAU, "
            "no-lose), penetration path, credits to the host government; units removed by nesting counted."
        )
        metadata = {"key": ["programme_id", "year"]}
        strict = "filter"
        coerce = True


class Article6Report(pa.DataFrameModel):
    agreement_id: Series[str] = _f("Cooperative approach (agreement file)")
    cooperative_approach: Series[str] = _f("Agreement name")
    host_country_iso3: Series[str] = _f("First-transferring Party, ISO3")
    partner_country_iso3: Series[str] = _f("Acquiring Party, ISO3")
    year: Series[int] = _f("Reporting year (year of the actions)")
    authorised_use: Series[str] = _f("NDC or OIMP", isin=AUTHORISED_USES)
    vintages: Series[str] = _f("Vintages the year's first transfers carry, 'first-last'")
    issued_t: Series[float] = _t("ITMOs issued in the year (vintage + issuance lag)")
    first_transferred_t: Series[float] = _t("ITMOs first transferred by the host in the year")
    acquired_t: Series[float] = _t("ITMOs acquired by the partner in the year")
    used_t: Series[float] = _t(
        "ITMOs used by the partner towards its NDC in the year (assumed the year acquired)"
    )
    cancelled_omge_t: Series[float] = _t("ITMOs cancelled for OMGE in the year")
    cancelled_oimp_t: Series[float] = _t("ITMOs used or cancelled for OIMP in the year")
    sop_t: Series[float] = _t("Share of proceeds for adaptation")
    host_adjustment_t: Series[float] = _f("Host corresponding adjustment (added), t CO2e")
    partner_adjustment_t: Series[float] = _f(
        "Partner corresponding adjustment (subtracted, negative), t CO2e"
    )

    class Config:
        name = "article6_report"
        description = (
            "Article 6.2 reporting table per cooperative approach and year (the actions of the agreed "
            "electronic format): ITMOs issued, first transferred, acquired, used, cancelled, and the "
            "corresponding adjustments; `bcm export --format article6` writes it."
        )
        metadata = {"key": ["agreement_id", "year"]}
        strict = "filter"
        coerce = True
