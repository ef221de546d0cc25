"""Configuration authored in the repo: bilateral agreements, programmes, user project cases, scenario parameters.

agreements/<agreement_id>.yaml, programmes/<programme_id>.yaml and cases/<case_id>.yaml are validated with pydantic on load; a bad file
raises ConfigError naming the file and the field. Lists are stored in the tables as ';'-joined text, so
the SQL can test membership with string_split(). No Dagster here.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bcm_pipeline.parsers.reference import read_authored_csv
from bcm_pipeline.settings import DEFAULTS_DIR, Settings

# The shipped defaults; a user's folders (Settings.agreements_dir / cases_dir) add files on top.
AGREEMENTS_DIR = DEFAULTS_DIR / "agreements"
CASES_DIR = DEFAULTS_DIR / "cases"
PROGRAMMES_DIR = DEFAULTS_DIR / "programmes"  # sectoral crediting programmes (issue 15): shipped ones only

SWAP_TYPES = ("efficiency_upgrade", "fuel_switch", "grid_displacement", "route_switch", "end_use_efficiency")
# Case fields that only one kind of case may set: the other kind refuses them rather than ignore them.
PLANT_ONLY_FIELDS = (
    "aux_consumption_share",
    "fuel_class",
    "coal_type",
    "start_year",
    "from_efficiency_lhv",
    "to_efficiency_lhv",
    "co2_ef_t_per_tj",
    "fuel_price_usd_per_gj",
    "capex_premium_usd_per_kw",
    "delta_om_usd_per_yr",
)
GRID_ONLY_FIELDS = ("net_generation_mwh_per_yr", "capex_usd_per_kw", "grid_ef_t_per_mwh", "crediting_period")
# end_use_programme cases (issue 16): appliances deployed each year; refused in the other kinds.
END_USE_ONLY_FIELDS = (
    "units_per_yr",
    "deployment_years",
    "kwh_saved_per_unit_yr",
    "kwh_per_unit_yr",
    "efficiency_before",
    "efficiency_after",
    "unit_cost_premium_usd",
    "electricity_price_usd_per_kwh",
)
# What an end-use case may set of the other kinds' fields: a documented grid factor and an O&M difference.
END_USE_SHARED_FIELDS = ("grid_ef_t_per_mwh", "delta_om_usd_per_yr")
ISO3 = r"^[A-Z]{3}$"


# --- Article 6.2 (issue 15) ----------------------------------------------------------------------------
ARTICLE6_AGREEMENT_ID = r"^[A-Z]{3}-[A-Z]{3}-\d{4}-\d{2}-\d{2}(-\d+)?$"
# Decision 2/CMA.3 annex: for NDC use the first transfer is the first international transfer; for OIMP
# the host specifies it (authorisation, issuance or use/cancellation), methodology notes §7 and §15.
OIMP_TRIGGERS = ("authorisation", "issuance", "use_or_cancellation")


class ConfigError(ValueError):
    """A configuration file is missing, unreadable or invalid; the message names the file and field."""


@functools.cache
def technologies(sector: str) -> dict[str, str | None]:
    """The technology vocabulary (reference/technologies.csv) of one sector, id -> fuel class: 'power'
    (units and their swap targets) or 'grid' (projects displacing grid power, fuel class None)."""
    df = read_authored_csv("technologies")
    df = df[df["sector"] == sector].drop_duplicates("technology")
    return {t: (None if pd.isna(f) else f) for t, f in zip(df["technology"], df["fuel_class"], strict=True)}


class _Strict(BaseModel):
    # extra="forbid": a typo in a field name is an error, not a silently ignored key.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Agreement(_Strict):
    agreement_id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    mechanism: Literal["JCM", "Article 6.2"]
    partner_country_iso3: str = Field(pattern=ISO3)
    host_country_iso3: str = Field(pattern=ISO3)
    signed_date: dt.date | None = None
    eligible_to_technologies: list[str] = Field(min_length=1)
    eligible_swap_types: list[
        Literal[
            "efficiency_upgrade", "fuel_switch", "grid_displacement", "route_switch", "end_use_efficiency"
        ]
    ] = Field(min_length=1)
    eligible_statuses: list[str] = Field(min_length=1)
    host_share: float = Field(ge=0, le=1, description="share of credits to the host government")
    haircut: float = Field(ge=0, lt=1, description="conservativeness deduction d")
    sop_share: float = Field(ge=0, lt=1, description="share of proceeds for adaptation")
    omge_share: float = Field(ge=0, lt=1, description="overall mitigation cancellation")
    crediting_period_yr: int = Field(ge=1, le=30)
    credit_price_usd_per_t: float = Field(ge=0)
    capex_subsidy_share: float = Field(ge=0, le=1)
    # Article 6.2 (issue 15): the real agreement, authorisation and crediting-period rules.
    # article6_agreement_id names an article6_agreements row; in_force and the start date then come
    # from the data, so the file may not set in_force (signed_date stays as the file's own citation).
    article6_agreement_id: str | None = Field(default=None, pattern=ARTICLE6_AGREEMENT_ID)
    in_force: bool | None = None
    authorised_use: Literal["NDC", "OIMP"] = "NDC"
    first_transfer_trigger: Literal["first_transfer", "authorisation", "issuance", "use_or_cancellation"] = (
        "first_transfer"
    )
    issuance_lag_yr: int = Field(default=1, ge=0, le=5, description="years from vintage to issuance")
    crediting_start_year: int | None = Field(default=None, ge=2021, le=2100)
    crediting_period_renewals: int = Field(default=0, ge=0, le=2)
    crediting_end_year: int | None = Field(default=None, ge=2021, le=2100)
    reference_decline_per_yr: float | None = Field(default=None, ge=0, lt=0.2)
    host_ndc_target_t_co2e: float | None = Field(default=None, gt=0)
    host_ndc_target_year: int | None = Field(default=None, ge=2021, le=2100)
    host_ndc_target_basis: str | None = None
    notes: str = ""
    sources: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Agreement:
        known = set().union(*(technologies(sector) for sector in ("power", "grid", "steel", "end_use")))
        unknown = sorted(set(self.eligible_to_technologies) - known)
        if unknown:
            raise ValueError(f"eligible_to_technologies: unknown {unknown}; known {sorted(known)}")
        if self.sop_share + self.omge_share >= 1:
            raise ValueError("sop_share + omge_share must be below 1")
        if self.article6_agreement_id and self.in_force is not None:
            raise ValueError("in_force: comes from article6_agreements when article6_agreement_id is set")
        if self.authorised_use == "NDC" and self.first_transfer_trigger != "first_transfer":
            raise ValueError(
                "first_transfer_trigger: for NDC use the first transfer is the first international transfer"
            )
        if self.authorised_use == "OIMP" and self.first_transfer_trigger not in OIMP_TRIGGERS:
            raise ValueError(
                f"first_transfer_trigger: for OIMP the host specifies one of {list(OIMP_TRIGGERS)}"
            )
        ndc = (self.host_ndc_target_t_co2e, self.host_ndc_target_year, self.host_ndc_target_basis)
        if any(v is not None for v in ndc) and not all(v is not None for v in ndc):
            raise ValueError(
                "host_ndc_target_t_co2e, host_ndc_target_year, host_ndc_target_basis: all or none"
            )
        return self


class ProjectCase(_Strict):
    case_id: str = Field(pattern=r"^[a-z0-9_]+$")
    # plant_swap: a unit swapped to a better technology; grid_displacement: solar PV, wind or an efficiency
    # project whose MWh generated or saved displace grid power; end_use_programme: efficient appliances
    # deployed each year, whose kWh saved displace grid power (issue 16).
    kind: Literal["plant_swap", "grid_displacement", "end_use_programme"] = "plant_swap"
    description: str = ""
    country_iso3: str = Field(pattern=ISO3)
    capacity_mw: float | None = Field(default=None, gt=0)
    capacity_factor: float | None = Field(default=None, ge=0, le=1)
    aux_consumption_share: float | None = Field(default=None, ge=0, lt=1)
    fuel_class: Literal["coal", "gas", "oil"] | None = None
    coal_type: str | None = None
    start_year: int | None = Field(default=None, ge=1900, le=2100)
    from_technology: str | None = None
    to_technology: str
    from_efficiency_lhv: float | None = Field(default=None, gt=0, lt=1)
    to_efficiency_lhv: float | None = Field(default=None, gt=0, lt=1)
    co2_ef_t_per_tj: float | None = Field(default=None, gt=0, lt=200)
    fuel_price_usd_per_gj: float | None = Field(default=None, ge=0)
    capex_premium_usd_per_kw: float | None = None
    delta_om_usd_per_yr: float | None = None
    # grid_displacement only
    net_generation_mwh_per_yr: float | None = Field(default=None, gt=0)
    capex_usd_per_kw: float | None = Field(default=None, ge=0)
    grid_ef_t_per_mwh: float | None = Field(default=None, gt=0, lt=2)
    crediting_period: int | None = Field(default=None, ge=1, le=3)
    # end_use_programme only: units deployed each year for deployment_years; kWh saved per unit and year,
    # given or as kwh_per_unit_yr x (1 - efficiency_before / efficiency_after) (a COP, EER or CSPF ratio).
    units_per_yr: int | None = Field(default=None, gt=0)
    deployment_years: int | None = Field(default=None, ge=1, le=30)
    kwh_saved_per_unit_yr: float | None = Field(default=None, gt=0)
    kwh_per_unit_yr: float | None = Field(default=None, gt=0)
    efficiency_before: float | None = Field(default=None, gt=0)
    efficiency_after: float | None = Field(default=None, gt=0)
    unit_cost_premium_usd: float | None = Field(default=None, gt=0)
    electricity_price_usd_per_kwh: float | None = Field(default=None, ge=0, lt=2)
    discount_rate: float | None = Field(default=None, ge=0, lt=1)
    lifetime_yr: int | None = Field(default=None, ge=1, le=80)
    credit_share: float = Field(default=1.0, ge=0, le=1)
    # null: the agreement's price when agreement_id names one, else 0
    credit_price_usd_per_t: float | None = Field(default=None, ge=0)
    # Credits under an agreement (agreements/<id>.yaml): its haircut, SOP and OMGE apply to the credited t.
    agreement_id: str | None = Field(default=None, pattern=r"^[a-z0-9_]+$")
    crediting_basis: Literal["bau", "creditable"] = "creditable"
    sources: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> ProjectCase:
        if self.kind == "end_use_programme":
            return self._check_end_use()
        for field in END_USE_ONLY_FIELDS:
            if getattr(self, field) is not None:
                raise ValueError(f"{field}: only for kind end_use_programme")
        if self.kind == "grid_displacement":
            return self._check_grid()
        for field in ("capacity_mw", "capacity_factor", "fuel_class", "from_technology"):
            if getattr(self, field) is None:
                raise ValueError(f"{field}: required for kind plant_swap")
        for field in GRID_ONLY_FIELDS:
            if getattr(self, field) is not None:
                raise ValueError(f"{field}: only for kind grid_displacement")
        known = technologies("power")
        for field in ("from_technology", "to_technology"):
            value = getattr(self, field)
            if value not in known:
                raise ValueError(f"{field}: unknown technology {value!r}; known {sorted(known)}")
        if known[self.from_technology] != self.fuel_class:
            raise ValueError(
                f"from_technology: {self.from_technology!r} burns {known[self.from_technology]}, "
                f"not the case's fuel_class {self.fuel_class!r}"
            )
        return self

    def _check_grid(self) -> ProjectCase:
        grid = technologies("grid")
        if self.to_technology not in grid:
            raise ValueError(
                f"to_technology: {self.to_technology!r} is no grid-displacement project; known {sorted(grid)}"
            )
        if self.from_technology not in (None, "grid"):
            raise ValueError("from_technology: a grid_displacement case displaces 'grid' (leave it out)")
        for field in PLANT_ONLY_FIELDS:
            if getattr(self, field) is not None:
                raise ValueError(f"{field}: only for kind plant_swap")
        # Output: capacity x capacity factor, or the MWh/yr directly (an efficiency project); not both.
        if self.net_generation_mwh_per_yr is None:
            for field in ("capacity_mw", "capacity_factor"):
                if getattr(self, field) is None:
                    raise ValueError(f"{field}: required unless net_generation_mwh_per_yr is given")
        elif self.capacity_factor is not None:
            raise ValueError("capacity_factor: give it or net_generation_mwh_per_yr, not both")
        if self.capex_usd_per_kw is not None and self.capacity_mw is None:
            raise ValueError("capacity_mw: required with capex_usd_per_kw (capex = USD/kW x kW)")
        return self

    def _check_end_use(self) -> ProjectCase:
        end_use = technologies("end_use")
        if self.to_technology not in end_use:
            raise ValueError(
                f"to_technology: {self.to_technology!r} is no end-use appliance; known {sorted(end_use)}"
            )
        if self.from_technology not in (None, "grid"):
            raise ValueError("from_technology: an end_use_programme saves grid power (leave it out)")
        refused = (*PLANT_ONLY_FIELDS, *GRID_ONLY_FIELDS, "capacity_mw", "capacity_factor")
        for field in refused:
            if field not in END_USE_SHARED_FIELDS and getattr(self, field) is not None:
                raise ValueError(f"{field}: not for kind end_use_programme")
        for field in ("units_per_yr", "lifetime_yr"):
            if getattr(self, field) is None:
                raise ValueError(f"{field}: required for kind end_use_programme")
        # kWh saved per unit: given, or use x (1 - before / after); not both.
        by_use = (self.kwh_per_unit_yr, self.efficiency_before, self.efficiency_after)
        if self.kwh_saved_per_unit_yr is None:
            if any(v is None for v in by_use):
                raise ValueError(
                    "kwh_saved_per_unit_yr: required unless kwh_per_unit_yr, efficiency_before and "
                    "efficiency_after are all given"
                )
            if self.efficiency_after <= self.efficiency_before:
                raise ValueError("efficiency_after: must be above efficiency_before (the unit saves energy)")
        elif any(v is not None for v in by_use):
            raise ValueError(
                "kwh_saved_per_unit_yr: give it or kwh_per_unit_yr with the efficiencies, not both"
            )
        return self


class Programme(_Strict):
    """A sectoral (NAMA) crediting programme: one host, one sector, a sectoral baseline and a no-lose
    threshold, and a penetration path of the eligible upgrade among the units in its boundary."""

    programme_id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    host_country_iso3: str = Field(pattern=ISO3)
    sector: Literal["power_coal", "power_gas", "power_oil"]
    agreement_id: str = Field(pattern=r"^[a-z0-9_]+$", description="cooperative approach it credits under")
    boundary_statuses: list[str] = Field(min_length=1)
    eligible_to_technologies: list[str] = Field(min_length=1)
    # intensity_benchmark: threshold = benchmark t/MWh x the boundary's generation that year;
    # bau_trajectory: threshold = BAU x (1 - threshold_below_bau_share) x (1 - trajectory_decline_per_yr)^t.
    baseline_type: Literal["intensity_benchmark", "bau_trajectory"]
    benchmark_t_per_mwh: float | None = Field(default=None, gt=0, lt=2)
    threshold_below_bau_share: float | None = Field(default=None, ge=0, lt=1)
    trajectory_decline_per_yr: float | None = Field(default=None, ge=0, lt=0.2)
    start_year: int = Field(ge=2021, le=2100)
    end_year: int = Field(ge=2021, le=2100)
    # year: cumulative share of the boundary's units (by BAU CO2) running the upgrade; linear between
    # the given years, flat after the last, 0 before the first.
    penetration: dict[int, float] = Field(min_length=1)
    notes: str = ""
    sources: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Programme:
        if self.end_year < self.start_year:
            raise ValueError("end_year: before start_year")
        known = technologies("power").keys()
        unknown = sorted(set(self.eligible_to_technologies) - known)
        if unknown:
            raise ValueError(f"eligible_to_technologies: unknown {unknown}; known {sorted(known)}")
        if self.baseline_type == "intensity_benchmark" and self.benchmark_t_per_mwh is None:
            raise ValueError("benchmark_t_per_mwh: required for baseline_type intensity_benchmark")
        if self.baseline_type == "bau_trajectory" and (
            self.threshold_below_bau_share is None or self.trajectory_decline_per_yr is None
        ):
            raise ValueError(
                "threshold_below_bau_share, trajectory_decline_per_yr: required for baseline_type bau_trajectory"
            )
        shares = list(dict(sorted(self.penetration.items())).values())
        if any(not 0 <= v <= 1 for v in shares) or shares != sorted(shares):
            raise ValueError("penetration: shares between 0 and 1, not decreasing over the years")
        return self

    def penetration_in(self, year: int) -> float:
        points = sorted(self.penetration.items())
        if year < points[0][0]:
            return 0.0
        for (y0, v0), (y1, v1) in zip(points, points[1:], strict=False):
            if y0 <= year <= y1:
                return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
        return points[-1][1]


def _describe(path: Path, err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        field = ".".join(str(p) for p in e["loc"]) or "(file)"
        parts.append(f"field '{field}': {e['msg']}")
    return f"{path}: " + "; ".join(parts)


def _load(path: Path, model: type[BaseModel], id_field: str) -> BaseModel:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of field: value")
    try:
        obj = model.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_describe(path, err)) from err
    if getattr(obj, id_field) != path.stem:
        raise ConfigError(
            f"{path}: field '{id_field}' is {getattr(obj, id_field)!r}, must equal the file name"
        )
    return obj


def load_agreement(path: Path) -> Agreement:
    return _load(path, Agreement, "agreement_id")


def load_case(path: Path) -> ProjectCase:
    return _load(path, ProjectCase, "case_id")


def _yaml_files(folders: Path | list[Path]) -> list[Path]:
    """*.yaml of the folders, later folders winning on the same file name (a user's file replaces the
    shipped one of the same id)."""
    folders = [folders] if isinstance(folders, Path) else folders
    by_name: dict[str, Path] = {}
    for folder in folders:
        if not folder.is_dir():
            raise ConfigError(f"{folder}: no such folder")
        by_name.update({p.name: p for p in folder.glob("*.yaml")})
    if not by_name:
        raise ConfigError(f"{', '.join(map(str, folders))}: no *.yaml files")
    return [by_name[n] for n in sorted(by_name)]


def agreements_frame(folder: Path | list[Path] | None = None) -> pd.DataFrame:
    rows = []
    for path in _yaml_files(folder or AGREEMENTS_DIR):
        row = load_agreement(path).model_dump()
        for key in ("eligible_to_technologies", "eligible_swap_types", "eligible_statuses", "sources"):
            row[key] = ";".join(row[key])
        row["file"] = path.name
        rows.append(row)
    return pd.DataFrame(rows)


def load_programme(path: Path) -> Programme:
    return _load(path, Programme, "programme_id")


def programmes_frame(folder: Path | None = None) -> pd.DataFrame:
    """One row per programme x year from start_year to end_year, the penetration share interpolated."""
    rows = []
    for path in _yaml_files(folder or PROGRAMMES_DIR):
        prog = load_programme(path)
        base = prog.model_dump(exclude={"penetration"})
        for key in ("boundary_statuses", "eligible_to_technologies", "sources"):
            base[key] = ";".join(base[key])
        base["penetration_path"] = ";".join(f"{y}:{v:g}" for y, v in sorted(prog.penetration.items()))
        base["file"] = path.name
        for year in range(prog.start_year, prog.end_year + 1):
            rows.append({**base, "year": year, "penetration_share": prog.penetration_in(year)})
    return pd.DataFrame(rows)


def cases_frame(folder: Path | list[Path] | None = None) -> pd.DataFrame:
    return case_rows(_yaml_files(folder or CASES_DIR))


def case_rows(files: list[Path]) -> pd.DataFrame:
    """project_cases rows of these case files (bcm case evaluates one file this way)."""
    rows = []
    for path in files:
        row = load_case(path).model_dump()
        row["sources"] = ";".join(row["sources"])
        row["file"] = path.name
        rows.append(row)
    return pd.DataFrame(rows)


def scenario_parameters_frame() -> pd.DataFrame:
    df = read_authored_csv("scenario_parameters")
    df["value"] = pd.to_numeric(df["value"])
    return df


# The catalogue's readers of authored tables: the run's settings say where the user's files are.
def parse_agreements(settings: Settings | None = None) -> pd.DataFrame:
    return agreements_frame(settings.config_dirs("agreements") if settings else AGREEMENTS_DIR)


def parse_cases(settings: Settings | None = None) -> pd.DataFrame:
    return cases_frame(settings.config_dirs("cases") if settings else CASES_DIR)


def parse_programmes(_: Settings | None = None) -> pd.DataFrame:
    return programmes_frame()


def parse_scenario_parameters(_: Settings | None = None) -> pd.DataFrame:
    return scenario_parameters_frame()
