import pandera.pandas as pa
from pandera.typing import Series

EF = "tCO2/MWh (the workbook's gCO2/kWh ÷ 1000)"


class IfiGridFactors(pa.DataFrameModel):
    country_name: Series[str] = pa.Field(
        unique=True, description="Country, territory or aggregate as IFI names it"
    )
    country_iso3: Series[str] = pa.Field(
        str_length=3,
        description="ISO3 code (territories carry their own code or their sovereign's; WLD, EUU)",
    )
    is_aggregate: Series[bool] = pa.Field(description="True for the World and EU 27 rows")
    cm_firm_ef_t_per_mwh: Series[float] = pa.Field(
        ge=0, le=2.0, description=f"Combined margin, firm energy (hydro, geothermal), {EF}"
    )
    cm_intermittent_ef_t_per_mwh: Series[float] = pa.Field(
        ge=0, le=2.0, description=f"Combined margin, intermittent energy (solar, wind, tidal), {EF}"
    )
    cm_efficiency_ef_t_per_mwh: Series[float] = pa.Field(
        ge=0, le=2.0, description=f"Combined margin, energy efficiency, {EF}"
    )
    cm_consumption_ef_t_per_mwh: Series[float] = pa.Field(
        ge=0, le=2.0, description=f"Combined margin, electricity consumption, {EF}"
    )
    om_ef_t_per_mwh: Series[float] = pa.Field(ge=0, le=2.5, description=f"Operating margin (also PCAF), {EF}")
    source_sha256: Series[str] = pa.Field(description="SHA-256 of the raw workbook this row came from")

    class Config:
        name = "ifi_grid_factors"
        description = (
            "Harmonized IFI Default Grid Factors 2021 v3.2 (UNFCCC, April 2022): combined and operating margins "
            "per country, in tCO2/MWh."
        )
        metadata = {"key": ["country_name"]}
        strict = "filter"
        coerce = True
