"""Grid emission factors: CDM TOOL07 (v7.0) margins as plain pandas functions, no Dagster here."""
