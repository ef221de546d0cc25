"""Core and reference tables: which parser and which pandera model build each warehouse table."""

from bcm_pipeline.assets.factories import TableSpec
from bcm_pipeline.parsers import ifi
from bcm_pipeline.schemas.ifi import IfiGridFactors

CORE_TABLES: list[TableSpec] = [
    TableSpec(IfiGridFactors, ifi.parse, source_id="ifi_grid_factors"),
]
