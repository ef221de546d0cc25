-- One row per coal, gas or oil generating unit (GEM trackers), with the raw file its numbers came from.
-- Stable analyst view: names and columns change only with a note in the README.
-- fuel_class: 'coal' for coal_units; for gas_oil_units GEM's fuel class ('gas', 'oil', 'gas/oil', 'other')
-- technology: The technology vocabulary (technologies.technology) for GEM's code; null for 'other' fuels
-- technology_name: Readable name of the technology (technologies.name)
-- source_file: Path of the raw GEM workbook the row came from, relative to the data directory (raw_files.path, matched by sha256)
-- source_url: The publisher's URL of the raw GEM workbook (raw_files.url; the copy actually fetched: raw_files.fetched_url)
-- source_retrieved_at: UTC time the raw GEM workbook was downloaded (raw_files.retrieved_at)
WITH units AS (
    SELECT
        gem_unit_id, gem_location_id, country_iso3, country_name, plant_name, unit_name,
        'coal' AS fuel_class, 'gem_coal_plant_tracker' AS source_id, gem_technology, status, capacity_mw,
        start_year, retired_year, planned_retirement_year, owner, latitude, longitude, source_sha256
    FROM coal_units
    UNION ALL
    SELECT
        gem_unit_id, gem_location_id, country_iso3, country_name, plant_name, unit_name,
        fuel_class, 'gem_oil_gas_plant_tracker' AS source_id, gem_technology, status, capacity_mw,
        start_year, retired_year, planned_retirement_year, owner, latitude, longitude, source_sha256
    FROM gas_oil_units
)
SELECT
    units.gem_unit_id, units.gem_location_id, units.country_iso3, units.country_name, units.plant_name,
    units.unit_name, units.fuel_class, technologies.technology, technologies.name AS technology_name,
    units.gem_technology, units.status, units.capacity_mw, units.start_year, units.retired_year,
    units.planned_retirement_year, units.owner, units.latitude, units.longitude, units.source_sha256,
    raw_files.path AS source_file,
    raw_files.url AS source_url,
    raw_files.retrieved_at AS source_retrieved_at
FROM units
LEFT JOIN technologies
    ON technologies.source_id = units.source_id AND technologies.source_fuel_class = units.fuel_class
    AND technologies.source_code = units.gem_technology
LEFT JOIN raw_files ON raw_files.sha256 = units.source_sha256
