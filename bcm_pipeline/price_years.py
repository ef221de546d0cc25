"""Money of one currency and price year → US dollars of another price year, from price_deflators.csv.

    to_usd(value, "EUR", 2010, 2024) = value x usd_per_eur[2010] x deflator[2024] / deflator[2010]

The order is: convert at the market rate of the price year (ECB annual average), then inflate with the US
GDP implicit price deflator (BEA NIPA Table 1.1.9). The other order (inflate in euros with a euro-area
index, convert at the target year's rate) gives a different number; this project always uses this one,
so values from different sources stay comparable. Years outside the table are an error, never a guess.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from bcm_pipeline.parsers.reference import read_authored_csv

DEFLATOR = "us_gdp_deflator"
USD_PER_EUR = "usd_per_eur"
CURRENCIES = ("USD", "EUR")

Rates = Mapping[tuple[str, int], float]  # (series, year) -> value


@functools.cache
def price_deflators() -> dict[tuple[str, int], float]:
    """{(series, year): value} from bcm_pipeline/reference/price_deflators.csv."""
    df = read_authored_csv("price_deflators")
    return {(s, int(y)): float(v) for s, y, v in zip(df["series"], df["year"], df["value"], strict=True)}


def _rate(rates: Rates, series: str, year: int) -> float:
    try:
        return rates[(series, int(year))]
    except KeyError:
        years = sorted(y for s, y in rates if s == series)
        span = f"{years[0]}-{years[-1]}" if years else "none"
        raise ValueError(f"price_deflators has no {series} for {year} (it has {span})") from None


def to_usd(value: float, currency: str, year: int, target_year: int, rates: Rates | None = None) -> float:
    """`value` in `currency` of price year `year` → USD of price year `target_year`."""
    rates = price_deflators() if rates is None else rates
    if currency not in CURRENCIES:
        raise ValueError(f"to_usd: currency {currency!r} is not one of {CURRENCIES}")
    usd = value * _rate(rates, USD_PER_EUR, year) if currency == "EUR" else value
    return usd * _rate(rates, DEFLATOR, target_year) / _rate(rates, DEFLATOR, year)
