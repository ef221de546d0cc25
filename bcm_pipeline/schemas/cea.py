import pandera.pandas as pa
from pandera.typing import Series

FISCAL_YEAR = r"^\d{4}-\d{2}$"
SHA = "SHA-256 of the raw CEA zip (database_<version>.zip, v15: database_15.zip) this row came from"


class CeaIndiaUnits(pa.DataFrameModel):
    s_no: Series[int] = pa.Field(ge=1, description="CEA station number (S_NO)")
    station_name: Series[str] = pa.Field(description="Station name as CEA writes it (NAME)")
    unit_no: Series[int] = pa.Field(ge=0, description="Unit number (UNIT_NO); 0 = the station-total row")
    is_station_total: Series[bool] = pa.Field(
        description="True for UNIT_NO 0: the row that carries generation and emissions of existing stations"
    )
    commissioned_date: Series[pa.Date] = pa.Field(
        nullable=True, description="Commissioning date of the unit (DT_ COMM); null on station-total rows"
    )
    capacity_mw: Series[float] = pa.Field(
        ge=0,
        le=10_000,
        description="Installed capacity as on 31 March at the end of the file's latest fiscal year (the header's 'CAPACITY ... MW' column; v15: 31/03/2019), MW; 0 is kept (retired or derated units)",
    )
    state: Series[str] = pa.Field(nullable=True, description="Indian state as CEA spells it (trimmed)")
    sector: Series[str] = pa.Field(
        isin=["CENTER", "STATE", "PRIVATE"], description="Ownership sector; CEA's 'PVT' is written PRIVATE"
    )
    system: Series[str] = pa.Field(nullable=True, description="Utility or owner (SYSTEM)")
    plant_type: Series[str] = pa.Field(
        isin=["THERMAL", "HYDRO", "NUCLEAR"], description="TYPE, trimmed: THERMAL, HYDRO or NUCLEAR"
    )
    fuel_1: Series[str] = pa.Field(
        nullable=True,
        description="Main fuel (FUEL 1): COAL, LIGN, GAS, DISL, OIL, NAPT, NUCLEAR; HYDRO for hydro stations",
    )
    fuel_2: Series[str] = pa.Field(nullable=True, description="Secondary fuel (FUEL 2), upper case, trimmed")
    fiscal_year: Series[str] = pa.Field(
        str_matches=FISCAL_YEAR, description="Indian fiscal year, April-March, e.g. '2018-19'"
    )
    net_generation_mwh: Series[float] = pa.Field(
        nullable=True, ge=0, description="Net generation in the fiscal year, MWh (the sheet's GWh x 1000)"
    )
    co2_t: Series[float] = pa.Field(
        nullable=True, ge=0, description="Absolute CO2 emissions in the fiscal year, tCO2"
    )
    ef_t_per_mwh: Series[float] = pa.Field(
        nullable=True,
        ge=0,
        # Not 2.5: CEA publishes commissioning-year rows with little net generation at up to 22 tCO2/MWh
        # (v15: 11 rows above 2.5, three of them station totals in the 2014-15 operating margin).
        le=25,
        description="Specific emissions in the fiscal year, tCO2/MWh (net generation basis)",
    )
    in_operating_margin: Series[bool] = pa.Field(
        description="CEA counted the row in the fiscal year's operating margin (sheet flag 1)"
    )
    in_build_margin: Series[bool] = pa.Field(
        description="CEA counted the row in the fiscal year's build margin (sheet flag 1)"
    )
    cdm_project_ref: Series[str] = pa.Field(
        nullable=True,
        description="CDM registration ('CDM#4568') CEA writes instead of the build-margin flag: the unit is a "
        "registered CDM project and is left out of the build margin",
    )
    source_sha256: Series[str] = pa.Field(description=SHA)

    class Config:
        name = "cea_india_units"
        description = (
            "CEA CO2 Baseline Database for the Indian Power Sector (the version downloaded; v15.0, Dec 2019, "
            "covers fiscal years 2014-15 to 2018-19), sheet Data, long form: one row per station total (unit_no "
            "0) or unit per fiscal year the file holds (read from its headers), with net generation (MWh), CO2 "
            "(t), specific emissions (tCO2/MWh) and CEA's OM/BM membership flags."
        )
        metadata = {"key": ["s_no", "unit_no", "fiscal_year"]}
        unique = ["s_no", "unit_no", "fiscal_year"]
        strict = "filter"
        coerce = True


class CeaIndiaPublishedMargins(pa.DataFrameModel):
    fiscal_year: Series[str] = pa.Field(
        str_matches=FISCAL_YEAR, description="Indian fiscal year, e.g. '2018-19'"
    )
    margin: Series[str] = pa.Field(
        isin=["average", "OM", "BM", "CM"],
        description="'average' weighted average emission rate, 'OM' simple operating margin, 'BM' build "
        "margin, 'CM' combined margin (CDM Tool 07 v7.0)",
    )
    imports: Series[str] = pa.Field(
        isin=["excluded", "included"], description="Whether CEA's block adjusts for electricity imports"
    )
    ef_t_per_mwh: Series[float] = pa.Field(ge=0, le=2.5, description="Published emission factor, tCO2/MWh")
    source_sha256: Series[str] = pa.Field(description=SHA)

    class Config:
        name = "cea_india_published_margins"
        description = (
            "Grid emission factors of the Indian grid as CEA publishes them (CO2 Baseline Database v15.0, "
            "sheet Results), tCO2/MWh, per fiscal year, excluding and including imports."
        )
        metadata = {"key": ["fiscal_year", "margin", "imports"]}
        unique = ["fiscal_year", "margin", "imports"]
        strict = "filter"
        coerce = True
