"""Pandera models of the reference tables authored in bcm_pipeline/reference/*.csv.

Every row cites its source (document, table, page) and says in `verified` how, and how far, its values
were checked against the primary document.
"""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from bcm_pipeline.schemas.base import sql_check, sql_cmp, sql_isna

CITATION = {
    "source_document": "Document the values come from (title, edition, publisher)",
    "source_table": "Table or section of that document",
    "source_page": "Page(s) or location in the document",
    "verified": "How the values were checked against the primary document, and what could not be checked",
}


def _citation_field(column: str) -> object:
    return pa.Field(str_length={"min_value": 1}, description=CITATION[column])


def _ordered(df: pd.DataFrame, lower: str, central: str, upper: str) -> pd.Series:
    """lower <= central <= upper wherever both sides of a comparison are present."""
    low_ok = df[lower].isna() | df[central].isna() | (df[lower] <= df[central])
    high_ok = df[upper].isna() | df[central].isna() | (df[central] <= df[upper])
    return low_ok & high_ok


def _sql_ordered(lower: str, central: str, upper: str) -> str:
    """_ordered as SQL (DOUBLE columns)."""
    low_ok = f"{sql_isna(lower, central)} OR {sql_cmp(lower, '<=', central)}"
    high_ok = f"{sql_isna(upper, central)} OR {sql_cmp(central, '<=', upper)}"
    return f"({low_ok}) AND ({high_ok})"


class FuelDefaults(pa.DataFrameModel):
    fuel: Series[str] = pa.Field(description="IPCC fuel, snake case (e.g. other_bituminous_coal)")
    fuel_name_ipcc: Series[str] = pa.Field(description="Fuel name as in the IPCC 2006 tables")
    fuel_class: Series[str] = pa.Field(isin=["coal", "gas", "oil"], description="coal, gas or oil")
    gem_coal_type: Series[str] = pa.Field(
        nullable=True,
        description="GEM GCPT coal type (lower case) that joins to this IPCC fuel; null for gas and oil",
    )
    is_primary: Series[bool] = pa.Field(
        description="True once per IPCC fuel; False on alias rows (GEM 'waste coal', 'unknown') that repeat a fuel"
    )
    ncv_tj_per_gg: Series[float] = pa.Field(gt=0, description="Net calorific value, TJ/Gg (= GJ/t, = MJ/kg)")
    ncv_tj_per_gg_lower: Series[float] = pa.Field(
        gt=0, nullable=True, description="NCV, lower limit of the 95 % confidence interval, TJ/Gg"
    )
    ncv_tj_per_gg_upper: Series[float] = pa.Field(
        gt=0, nullable=True, description="NCV, upper limit of the 95 % confidence interval, TJ/Gg"
    )
    co2_ef_t_per_tj: Series[float] = pa.Field(
        gt=0, le=150, description="CO2 emission factor, tCO2/TJ on an NCV basis (IPCC kg/TJ ÷ 1000), OXID = 1"
    )
    co2_ef_t_per_tj_lower: Series[float] = pa.Field(
        gt=0, le=150, nullable=True, description="CO2 EF, lower 95 % limit, tCO2/TJ (conservative baseline)"
    )
    co2_ef_t_per_tj_upper: Series[float] = pa.Field(
        gt=0, le=150, nullable=True, description="CO2 EF, upper 95 % limit, tCO2/TJ (conservative project)"
    )
    ch4_kg_per_tj: Series[float] = pa.Field(
        ge=0, description="CH4 EF, energy industries, kg CH4/TJ (NCV basis)"
    )
    ch4_kg_per_tj_lower: Series[float] = pa.Field(
        ge=0, nullable=True, description="CH4 EF, lower limit, kg/TJ"
    )
    ch4_kg_per_tj_upper: Series[float] = pa.Field(
        ge=0, nullable=True, description="CH4 EF, upper limit, kg/TJ"
    )
    n2o_kg_per_tj: Series[float] = pa.Field(
        ge=0, description="N2O EF, energy industries, kg N2O/TJ (NCV basis)"
    )
    n2o_kg_per_tj_lower: Series[float] = pa.Field(
        ge=0, nullable=True, description="N2O EF, lower limit, kg/TJ"
    )
    n2o_kg_per_tj_upper: Series[float] = pa.Field(
        ge=0, nullable=True, description="N2O EF, upper limit, kg/TJ"
    )
    source_document: Series[str] = _citation_field("source_document")
    source_table: Series[str] = _citation_field("source_table")
    source_page: Series[str] = _citation_field("source_page")
    verified: Series[str] = _citation_field("verified")
    note: Series[str] = pa.Field(nullable=True, description="Conversions and remarks")

    @pa.dataframe_check(description="Bounds ordered: lower <= central <= upper")
    @sql_check(
        " AND ".join(
            _sql_ordered(f"{p}_lower", p, f"{p}_upper")
            for p in ["ncv_tj_per_gg", "co2_ef_t_per_tj", "ch4_kg_per_tj", "n2o_kg_per_tj"]
        )
    )
    def bounds_ordered(cls, df: pd.DataFrame) -> pd.Series:
        return (
            _ordered(df, "ncv_tj_per_gg_lower", "ncv_tj_per_gg", "ncv_tj_per_gg_upper")
            & _ordered(df, "co2_ef_t_per_tj_lower", "co2_ef_t_per_tj", "co2_ef_t_per_tj_upper")
            & _ordered(df, "ch4_kg_per_tj_lower", "ch4_kg_per_tj", "ch4_kg_per_tj_upper")
            & _ordered(df, "n2o_kg_per_tj_lower", "n2o_kg_per_tj", "n2o_kg_per_tj_upper")
        )

    class Config:
        name = "fuel_defaults"
        description = (
            "IPCC 2006 default fuel parameters (Vol. 2 Ch. 1 Tables 1.2 and 1.4; Ch. 2 Table 2.2, energy "
            "industries) with 95 % bounds, and the GEM coal type that joins to each fuel. Authored in the repo."
        )
        metadata = {"key": ["fuel", "gem_coal_type"]}
        unique = ["fuel", "gem_coal_type"]
        strict = "filter"
        coerce = True


class Gwp(pa.DataFrameModel):
    gas: Series[str] = pa.Field(isin=["CO2", "CH4", "N2O"], description="Greenhouse gas")
    assessment: Series[str] = pa.Field(isin=["AR4", "AR5"], description="IPCC assessment report")
    gwp_100: Series[float] = pa.Field(gt=0, description="100-year global warming potential, tCO2e per t gas")
    source_document: Series[str] = _citation_field("source_document")
    source_table: Series[str] = _citation_field("source_table")
    source_page: Series[str] = _citation_field("source_page")
    verified: Series[str] = _citation_field("verified")

    class Config:
        name = "gwp"
        description = "100-year GWPs: AR5 (Paris Agreement reporting, 18/CMA.1) and AR4 (CDM, Kyoto CP2)."
        metadata = {"key": ["gas", "assessment"]}
        unique = ["gas", "assessment"]
        strict = "filter"
        coerce = True


class Countries(pa.DataFrameModel):
    country_iso3: Series[str] = pa.Field(unique=True, str_length=3, description="ISO 3166-1 alpha-3 code")
    country_name: Series[str] = pa.Field(description="Country name (UN style)")
    region: Series[str] = pa.Field(
        isin=["Africa", "Americas", "Asia", "Europe", "Oceania"], description="UN M49 region"
    )
    subregion: Series[str] = pa.Field(
        description="UN M49 intermediate region where one exists (e.g. Eastern Africa), else M49 sub-region"
    )
    is_host_country: Series[bool] = pa.Field(
        description="True for JCM partners (29 as of Jan 2024, MOFA) and India (MoC Aug 2025); China False"
    )
    jcm_partner_since: Series[pa.Date] = pa.Field(
        nullable=True,
        description="Date the host's first JCM bilateral document with Japan (MoU/MoC) was signed, as the UNEP-CCC "
        "Article 6 Pipeline dates it (article6_agreements); India 29 Aug 2025 (the pipeline: 7 Aug; both cited); "
        "null for non-hosts",
    )
    default_capacity_factor_coal: Series[float] = pa.Field(
        gt=0,
        le=1,
        nullable=True,
        description="Coal-fleet capacity factor (fraction, IEA 2017 via GEM wiki); null: use GEM's global 0.53",
    )
    source_document: Series[str] = _citation_field("source_document")
    source_table: Series[str] = _citation_field("source_table")
    source_page: Series[str] = _citation_field("source_page")
    verified: Series[str] = _citation_field("verified")
    note: Series[str] = pa.Field(nullable=True, description="Remarks (e.g. why a date is null)")

    class Config:
        name = "countries"
        description = (
            "JCM host countries (29 partners as of Jan 2024, plus India) and China for comparison: ISO3, UN "
            "region, JCM status, default coal capacity factor. Authored in the repo."
        )
        metadata = {"key": ["country_iso3"]}
        strict = "filter"
        coerce = True


class TechnologyCatalogue(pa.DataFrameModel):
    technology_id: Series[str] = pa.Field(unique=True, description="Row identifier")
    parameter_set: Series[str] = pa.Field(
        isin=["catalogue", "tool07_default", "gem_heat_rate", "top_performer"],
        description=(
            "catalogue (typical performance and cost), tool07_default (CDM TOOL07 appendix), gem_heat_rate "
            "(GEM GCPT 'CO2 Parameters'), top_performer (benchmark for new units)"
        ),
    )
    fuel_class: Series[str] = pa.Field(
        isin=["coal", "gas", "oil"],
        nullable=True,
        description="coal, gas or oil; null for the grid-displacement project types (solar_pv, wind: no fuel, "
        "as in technologies)",
    )
    technology: Series[str] = pa.Field(
        description=(
            "Technology id of the technologies vocabulary (coal_subcritical, coal_usc, coal_ausc, coal_fbs, "
            "gas_combined_cycle, gas_open_cycle, oil_steam, ...)"
        )
    )
    gem_technology_code: Series[str] = pa.Field(
        nullable=True, description="GEM GOGPT technology code for gas and oil rows; null for coal"
    )
    vintage: Series[str] = pa.Field(
        isin=["<=2000", ">2000", "any"],
        description="Units built up to 2000, after 2000, or any (TOOL07 split)",
    )
    size_min_mw: Series[float] = pa.Field(
        ge=0, nullable=True, description="Smallest unit size of the class, MW"
    )
    size_max_mw: Series[float] = pa.Field(
        ge=0, nullable=True, description="Largest unit size of the class, MW"
    )
    net_efficiency_lhv: Series[float] = pa.Field(
        ge=0.2,
        le=0.65,
        nullable=True,
        description="Net electric efficiency (fraction) on the basis in efficiency_basis (LHV unless stated)",
    )
    net_efficiency_lhv_low: Series[float] = pa.Field(
        ge=0.2, le=0.65, nullable=True, description="Low end of the efficiency range (fraction)"
    )
    net_efficiency_lhv_high: Series[float] = pa.Field(
        ge=0.2, le=0.65, nullable=True, description="High end of the efficiency range (fraction)"
    )
    efficiency_basis: Series[str] = pa.Field(
        isin=["LHV", "HHV", "unstated"],
        description="Heating-value basis of the efficiency: LHV, HHV, or unstated by the source (GEM)",
    )
    heat_rate_btu_per_kwh: Series[float] = pa.Field(
        gt=0, nullable=True, description="Net heat rate as published, Btu/kWh (HHV for EIA; unstated for GEM)"
    )
    capex_usd_per_kw: Series[float] = pa.Field(
        gt=0, nullable=True, description="Overnight capital cost, USD/kW"
    )
    capex_price_year: Series[pd.Int64Dtype] = pa.Field(
        ge=1990, le=2100, nullable=True, description="Price year of capex and O&M (USD of that year)"
    )
    capex_region: Series[str] = pa.Field(nullable=True, description="Region the cost applies to")
    fixed_om_usd_per_kw_yr: Series[float] = pa.Field(ge=0, nullable=True, description="Fixed O&M, USD/kW-yr")
    variable_om_usd_per_mwh: Series[float] = pa.Field(
        ge=0, nullable=True, description="Variable O&M excluding fuel, USD/MWh"
    )
    lifetime_yr: Series[float] = pa.Field(
        gt=0, nullable=True, description="Economic/operating lifetime, years"
    )
    source_document: Series[str] = _citation_field("source_document")
    source_table: Series[str] = _citation_field("source_table")
    source_page: Series[str] = _citation_field("source_page")
    verified: Series[str] = _citation_field("verified")
    note: Series[str] = pa.Field(nullable=True, description="Conversions (HHV→LHV, gce/kWh→η) and remarks")

    @pa.dataframe_check(description="Efficiency range ordered: low <= central <= high")
    @sql_check(_sql_ordered("net_efficiency_lhv_low", "net_efficiency_lhv", "net_efficiency_lhv_high"))
    def efficiency_ordered(cls, df: pd.DataFrame) -> pd.Series:
        return _ordered(df, "net_efficiency_lhv_low", "net_efficiency_lhv", "net_efficiency_lhv_high")

    @pa.dataframe_check(description="Size class ordered: size_min_mw <= size_max_mw")
    @sql_check(f"{sql_isna('size_min_mw', 'size_max_mw')} OR {sql_cmp('size_min_mw', '<=', 'size_max_mw')}")
    def size_ordered(cls, df: pd.DataFrame) -> pd.Series:
        return df["size_min_mw"].isna() | df["size_max_mw"].isna() | (df["size_min_mw"] <= df["size_max_mw"])

    class Config:
        name = "technology_catalogue"
        description = (
            "Power technologies: typical efficiency and cost (catalogue), CDM TOOL07 default efficiencies, GEM "
            "heat rates as efficiencies, and top-performer benchmarks, kept apart by parameter_set. Authored "
            "in the repo."
        )
        metadata = {"key": ["technology_id"]}
        strict = "filter"
        coerce = True


class Technologies(pa.DataFrameModel):
    technology: Series[str] = pa.Field(
        str_matches=r"^[a-z][a-z0-9_]*$",
        description=(
            "Technology id, the one vocabulary of every mart, view, catalogue, scenario parameter, agreement "
            "and case (e.g. coal_subcritical, coal_usc, gas_combined_cycle, gas_open_cycle, solar_pv)"
        ),
    )
    fuel_class: Series[str] = pa.Field(
        isin=["coal", "gas", "oil"],
        nullable=True,
        description="Fuel the technology burns; null for grid, steel and end-use technologies",
    )
    sector: Series[str] = pa.Field(
        isin=["power", "grid", "steel", "end_use"],
        description="power (a generating unit that burns fuel), grid (a project displacing grid power), steel "
        "(a steelmaking route or a BF-BOF measure) or end_use (an appliance of an end-use programme)",
    )
    name: Series[str] = pa.Field(str_length={"min_value": 1}, description="Readable name (chart labels)")
    description: Series[str] = pa.Field(str_length={"min_value": 1}, description="What the technology is")
    source_id: Series[str] = pa.Field(
        isin=["gem_coal_plant_tracker", "gem_oil_gas_plant_tracker"],
        nullable=True,
        description="Tracker whose code maps to the technology; null for catalogue-only and grid technologies",
    )
    source_fuel_class: Series[str] = pa.Field(
        isin=["coal", "gas", "gas/oil", "oil"],
        nullable=True,
        description=(
            "Fuel class the tracker unit has (gas_oil_units.fuel_class; 'coal' for every GCPT unit): "
            "gas/oil units count as gas; null without a tracker code"
        ),
    )
    source_code: Series[str] = pa.Field(
        nullable=True,
        description=(
            "The tracker's own code, as stored in coal_units / gas_oil_units.gem_technology (GCPT combustion "
            "technology without '/ccs'; GOGPT Technology code); null for catalogue-only technologies"
        ),
    )
    source_document: Series[str] = _citation_field("source_document")
    source_table: Series[str] = _citation_field("source_table")
    source_page: Series[str] = _citation_field("source_page")
    verified: Series[str] = _citation_field("verified")

    @pa.dataframe_check(description="A tracker row names its source, fuel class and code together")
    @sql_check(
        "(source_id IS NOT NULL AND source_fuel_class IS NOT NULL AND source_code IS NOT NULL)"
        " OR (source_id IS NULL AND source_fuel_class IS NULL AND source_code IS NULL)"
    )
    def tracker_columns_together(cls, df: pd.DataFrame) -> pd.Series:
        tracker = df[["source_id", "source_fuel_class", "source_code"]].notna()
        return tracker.all(axis=1) | ~tracker.any(axis=1)

    @pa.dataframe_check(description="Each tracker code of a fuel class maps to exactly one technology")
    def one_technology_per_code(cls, df: pd.DataFrame) -> pd.Series:
        coded = df["source_code"].notna()
        dup = df.duplicated(["source_id", "source_fuel_class", "source_code"], keep=False)
        return ~(coded & dup)

    @pa.dataframe_check(description="One fuel class, sector and name per technology")
    def one_meaning_per_technology(cls, df: pd.DataFrame) -> pd.Series:
        meaning = df[["technology", "fuel_class", "sector", "name"]].fillna("").drop_duplicates()
        return ~df["technology"].isin(meaning.loc[meaning["technology"].duplicated(), "technology"])

    class Config:
        name = "technologies"
        description = (
            "The technology vocabulary: one row per technology id and per tracker code that maps to it (GEM "
            "GCPT combustion technology, GEM GOGPT Technology code by fuel class), with a readable name and "
            "GEM's definition; catalogue-only, grid, steel and end-use technologies have no code. Authored in the repo."
        )
        metadata = {"key": ["technology", "source_id", "source_fuel_class", "source_code"]}
        unique = ["technology", "source_id", "source_fuel_class", "source_code"]
        strict = "filter"
        coerce = True


class PriceDeflators(pa.DataFrameModel):
    series: Series[str] = pa.Field(
        isin=["us_gdp_deflator", "usd_per_eur"],
        description="us_gdp_deflator (BEA GDP implicit price deflator, index 2017 = 100) or usd_per_eur "
        "(ECB annual average reference rate, USD per EUR)",
    )
    year: Series[int] = pa.Field(ge=2000, le=2030, description="Calendar year (the price year)")
    value: Series[float] = pa.Field(gt=0, description="Index value (2017 = 100) or USD per EUR")
    unit: Series[str] = pa.Field(description="'index (2017 = 100)' or 'USD per EUR'")
    source_document: Series[str] = _citation_field("source_document")
    source_table: Series[str] = _citation_field("source_table")
    source_page: Series[str] = _citation_field("source_page")
    verified: Series[str] = _citation_field("verified")
    note: Series[str] = pa.Field(nullable=True, description="Remarks")

    class Config:
        name = "price_deflators"
        description = (
            "Price-year conversion for the whole project: US GDP implicit price deflator (BEA NIPA Table 1.1.9, "
            "via FRED A191RD3A086NBEA) and ECB annual average USD per EUR, 2005-2025, each row cited. "
            "to_usd (bcm_pipeline/price_years.py): EUR x usd_per_eur[price year], then x deflator[target] / "
            "deflator[price year]. Authored in the repo."
        )
        metadata = {"key": ["series", "year"]}
        unique = ["series", "year"]
        strict = "filter"
        coerce = True


class UnitEfficiencyClasses(pa.DataFrameModel):
    efficiency_class_id: Series[str] = pa.Field(unique=True, description="Row identifier")
    technology: Series[str] = pa.Field(
        description="Technology in the project's vocabulary (coal_subcritical, gas_combined_cycle, gas_engine, ...)"
    )
    fuel_class: Series[str] = pa.Field(isin=["coal", "gas", "oil"], description="coal, gas or oil")
    size_min_mw: Series[float] = pa.Field(ge=0, description="Smallest unit of the class, MW (inclusive)")
    size_max_mw: Series[float] = pa.Field(
        gt=0,
        nullable=True,
        description="Units of the class are smaller than this, MW (exclusive); null: no limit",
    )
    start_year_min: Series[pd.Int64Dtype] = pa.Field(
        ge=1900,
        le=2100,
        nullable=True,
        description="First start year of the class (inclusive); null: no limit",
    )
    start_year_max: Series[pd.Int64Dtype] = pa.Field(
        ge=1900,
        le=2100,
        nullable=True,
        description="Last start year of the class (inclusive); null: no limit",
    )
    net_efficiency_lhv: Series[float] = pa.Field(
        ge=0.2,
        le=0.65,
        description="Net electric efficiency of an existing unit of the class (LHV, fraction)",
    )
    net_efficiency_lhv_low: Series[float] = pa.Field(
        ge=0.2,
        le=0.65,
        nullable=True,
        description="Low end of the class's range (fraction); null: none published",
    )
    net_efficiency_lhv_high: Series[float] = pa.Field(
        ge=0.2,
        le=0.65,
        nullable=True,
        description="High end of the class's range (fraction); null: none published",
    )
    source_document: Series[str] = _citation_field("source_document")
    source_table: Series[str] = _citation_field("source_table")
    source_page: Series[str] = _citation_field("source_page")
    verified: Series[str] = _citation_field("verified")
    note: Series[str] = pa.Field(nullable=True, description="What the class covers; remarks")

    @pa.dataframe_check(description="Efficiency range ordered: low <= central <= high")
    @sql_check(_sql_ordered("net_efficiency_lhv_low", "net_efficiency_lhv", "net_efficiency_lhv_high"))
    def efficiency_ordered(cls, df: pd.DataFrame) -> pd.Series:
        return _ordered(df, "net_efficiency_lhv_low", "net_efficiency_lhv", "net_efficiency_lhv_high")

    @pa.dataframe_check(description="Size and start-year bands ordered: min < max")
    @sql_check(
        f"({sql_isna('size_max_mw')} OR {sql_cmp('size_min_mw', '<', 'size_max_mw')}) AND (start_year_min IS NULL"
        " OR start_year_max IS NULL OR start_year_min <= start_year_max)"
    )
    def bands_ordered(cls, df: pd.DataFrame) -> pd.Series:
        size = df["size_max_mw"].isna() | (df["size_min_mw"] < df["size_max_mw"])
        years = df["start_year_min"].isna() | df["start_year_max"].isna()
        return size & (years | (df["start_year_min"] <= df["start_year_max"]))

    @pa.dataframe_check(
        description="One class per unit: within a technology, no two rows' size and start-year bands overlap"
    )
    def bands_do_not_overlap(cls, df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=df.index)
        for _, group in df.groupby("technology"):
            rows = list(group.itertuples())
            for a in rows:
                for b in rows:
                    if a.Index < b.Index and _overlap(a, b):
                        ok[a.Index] = ok[b.Index] = False
        return ok

    @pa.dataframe_check(
        description="Monotonic in size: a bigger unit of a technology and vintage is never less efficient"
    )
    def monotonic_in_size(cls, df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=df.index)
        for _, group in df.groupby("technology"):
            rows = list(group.itertuples())
            for a in rows:
                for b in rows:
                    same_years = _years_overlap(a, b)
                    if (
                        same_years
                        and a.size_min_mw < b.size_min_mw
                        and a.net_efficiency_lhv > b.net_efficiency_lhv
                    ):
                        ok[a.Index] = ok[b.Index] = False
        return ok

    class Config:
        name = "unit_efficiency_classes"
        description = (
            "Net efficiency (LHV) of existing units by technology (the project vocabulary), size band and "
            "start-year band, for plant_baselines: monotonic in size within a technology; gas engines, open "
            "cycle, steam and combined cycle each their own class; combined-cycle efficiency by vintage. "
            "Authored in the repo; every row cites its source."
        )
        metadata = {"key": ["efficiency_class_id"]}
        strict = "filter"
        coerce = True


def _years_overlap(a, b) -> bool:
    lo_a = -1 if pd.isna(a.start_year_min) else a.start_year_min
    hi_a = 10_000 if pd.isna(a.start_year_max) else a.start_year_max
    lo_b = -1 if pd.isna(b.start_year_min) else b.start_year_min
    hi_b = 10_000 if pd.isna(b.start_year_max) else b.start_year_max
    return lo_a <= hi_b and lo_b <= hi_a


def _overlap(a, b) -> bool:
    hi_a = float("inf") if pd.isna(a.size_max_mw) else a.size_max_mw
    hi_b = float("inf") if pd.isna(b.size_max_mw) else b.size_max_mw
    return a.size_min_mw < hi_b and b.size_min_mw < hi_a and _years_overlap(a, b)


class TechnologyRetrofits(pa.DataFrameModel):
    retrofit_id: Series[str] = pa.Field(unique=True, description="Row identifier")
    from_technology: Series[str] = pa.Field(
        description="Technology of the existing unit (technologies vocabulary), e.g. gas_open_cycle"
    )
    to_technology: Series[str] = pa.Field(
        description="Technology the unit becomes (technologies vocabulary), e.g. gas_combined_cycle"
    )
    fuel_class: Series[str] = pa.Field(isin=["coal", "gas", "oil"], description="coal, gas or oil")
    capex_usd_per_kw: Series[float] = pa.Field(
        gt=0, description="Retrofit capital cost per kW of the existing unit's capacity, USD/kW"
    )
    fixed_om_usd_per_kw_yr: Series[float] = pa.Field(
        ge=0,
        nullable=True,
        description="Fixed O&M of the converted plant per kW of the existing unit, USD/kW-yr",
    )
    variable_om_usd_per_mwh: Series[float] = pa.Field(
        ge=0, nullable=True, description="Variable O&M of the converted plant excluding fuel, USD/MWh"
    )
    capex_price_year: Series[int] = pa.Field(
        ge=1990, le=2100, description="Price year of capex and O&M (USD of that year)"
    )
    capex_region: Series[str] = pa.Field(description="Region the cost applies to")
    source_document: Series[str] = _citation_field("source_document")
    source_table: Series[str] = _citation_field("source_table")
    source_page: Series[str] = _citation_field("source_page")
    verified: Series[str] = _citation_field("verified")
    note: Series[str] = pa.Field(nullable=True, description="How the value was derived, and remarks")

    class Config:
        name = "technology_retrofits"
        description = (
            "Retrofits of an existing unit with a cited cost (e.g. an open-cycle gas turbine converted to "
            "combined cycle by adding a heat-recovery steam generator and steam turbine): capex per kW of the "
            "existing capacity, the converted plant's O&M, price year and region. technology_swaps uses a row "
            "for an operating unit (decision 'retrofit') and for a pipeline unit built with the add-on instead. "
            "Authored in the repo."
        )
        metadata = {"key": ["retrofit_id"]}
        unique = ["from_technology", "to_technology", "capex_region"]
        strict = "filter"
        coerce = True


class NationalGenerationSupplements(pa.DataFrameModel):
    country_iso3: Series[str] = pa.Field(str_length=3, description="Country, ISO3")
    year: Series[int] = pa.Field(ge=1985, le=2100, description="Calendar year")
    source: Series[str] = pa.Field(
        isin=["coal", "gas", "oil", "nuclear", "hydro", "wind", "solar", "bioenergy", "other_renewables"],
        description="Generation source, in owid_electricity_by_source's vocabulary",
    )
    generation_twh: Series[float] = pa.Field(
        ge=0, le=20_000, description="Electricity generated in the year, TWh (gross, as Ember publishes it)"
    )
    source_document: Series[str] = _citation_field("source_document")
    source_table: Series[str] = _citation_field("source_table")
    source_page: Series[str] = _citation_field("source_page")
    verified: Series[str] = _citation_field("verified")
    note: Series[str] = pa.Field(nullable=True, description="Why the row is needed")

    class Config:
        name = "national_generation_supplements"
        description = (
            "National generation by source for country-years that OWID's electricity-by-source chart download "
            "(owid_electricity_by_source) leaves out, from a cited release of the same Ember data (OWID's full "
            "energy dataset), TWh. Used only where owid_electricity_by_source has no row for the country and "
            "year (national_generation). Authored in the repo."
        )
        metadata = {"key": ["country_iso3", "year", "source"]}
        unique = ["country_iso3", "year", "source"]
        strict = "filter"
        coerce = True


class CostRegions(pa.DataFrameModel):
    country_iso3: Series[str] = pa.Field(str_length=3, unique=True, description="Country, ISO3")
    cost_region: Series[str] = pa.Field(
        description="The capex_region of technology_catalogue whose costs the country takes (a WEO-2020 region)"
    )
    basis: Series[str] = pa.Field(
        isin=["country", "region", "proxy"],
        description="country: the region is the country; region: a region that includes the country (a "
        "regional average); proxy: a region that does not include it (flagged capex_proxy_region in "
        "technology_swaps)",
    )
    source_document: Series[str] = _citation_field("source_document")
    source_table: Series[str] = _citation_field("source_table")
    source_page: Series[str] = _citation_field("source_page")
    verified: Series[str] = _citation_field("verified")
    note: Series[str] = pa.Field(
        description="Why this region: for a proxy, why it is the nearest documented one"
    )

    class Config:
        name = "cost_regions"
        description = (
            "Which cost region each host country takes its power-technology costs from (technology_catalogue "
            "capex_region), with the basis of the choice: its own region, a region containing it, or a labelled "
            "proxy. Authored in the repo."
        )
        metadata = {"key": ["country_iso3"]}
        strict = "filter"
        coerce = True
