import pandera.pandas as pa
from pandera.typing import Series


class OwidCarbonIntensity(pa.DataFrameModel):
    entity: Series[str] = pa.Field(description="Country or aggregate as OWID names it (Entity)")
    country_iso3: Series[str] = pa.Field(
        nullable=True,
        str_length=3,
        description="ISO3 code (OWID's Code); OWID_KOS → XKX, OWID_WRL → WLD; null for aggregates without a code",
    )
    is_aggregate: Series[bool] = pa.Field(
        description="True for World and for regions/income groups (empty Code in OWID)"
    )
    year: Series[int] = pa.Field(ge=1985, le=2100, description="Calendar year")
    ef_t_per_mwh: Series[float] = pa.Field(
        ge=0,
        le=2.5,
        description="Generation-weighted average carbon intensity of electricity, tCO2/MWh (OWID's gCO2/kWh "
        "÷ 1000); an average, not a CDM/JCM combined margin",
    )
    source_sha256: Series[str] = pa.Field(description="SHA-256 of the raw CSV this row came from")

    class Config:
        name = "owid_carbon_intensity"
        description = (
            "Our World in Data, carbon intensity of electricity (from Ember and the Energy Institute Statistical "
            "Review), per country or aggregate and year, tCO2/MWh."
        )
        metadata = {"key": ["entity", "year"]}
        unique = ["entity", "year"]
        strict = "filter"
        coerce = True


class OwidElectricityBySource(pa.DataFrameModel):
    entity: Series[str] = pa.Field(description="Country or aggregate as OWID names it (Entity)")
    country_iso3: Series[str] = pa.Field(
        nullable=True,
        str_length=3,
        description="ISO3 code (OWID's Code); OWID_KOS → XKX, OWID_WRL → WLD; null for aggregates without a code",
    )
    is_aggregate: Series[bool] = pa.Field(
        description="True for World and for regions/income groups (empty Code in OWID)"
    )
    year: Series[int] = pa.Field(ge=1985, le=2100, description="Calendar year")
    source: Series[str] = pa.Field(
        isin=["coal", "gas", "oil", "nuclear", "hydro", "wind", "solar", "bioenergy", "other_renewables"],
        description="Generation source (OWID's column 'Electricity from <source> - TWh'); other_renewables = "
        "'Other renewables excluding bioenergy'",
    )
    generation_twh: Series[float] = pa.Field(
        ge=0,
        le=20_000,
        description="Electricity generated in the year, TWh; GROSS generation (Ember's yearly data: gross "
        "generation, including power plants' own use; autoproducers included where the national statistics "
        "count them)",
    )
    source_sha256: Series[str] = pa.Field(description="SHA-256 of the raw CSV this row came from")

    class Config:
        name = "owid_electricity_by_source"
        description = (
            "Our World in Data, electricity generation by source (from Ember's yearly electricity data and the "
            "Energy Institute Statistical Review), per country or aggregate, year and source, TWh (gross). The "
            "national totals that plant-level sums are calibrated and reconciled against."
        )
        metadata = {"key": ["entity", "year", "source"]}
        unique = ["entity", "year", "source"]
        strict = "filter"
        coerce = True
