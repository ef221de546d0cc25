import pandera.pandas as pa
from pandera.typing import Series

# Energy content used for price_usd_per_gj (the parser converts with these; sources in the description).
GJ_PER_MMBTU = 1.055056  # 1 MMBtu (IT) = 1.05505585 GJ
COAL_GJ_PER_T = 25.1208  # 6,000 kcal/kg x 4.1868 kJ/kcal, the Pink Sheet's coal grade
CRUDE_GJ_PER_BBL = 6.1178632  # barrel of oil equivalent: 5.8 MMBtu


class FuelPricesMonthly(pa.DataFrameModel):
    series_code: Series[str] = pa.Field(
        description="World Bank series code, e.g. COAL_AUS, NGAS_JP, CRUDE_BRENT"
    )
    series_name: Series[str] = pa.Field(
        description="Series name from the sheet, footnote asterisks removed (e.g. 'Coal, South African')"
    )
    unit: Series[str] = pa.Field(
        description="Unit of price_usd as the sheet gives it: '$/mt', '$/mmbtu', '$/bbl', ..."
    )
    month: Series[pa.Date] = pa.Field(description="Month of the price, as its first day")
    price_usd: Series[float] = pa.Field(
        gt=0, description="Monthly average price, nominal USD per `unit` (missing months '…' have no row)"
    )
    price_usd_per_gj: Series[float] = pa.Field(
        nullable=True,
        gt=0,
        le=500,
        description=(
            "Energy price, nominal USD/GJ, for energy series only (else null): $/mmbtu ÷ "
            f"{GJ_PER_MMBTU} GJ/MMBtu (1 Btu_IT = 1,055.05585 J, NIST SP 811 Appendix B.8); coal $/t ÷ "
            f"{COAL_GJ_PER_T} GJ/t (the Pink Sheet's 6,000 kcal/kg x 4.1868 kJ/kcal_IT; Description sheet: "
            "Newcastle and Richards Bay 6,000 kcal/kg since 2015, Newcastle 6,300-6,667 kcal/kg GAR before, "
            f"so earlier Australian months are overstated per GJ by up to 11 %); crude $/bbl ÷ {CRUDE_GJ_PER_BBL} "
            "GJ/bbl (barrel of oil equivalent, 5.8 MMBtu, SPE/US IRS definition)"
        ),
    )
    source_sha256: Series[str] = pa.Field(description="SHA-256 of the raw workbook this row came from")

    class Config:
        name = "fuel_prices_monthly"
        description = (
            "World Bank Commodity Price Data (Pink Sheet), sheet Monthly Prices, long form: one row per series "
            "and month with a published price, nominal USD, plus USD/GJ for coal, gas and crude oil."
        )
        metadata = {"key": ["series_code", "month"]}
        unique = ["series_code", "month"]
        strict = "filter"
        coerce = True
