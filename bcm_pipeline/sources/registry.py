"""What each source is and where it lives. One entry per file of data/raw/<folder>/ (the folder is the
source id, or the `folder` several files of one release share).

Pinned sha256 values are for the immutable copies behind the default URLs (a Git commit); sources that the
publisher updates in place (OWID, World Bank) are not pinned.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    licence: str
    citation: str
    url: str
    filename: str
    format: str  # "xlsx" | "zip" | "csv" | "json": drives the content check after download
    sha256: str | None = None
    max_bytes: int = 50_000_000
    how_to_get: str = ""  # shown when the file can be had neither by download nor on disk
    # data/raw/<folder>/ (and the mirror's <folder>/): the source id unless several single-file sources hold
    # the files of one release (steel tracker, POSTED) until the registry knows multi-file releases.
    folder: str = ""

    @property
    def landing_hint(self) -> str:
        return self.how_to_get or f"download {self.url}"

    @property
    def raw_folder(self) -> str:
        return self.folder or self.id


# The publishers' own repositories at pinned commits: immutable, so the files are sha256-pinned.
GIST_URL = (
    "https://raw.githubusercontent.com/GlobalEnergyMonitor/maps/7c863f3c4db039c9ca073352ffc19c794375d46a/"
    "trackers/gist/compilation_output/"
)
GIST_CITATION = (
    "Global Energy Monitor, Global Iron and Steel Tracker, March 2025 release (map files built for GEM's web "
    "map, GlobalEnergyMonitor/maps commit 7c863f3, trackers/gist/compilation_output/)."
)
GIST_HOW_TO_GET = (
    "download the tracker at https://globalenergymonitor.org/projects/global-iron-and-steel-tracker/"
)
POSTED_URL = (
    "https://raw.githubusercontent.com/PhilippVerpoort/posted/7c44a32aba5f0de4572e372a45e7b55c2a2f1afb/"
    "posted/database/tedfs/Tech/"
)
POSTED_CITATION = (
    "Verpoort, P. C. et al., POSTED: Potsdam open-source techno-economic database (PhilippVerpoort/posted "
    "commit 7c44a32, posted/database/tedfs/Tech/); every value cites its own publication and page."
)
POSTED_HOW_TO_GET = (
    "download the file from https://github.com/PhilippVerpoort/posted (posted/database/tedfs/Tech/)"
)


SOURCES: dict[str, Source] = {
    s.id: s
    for s in [
        Source(
            id="gem_coal_plant_tracker",
            title="Global Coal Plant Tracker (GCPT), July 2023",
            publisher="Global Energy Monitor",
            licence="CC BY 4.0",
            citation="Global Coal Plant Tracker, Global Energy Monitor, July 2023 release.",
            # The publisher's download sits behind a request form; this is a byte-identical public copy.
            url="https://raw.githubusercontent.com/mihir080/CoalPlantTracker/"
            "45a9ff4eb89d98d8419d7a6b74dc077f6e2a54e0/Global-Coal-Plant-Tracker-July-2023.xlsx",
            filename="Global-Coal-Plant-Tracker-July-2023.xlsx",
            format="xlsx",
            sha256="3448663454a23762cf6d05d2917a69df3b8159c110955b3363b06dcfd2bf1994",
            how_to_get=(
                "request the workbook at https://globalenergymonitor.org/projects/global-coal-plant-tracker/"
                "download-data/ and save it as data/raw/gem_coal_plant_tracker/"
                "Global-Coal-Plant-Tracker-July-2023.xlsx, or set BCM_URL_GEM_COAL_PLANT_TRACKER to a URL of it"
            ),
        ),
        Source(
            id="gem_oil_gas_plant_tracker",
            title="Global Oil and Gas Plant Tracker (GOGPT), February 2024 (v4)",
            publisher="Global Energy Monitor",
            licence="CC BY 4.0",
            citation="Global Energy Monitor, Global Oil and Gas Plant Tracker, February 2024 release.",
            url="https://raw.githubusercontent.com/sametgirgin/Oil-Gas-Power-Plant/"
            "c41d117b78d4634b6f6ddea9034f54f0b1e29046/"
            "Global-Oil-and-Gas-Plant-Tracker-GOGPT-February-2024-v4.xlsx",
            filename="Global-Oil-and-Gas-Plant-Tracker-GOGPT-February-2024-v4.xlsx",
            format="xlsx",
            sha256="e34beca737384dad1b00c2af131cbb5615ee750a2ebfab85b5eaa911b08b6f6d",
            how_to_get=(
                "request the workbook at https://globalenergymonitor.org/projects/global-oil-gas-plant-tracker/"
                "download-data/ and save it in data/raw/gem_oil_gas_plant_tracker/"
            ),
        ),
        Source(
            id="cea_india_co2_baseline",
            title="CEA CO2 Baseline Database for the Indian Power Sector, version 15.0",
            publisher="Central Electricity Authority, Government of India",
            licence="Public government release (no licence stated)",
            citation="Central Electricity Authority (2019). CO2 Baseline Database for the Indian Power Sector, "
            "Version 15.0, December 2019.",
            url="https://raw.githubusercontent.com/wri/global-power-plant-database/"
            "7a91cfbb2a4e272597acbc00506d61fc1ec73b3d/raw_source_files/IND/database_15.zip",
            filename="database_15.zip",
            format="zip",
            sha256="af19832f4577ba45de331a6108d0fb9235c91e5adfa7680a40cc0c9fc8c0e818",
            how_to_get="download version 15 from https://cea.nic.in/cdm-co2-baseline-database/",
        ),
        Source(
            id="ifi_grid_factors",
            title="Harmonized IFI Default Grid Factors 2021 v3.2",
            publisher="IFI Technical Working Group on GHG Accounting (via UNFCCC)",
            licence="Public UNFCCC document (no licence stated)",
            citation="Harmonized IFI Default Grid Factors 2021 v3.2 (April 2022), https://unfccc.int/documents/461676",
            url="https://raw.githubusercontent.com/adewoye-saheed-dML/EV-vs-ICE-Lifecycle-Carbon-Breakeven/"
            "17581f20b9776c4cba31d38444b2834ebeb88a47/data/raw/IFI_Grid_Factors_2021_v3.2.xlsx",
            filename="IFI_Grid_Factors_2021_v3.2.xlsx",
            format="xlsx",
            sha256="919c1c2bc4d9aba82ecbae2d24a52d78cad56ebac8911894e72715a1f1433301",
            how_to_get="download the xlsx from https://unfccc.int/documents/461676",
        ),
        Source(
            id="owid_carbon_intensity",
            title="Carbon intensity of electricity (Our World in Data grapher)",
            publisher="Our World in Data (Ember; Energy Institute Statistical Review)",
            licence="CC BY 4.0",
            citation="Our World in Data, Carbon intensity of electricity generation, based on Ember and the "
            "Energy Institute Statistical Review of World Energy.",
            url="https://ourworldindata.org/grapher/carbon-intensity-electricity.csv",
            filename="carbon-intensity-electricity.csv",
            format="csv",
            max_bytes=20_000_000,
        ),
        Source(
            id="owid_electricity_by_source",
            title="Electricity production by source (Our World in Data grapher)",
            publisher="Our World in Data (Ember; Energy Institute Statistical Review)",
            licence="CC BY 4.0",
            citation="Our World in Data, Electricity production by source, based on Ember's yearly electricity "
            "data and the Energy Institute Statistical Review of World Energy.",
            url="https://ourworldindata.org/grapher/electricity-prod-source-stacked.csv",
            filename="electricity-prod-source-stacked.csv",
            format="csv",
            max_bytes=20_000_000,
        ),
        Source(
            id="wri_gppd_india",
            title="Global Power Plant Database v1.3.0, India: CEA stations with coordinates (CEA_plants.csv)",
            publisher="World Resources Institute",
            licence="CC BY 4.0",
            citation="Global Energy Observatory, Google, KTH Royal Institute of Technology in Stockholm, "
            "Enipedia, World Resources Institute (2021). Global Power Plant Database v1.3.0, resources/IND/"
            "CEA_plants.csv.",
            url="https://raw.githubusercontent.com/wri/global-power-plant-database/"
            "7a91cfbb2a4e272597acbc00506d61fc1ec73b3d/resources/IND/CEA_plants.csv",
            filename="CEA_plants.csv",
            format="csv",
            sha256="cdd2304b8f61c27f0946f6f391b9becf92e45929aafce06708b99748ed938b73",
            max_bytes=5_000_000,
        ),
        Source(
            id="worldbank_pink_sheet",
            title="World Bank Commodity Price Data (Pink Sheet), monthly",
            publisher="World Bank, Prospects Group",
            licence="CC BY 4.0",
            citation="World Bank Commodity Price Data (The Pink Sheet), monthly historical prices.",
            url="https://thedocs.worldbank.org/en/doc/5d903e848db1d1b83e0ec8f744e55570-0350012021/related/"
            "CMO-Historical-Data-Monthly.xlsx",
            filename="CMO-Historical-Data-Monthly.xlsx",
            format="xlsx",
        ),
        # Steel (issue 16). One Source per file until sources have multi-file releases (sources.yaml): the
        # GIST unit and plant files share data/raw/gem_steel_plant_tracker/, the three POSTED files share
        # data/raw/posted_steel_technologies/.
        Source(
            id="gem_steel_plant_tracker",
            title="Global Iron and Steel Tracker (GIST), March 2025 map file: one row per production unit",
            publisher="Global Energy Monitor",
            licence="CC BY 4.0",
            citation=GIST_CITATION,
            url=GIST_URL + "Iron%20%26%20Steel-map-file-2025-03-18.csv",
            filename="Iron & Steel-map-file-2025-03-18.csv",
            format="csv",
            sha256="4525b6ce86125a8afb4b42ed065c35eff3964cf7930b6a21ec6428ce38d29767",
            max_bytes=20_000_000,
            folder="gem_steel_plant_tracker",
            how_to_get=GIST_HOW_TO_GET,
        ),
        Source(
            id="gem_steel_plant_tracker_plants",
            title="Global Iron and Steel Tracker (GIST), March 2025 map file: one row per plant and status",
            publisher="Global Energy Monitor",
            licence="CC BY 4.0",
            citation=GIST_CITATION,
            url=GIST_URL + "Iron%20%26%20Steel-map-file-2025-03-19.csv",
            filename="Iron & Steel-map-file-2025-03-19.csv",
            format="csv",
            sha256="15183543719a4d1227859d2271bb4a3ef7d47fb4f9d14d2a4cc7c7bf9f884ef2",
            max_bytes=20_000_000,
            folder="gem_steel_plant_tracker",
            how_to_get=GIST_HOW_TO_GET,
        ),
        Source(
            id="posted_steel_technologies",
            title="POSTED techno-economic data: integrated BF-BOF",
            publisher="Philipp C. Verpoort et al., Potsdam Institute for Climate Impact Research (POSTED)",
            licence="CC BY 4.0 (posted/database/LICENSE.md)",
            citation=POSTED_CITATION,
            url=POSTED_URL + "Integrated%20Blast%20Furnace%20and%20Basic%20Oxygen%20Furnace.csv",
            filename="Integrated Blast Furnace and Basic Oxygen Furnace.csv",
            format="csv",
            sha256="69ac0fd0b33521e57f070476ef3d386b198359a2f346fba0a7d24cd99a7111f5",
            max_bytes=5_000_000,
            folder="posted_steel_technologies",
            how_to_get=POSTED_HOW_TO_GET,
        ),
        Source(
            id="posted_steel_technologies_dri",
            title="POSTED techno-economic data: direct reduction of iron",
            publisher="Philipp C. Verpoort et al., Potsdam Institute for Climate Impact Research (POSTED)",
            licence="CC BY 4.0 (posted/database/LICENSE.md)",
            citation=POSTED_CITATION,
            url=POSTED_URL + "Direct%20Reduction%20of%20Iron.csv",
            filename="Direct Reduction of Iron.csv",
            format="csv",
            sha256="449772d8dd5ae76a67285629a46b0bf32bf773a7598a48880691a417738968d5",
            max_bytes=5_000_000,
            folder="posted_steel_technologies",
            how_to_get=POSTED_HOW_TO_GET,
        ),
        Source(
            id="posted_steel_technologies_eaf",
            title="POSTED techno-economic data: electric arc furnace",
            publisher="Philipp C. Verpoort et al., Potsdam Institute for Climate Impact Research (POSTED)",
            licence="CC BY 4.0 (posted/database/LICENSE.md)",
            citation=POSTED_CITATION,
            url=POSTED_URL + "Electric%20Arc%20Furnace.csv",
            filename="Electric Arc Furnace.csv",
            format="csv",
            sha256="ed78324f52215dcdc5b96bdbad5a518cf058fdfe232ffe8562fc79d304ef42eb",
            max_bytes=5_000_000,
            folder="posted_steel_technologies",
            how_to_get=POSTED_HOW_TO_GET,
        ),
        # Article 6.2 deals and JCM projects (issue 15).
        Source(
            id="unepccc_article6_pipeline",
            title="UNEP-CCC Article 6 Pipeline (data as of 2026-02-28), as JSON",
            publisher="UNEP Copenhagen Climate Centre (compiled to JSON by hirotomurayama-coder/carbon-intelligence)",
            licence="UNEP-CCC public database (no licence stated); the JSON's repository has no licence file",
            citation="UNEP Copenhagen Climate Centre, Article 6 Pipeline, https://unepccc.org/article-6-pipeline/ "
            "(data as of 2026-02-28); JSON built by scripts/build-article6-data.py of "
            "hirotomurayama-coder/carbon-intelligence (commit 85ffec1).",
            # The publisher's Excel workbook, converted by the script above; this is that commit's JSON.
            url="https://raw.githubusercontent.com/hirotomurayama-coder/carbon-intelligence/"
            "85ffec1754ef8cb6528e0ec6647b2f3c038514c3/src/data/article6-pipeline.json",
            filename="article6-pipeline.json",
            format="json",
            sha256="315e63e5b228eb32d5f95d0159292bcc41fce287973ffe3d555ebc40cebdd38b",
            max_bytes=20_000_000,
            how_to_get="download the Article 6 Pipeline workbook at https://unepccc.org/article-6-pipeline/ and "
            "convert it with scripts/build-article6-data.py of hirotomurayama-coder/carbon-intelligence",
        ),
        Source(
            id="cdm_power_projects",
            title="CDM power projects (WRI Global Power Plant Database v1.3.0 compilation of the UNEP DTU CDM pipeline)",
            publisher="World Resources Institute (from the UNEP DTU CDM/JI Pipeline)",
            licence="CC BY 4.0",
            citation="World Resources Institute (2021). Global Power Plant Database v1.3.0, "
            "source_databases_csv/database_CDMDB.csv (Clean Development Mechanism, https://cdm.unfccc.int).",
            url="https://raw.githubusercontent.com/wri/global-power-plant-database/"
            "7a91cfbb2a4e272597acbc00506d61fc1ec73b3d/source_databases_csv/database_CDMDB.csv",
            filename="database_CDMDB.csv",
            format="csv",
            sha256="6e26bf464483a0cb827c749e87142d004f8712c3dad79115aec54832f91f3efd",
            max_bytes=20_000_000,
        ),
    ]
}
