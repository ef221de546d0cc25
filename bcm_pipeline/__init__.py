"""bcm-pipeline: plant CO2 baselines, technology-swap reductions and bilateral credits in DuckDB."""

__version__ = "0.1.0"
