"""Issue 12's pure functions on small hand-made worlds, every number worked out by hand here: the units in
both GEM trackers (one kept), CEA station <-> GEM unit matching, calibrated capacity factors."""

from __future__ import annotations

import pandas as pd
import pytest

from bcm_pipeline.activity.calibration import calibrate, online_share
from bcm_pipeline.activity.duplicates import site_number, tracker_duplicate_units
from bcm_pipeline.activity.matching import match_cea_stations, name_scores

pytestmark = pytest.mark.unit

H = 8760


# --- one unit, counted once -------------------------------------------------------------------------


def _coal(rows):
    cols = ["gem_unit_id", "gem_location_id", "country_iso3", "plant_name", "unit_name", "capacity_mw", "status",
            "start_year"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols).astype({"start_year": "Int64"})


def _gas(rows):
    cols = ["gem_unit_id", "gem_location_id", "country_iso3", "plant_name", "unit_name", "capacity_mw", "status",
            "start_year", "fuel"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols).astype({"start_year": "Int64"})


def test_site_number_is_shared_by_the_trackers():
    # Glow Energy power complex: coal tracker L103583, oil/gas tracker L100000103583.
    assert site_number(pd.Series(["L103583", "L100000103583", "L100001000739"])).tolist() == [
        103583,
        103583,
        1000739,
    ]


def test_duplicate_pairs_by_hand():
    coal = _coal(
        [
            (
                "C1",
                "L103583",
                "THA",
                "Glow Energy power complex",
                "SPP 2 & 3 Unit 1",
                222.0,
                "operating",
                1999,
            ),
            (
                "C2",
                "L103583",
                "THA",
                "Glow Energy power complex",
                "SPP 2 & 3 Unit 2",
                222.0,
                "operating",
                1999,
            ),
            ("C3", "L103583", "THA", "Glow Energy power complex", "Unit CFB 3", 85.0, "operating", 2010),
            ("K1", "L200", "KAZ", "Karaganda TPS-2", "Unit 1", 100.0, "operating", 1973),
            ("T5", "L300", "JPN", "Tobata", "Unit 5", 110.0, "operating", 2010),
            ("W1", "L400", "AAA", "Wide", "Unit 1", 100.0, "operating", 2000),
        ]
    )
    gas = _gas(
        [
            # Same site, coal among the fuels, same size and year: the same units (unit numbers pair them).
            (
                "G2",
                "L100000103583",
                "THA",
                "Glow Energy power complex",
                "2",
                222.0,
                "operating",
                1999,
                "NG/C",
            ),
            (
                "G1",
                "L100000103583",
                "THA",
                "Glow Energy power complex",
                "1",
                222.0,
                "operating",
                1999,
                "NG/C",
            ),
            # Gas only on the coal site: another unit (a replacement), never paired.
            ("G4", "L100000103583", "THA", "Glow Energy Phase 4", "1", 85.0, "operating", 2010, "NG"),
            # A planned conversion listed as an announced multi-fuel unit: the operating record wins.
            ("Y1", "L100000000200", "KAZ", "Karaganda TPS-2", "1", 100.0, "announced", None, "NG/C/FO"),
            # Coal listed first: the coal tracker's record is kept.
            ("Z5", "L100000000300", "JPN", "Tobata", "5", 110.0, "operating", 2010, "C/LNG"),
            # 106 MW vs 100 MW: 5.7 % apart, more than 2 %: not the same unit.
            ("V1", "L100000000400", "AAA", "Wide", "1", 106.0, "operating", 2000, "NG/C"),
        ]
    )
    d = tracker_duplicate_units(coal, gas).set_index("coal_gem_unit_id")
    assert sorted(d.index) == ["C1", "C2", "K1", "T5"]
    assert d.loc["C1", "gas_oil_gem_unit_id"] == "G1" and d.loc["C2", "gas_oil_gem_unit_id"] == "G2"
    assert d.loc["C1", "kept_unit_source"] == "gas_oil_units" and d.loc["C1", "dropped_gem_unit_id"] == "C1"
    assert "NG is the unit's first-listed fuel" in d.loc["C1", "rule"]
    assert d.loc["K1", "kept_gem_unit_id"] == "K1" and "operating vs announced" in d.loc["K1", "rule"]
    assert d.loc["T5", "kept_unit_source"] == "coal_units" and d.loc["T5", "dropped_gem_unit_id"] == "Z5"


# --- CEA station <-> GEM unit ------------------------------------------------------------------------


def test_stage_numbers_keep_like_names_apart():
    s = name_scores(
        ["NEYVELI ST I", "NEYVELI ST II", "F_BAD CCGT", "UKAI_Coal"],
        ["Neyveli Thermal Power Station I", "Neyveli Thermal Power Station II", "Faridabad Combined Cycle power plant",
         "Ukai Thermal Power Station"],
    )  # fmt: skip
    assert s[0, 0] == 100 and s[1, 1] == 100  # the same stage
    assert s[0, 1] <= 60 and s[1, 0] <= 60  # 'ST I' is not 'Station II': 40 points off
    assert s[2, 2] == 90  # CEA's underscore abbreviation F_BAD = Faridabad
    assert s[3, 3] == 100  # '_Coal' tells a site's fuels apart, not the station


def _cea(rows):
    cols = ["s_no", "station_name", "unit_no", "is_station_total", "commissioned_date", "capacity_mw", "state",
            "fuel_1", "net_generation_mwh", "co2_t", "ef_t_per_mwh"]  # fmt: skip
    df = pd.DataFrame(rows, columns=cols)
    df["commissioned_date"] = pd.to_datetime(df["commissioned_date"]).dt.date
    return df


def _units(rows):
    cols = ["unit_source", "gem_unit_id", "gem_location_id", "plant_name", "unit_name", "fuel_class", "capacity_mw",
            "status", "start_year", "retired_year", "captive", "subnational_unit", "latitude", "longitude"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols).astype({"start_year": "Int64", "retired_year": "Int64"})


@pytest.fixture(scope="module")
def matches():
    n = None
    cea = _cea(
        [
            (219, "KORBA STPS", 0, True, n, 700.0, "CHATTISGARH", "COAL", 4_000_000.0, 3_900_000.0, 0.975),
            (219, "KORBA STPS", 1, False, "1983-03-01", 200.0, "CHATTISGARH", "COAL", n, n, n),
            (219, "KORBA STPS", 2, False, "1987-05-31", 500.0, "CHATTISGARH", "COAL", n, n, n),
            (221, "KORBA-WEST", 0, True, n, 420.0, "CHATTISGARH", "COAL", 2_500_000.0, 2_500_000.0, 1.0),
            (221, "KORBA-WEST", 1, False, "1983-06-21", 210.0, "CHATTISGARH", "COAL", n, n, n),
            (221, "KORBA-WEST", 2, False, "1984-03-30", 210.0, "CHATTISGARH", "COAL", n, n, n),
            (60, "BINA TPP", 0, True, n, 500.0, "MADHYA PRADESH", "COAL", 2_000_000.0, 2_000_000.0, 1.0),
        ]
    )
    locations = pd.DataFrame(
        [
            ("IND1", "2018-19", 219, "KORBA STPS", 22.3881, 82.6858),
            ("IND2", "2018-19", 221, "KORBA-WEST", 22.4118, 82.6888),
            ("IND3", "2018-19", 60, "BINA TPP", n, n),  # WRI has no coordinates: name and state decide
        ],
        columns=["gppd_id", "fiscal_year", "s_no", "station_name", "latitude", "longitude"],
    )
    ntpc = "Korba Super Thermal Power Station (NTPC)"
    units = _units(
        [
            ("coal_units", "N1", "L1", ntpc, "Unit 1", "coal", 200.0, "operating", 1983, n, n, "Chhattisgarh", 22.3874, 82.6819),
            ("coal_units", "N2", "L1", ntpc, "Unit 2", "coal", 500.0, "operating", 1987, n, n, "Chhattisgarh", 22.3874, 82.6819),
            ("coal_units", "N3", "L1", ntpc, "Unit 3", "coal", 800.0, "operating", 2021, n, n, "Chhattisgarh", 22.3874, 82.6819),
            # Korba West is GEM's 'Hasdeo': no like name, but its units agree with CEA's unit rows.
            ("coal_units", "H1", "L2", "Hasdeo Thermal Power Station", "Unit 1", "coal", 210.0, "operating", 1983, n, n,
             "Chhattisgarh", 22.4060, 82.6890),
            ("coal_units", "H2", "L2", "Hasdeo Thermal Power Station", "Unit 2", "coal", 210.0, "operating", 1984, n, n,
             "Chhattisgarh", 22.4060, 82.6890),
            # A captive plant beside the grid stations.
            ("coal_units", "B1", "L3", "BALCO Korba power station", "Unit 1", "coal", 135.0, "operating", 2005,
             n, "aluminum", "Chhattisgarh", 22.3931, 82.7439),
            ("coal_units", "Z1", "L4", "Bina power station", "Unit 1", "coal", 250.0, "operating", 2012, n, n,
             "Madhya Pradesh", 24.1, 78.2),
            ("coal_units", "Z2", "L4", "Bina power station", "Unit 2", "coal", 250.0, "operating", 2013, n, n,
             "Madhya Pradesh", 24.1, 78.2),
        ]
    )  # fmt: skip
    return match_cea_stations(cea, locations, units, "2018-19").set_index("gem_unit_id")


def test_matching_by_name_distance_and_units(matches):
    m = matches
    assert m.loc["N1", "cea_s_no"] == 219 and m.loc["N1", "match_status"] == "matched"
    assert m.loc["N1", "match_method"] == "plant_name_distance_units" and m.loc["N1", "confidence"] == "high"
    assert m.loc["N1", "cea_unit_no"] == 1 and m.loc["N2", "cea_unit_no"] == 2
    # 700 MW of GEM units ran in FY2018-19 at a 700 MW station.
    assert m.loc["N1", "capacity_ratio"] == pytest.approx(1.0)
    # The 2021 unit is at the station but did not run in the fiscal year: calibrated, and listed.
    assert m.loc["N3", "cea_s_no"] == 219 and m.loc["N3", "match_status"] == "matched_not_in_fiscal_year"
    assert not m.loc["N3", "online_in_fiscal_year"]
    # Hasdeo = KORBA-WEST by its units (sizes and years agree), although the names do not.
    assert m.loc["H1", "cea_s_no"] == 221 and m.loc["H2", "cea_s_no"] == 221
    assert m.loc["H1", "name_score"] < 80
    # The captive plant is not a CEA grid station.
    assert m.loc["B1", "match_status"] == "unmatched" and "captive" in m.loc["B1", "unmatched_reason"]
    # No coordinates in the crosswalk: the same state and a like name.
    assert m.loc["Z1", "cea_s_no"] == 60 and m.loc["Z1", "match_method"] == "name_and_state"


# One degree of latitude is 6371 km x pi / 180 = 111.19 km: the offsets below set the distances.
KM_PER_DEGREE = 6371 * 3.141592653589793 / 180


@pytest.fixture(scope="module")
def hard_matches():
    """Cases the real data showed (CEA v15, FY2018-19), in miniature: rows shared by several GEM units,
    WRI coordinates some 20-35 km off, a station CEA lists with 0 MW."""
    n = None
    cea = _cea(
        [
            # Bandel: GEM lists four 60 MW units and unit 5; CEA two 60 MW rows, two at 0 MW and 215 MW.
            (27, "BANDEL", 0, True, n, 335.0, "WEST BENGAL", "COAL", 1_166_342.0, 1_300_000.0, 1.11),
            (27, "BANDEL", 1, False, "1965-11-30", 60.0, "WEST BENGAL", "COAL", n, n, n),
            (27, "BANDEL", 2, False, "1966-05-31", 60.0, "WEST BENGAL", "COAL", n, n, n),
            (27, "BANDEL", 3, False, "1965-11-30", 0.0, "WEST BENGAL", "COAL", n, n, n),
            (27, "BANDEL", 4, False, "1967-05-31", 0.0, "WEST BENGAL", "COAL", n, n, n),
            (27, "BANDEL", 5, False, "1982-10-08", 215.0, "WEST BENGAL", "COAL", n, n, n),
            # Bokaro: 'B' at GEM's point, 'A EXP' 23.9 km off in WRI's crosswalk.
            (66, "BOKARO B", 0, True, n, 210.0, "JHARKHAND", "COAL", 567_610.0, 600_000.0, 1.06),
            (66, "BOKARO B", 3, False, "1993-03-31", 210.0, "JHARKHAND", "COAL", n, n, n),
            (65, "BOKARO A ''EXP''", 0, True, n, 500.0, "JHARKHAND", "COAL", 2_750_100.0, 2_700_000.0, 0.98),
            (65, "BOKARO A ''EXP''", 1, False, "2016-03-22", 500.0, "JHARKHAND", "COAL", n, n, n),
            # North Chennai, and a 'Chennai power station' 33 km away whose units are of 2010-14.
            (324, "NORTH CHENNAI", 0, True, n, 630.0, "TAMIL NADU", "COAL", 3_632_760.0, 3_500_000.0, 0.96),
            (324, "NORTH CHENNAI", 1, False, "1994-10-25", 210.0, "TAMIL NADU", "COAL", n, n, n),
            (324, "NORTH CHENNAI", 2, False, "1995-03-27", 210.0, "TAMIL NADU", "COAL", n, n, n),
            (324, "NORTH CHENNAI", 3, False, "1996-02-24", 210.0, "TAMIL NADU", "COAL", n, n, n),
            # RattanIndia Nasik: five 270 MW rows, WRI's point 22 km off, no like name; idle that year.
            (308, "NASIK TPP  PH 1", 0, True, n, 1350.0, "MAHARASHTRA", "COAL", 0.0, 0.0, 0.0),
            (308, "NASIK TPP  PH 1", 1, False, "2014-02-25", 270.0, "MAHARASHTRA", "COAL", n, n, n),
            (308, "NASIK TPP  PH 1", 2, False, "2017-02-15", 270.0, "MAHARASHTRA", "COAL", n, n, n),
            # One unit alone agreeing 22 km off is not enough.
            (900, "KHAPARKHEDA", 0, True, n, 500.0, "MAHARASHTRA", "COAL", 3_000_000.0, 3_000_000.0, 1.0),
            (900, "KHAPARKHEDA", 1, False, "2011-08-31", 500.0, "MAHARASHTRA", "COAL", n, n, n),
            # Giral: CEA keeps the station, at 0 MW.
            (137, "GIRAL", 0, True, n, 0.0, "RAJASTHAN", "LIGN", 0.0, 0.0, 0.0),
            (137, "GIRAL", 1, False, "2007-02-28", 0.0, "RAJASTHAN", "LIGN", n, n, n),
            (137, "GIRAL", 2, False, "2008-12-26", 0.0, "RAJASTHAN", "LIGN", n, n, n),
        ]
    )
    locations = pd.DataFrame(
        [
            ("W1", "2018-19", 27, "BANDEL", 22.9957, 88.4038),
            ("W2", "2018-19", 66, "BOKARO B", 23.7829, 85.8834),
            ("W3", "2018-19", 65, "BOKARO A ''EXP''", 23.7829 + 23.9 / KM_PER_DEGREE, 85.8834),
            ("W4", "2018-19", 324, "NORTH CHENNAI", 13.2530, 80.3278),
            ("W5", "2018-19", 308, "NASIK TPP  PH 1", 19.8667 + 22.0 / KM_PER_DEGREE, 74.0817),
            ("W6", "2018-19", 900, "KHAPARKHEDA", 21.0 + 22.0 / KM_PER_DEGREE, 79.0),
            ("W7", "2018-19", 137, "GIRAL", 26.0457, 71.2541),
        ],
        columns=["gppd_id", "fiscal_year", "s_no", "station_name", "latitude", "longitude"],
    )
    bandel, bokaro, nc = (
        "Bandel Thermal Power Station",
        "Bokaro Thermal Power Station",
        "North Chennai Thermal Power Station",
    )
    rattan = "Nasik RattanIndia Thermal Power Project"
    wb, jh, tn, mh = "West Bengal", "Jharkhand", "Tamil Nadu", "Maharashtra"
    units = _units(
        [
            ("coal_units", "BA1", "LB", bandel, "Unit 1", "coal", 60.0, "retired", 1965, 2022, n, wb, 22.9957, 88.4038),
            ("coal_units", "BA2", "LB", bandel, "Unit 2", "coal", 60.0, "operating", 1965, n, n, wb, 22.9957, 88.4038),
            ("coal_units", "BA3", "LB", bandel, "Unit 3", "coal", 60.0, "retired", 1966, 2018, n, wb, 22.9957, 88.4038),
            ("coal_units", "BA4", "LB", bandel, "Unit 4", "coal", 60.0, "retired", 1966, 2018, n, wb, 22.9957, 88.4038),
            ("coal_units", "BA5", "LB", bandel, "Unit 5", "coal", 210.0, "operating", 1982, n, n, wb, 22.9957, 88.4038),
            ("coal_units", "BO3", "LK", bokaro, "Bokaro B Unit 3", "coal", 210.0, "operating", 1993, n, n, jh, 23.7829, 85.8834),
            ("coal_units", "BO5", "LK", bokaro, "Bokaro A Unit 5", "coal", 500.0, "operating", 2016, n, n, jh, 23.7829, 85.8834),
            ("coal_units", "NC1", "LN", nc, "Stage I Unit 1", "coal", 210.0, "operating", 1994, n, n, tn, 13.2530, 80.3278),
            ("coal_units", "NC2", "LN", nc, "Stage I Unit 2", "coal", 210.0, "operating", 1995, n, n, tn, 13.2530, 80.3278),
            ("coal_units", "NC3", "LN", nc, "Stage I Unit 3", "coal", 210.0, "operating", 1996, n, n, tn, 13.2530, 80.3278),
            ("coal_units", "CH1", "LC", "Chennai power station", "Unit I", "coal", 77.0, "operating", 2010, n, n, tn,
             13.2530 + 33.0 / KM_PER_DEGREE, 80.3278),
            ("coal_units", "CH4", "LC", "Chennai power station", "Unit IV", "coal", 180.0, "operating", 2014, n, n, tn,
             13.2530 + 33.0 / KM_PER_DEGREE, 80.3278),
            ("coal_units", "RI1", "LR", rattan, "Phase I Unit 1", "coal", 270.0, "operating", 2014, n, n, mh, 19.8667, 74.0817),
            ("coal_units", "RI2", "LR", rattan, "Phase I Unit 2", "coal", 270.0, "operating", 2017, n, n, mh, 19.8667, 74.0817),
            ("coal_units", "K1", "LX", "Koradi Mahagenco extension", "Unit 1", "coal", 500.0, "operating", 2011, n, n, mh,
             21.0, 79.0),
            ("coal_units", "G1", "LG", "Giral power station", "Unit 1", "coal", 125.0, "operating", 2007, n, n,
             "Rajasthan", 26.0457, 71.2541),
            ("coal_units", "G2", "LG", "Giral power station", "Unit 2", "coal", 125.0, "operating", 2009, n, n,
             "Rajasthan", 26.0457, 71.2541),
        ]
    )  # fmt: skip
    return match_cea_stations(cea, locations, units, "2018-19").set_index("gem_unit_id")


def test_each_cea_unit_row_holds_one_gem_unit(hard_matches):
    """Bandel: all five GEM units (4 x 60 + 210 = 450 MW) exceed 1.15 x 335 = 385.25 MW, so they go one by
    one. GEM's four 60 MW units (1965, 1965, 1966, 1966) all agree with CEA's two 60 MW rows (1965, 1966);
    two take them, and unit 5 (210 MW, 1982) takes the 215 MW row of 1982: 60 + 60 + 210 = 330 MW <=
    385.25. Units 3 and 4 agree in year (1966 vs 1965 and 1967) with the rows CEA lists at 0 MW: at the
    station, not running (60 more would make 390 > 385.25 anyway)."""
    m = hard_matches
    assert m.loc["BA5", "match_status"] == "matched" and m.loc["BA5", "cea_unit_no"] == 5
    assert m.loc["BA5", "match_method"] == "unit_size_and_year"
    assert {m.loc["BA1", "cea_unit_no"], m.loc["BA2", "cea_unit_no"]} == {1, 2}
    assert m.loc["BA5", "capacity_ratio"] == pytest.approx(330 / 335)
    for u, row in (("BA3", 3), ("BA4", 4)):
        assert m.loc[u, "match_status"] == "matched_not_in_fiscal_year" and m.loc[u, "cea_s_no"] == 27
        assert m.loc[u, "cea_unit_no"] == row and m.loc[u, "match_method"] == "idle_cea_unit_row"
        assert not m.loc[u, "online_in_fiscal_year"] and "0 MW" in m.loc[u, "unmatched_reason"]


def test_a_like_name_beyond_wri_coordinates_needs_agreeing_units(hard_matches):
    """Bokaro A unit 5 (500 MW, 2016) agrees with the row of 'BOKARO A EXP' (500 MW, 22 March 2016) whose
    WRI point is 23.9 km off, named alike (>= 90) in the same state: matched. 'Chennai power station'
    (33 km from 'NORTH CHENNAI', named alike: 95) has units of 2010 and 2014 against CEA's 1994-96 and
    257 MW against 630 (fit 0.41): another plant, unmatched, and North Chennai's three 210 MW units fill
    the station (630 / 630)."""
    m = hard_matches
    assert m.loc["BO5", "cea_s_no"] == 65 and m.loc["BO5", "match_status"] == "matched"
    assert m.loc["BO5", "distance_km"] == pytest.approx(23.9, abs=0.05) and m.loc["BO5", "name_score"] >= 90
    assert m.loc["BO3", "cea_s_no"] == 66
    for u in ("CH1", "CH4"):
        assert m.loc[u, "match_status"] == "unmatched" and pd.isna(m.loc[u, "cea_s_no"])
    for u, row in (("NC1", 1), ("NC2", 2), ("NC3", 3)):
        assert m.loc[u, "cea_s_no"] == 324 and m.loc[u, "cea_unit_no"] == row
    assert m.loc["NC1", "capacity_ratio"] == pytest.approx(1.0)


def test_every_unit_agreeing_places_a_plant_within_max_km(hard_matches):
    """RattanIndia Nasik's two units (270 MW, 2014 and 2017) agree with both rows of 'NASIK TPP PH 1'
    (270 MW, February 2014 and February 2017), 22 km off and named unlike (< 80): the plant is the station
    (540 / 1350 MW; CEA's net generation that year is 0). One unit agreeing 22 km off (Koradi's 500 MW of
    2011 and 'KHAPARKHEDA' 500 MW, August 2011) is not enough."""
    m = hard_matches
    assert m.loc["RI1", "cea_s_no"] == 308 and m.loc["RI2", "cea_s_no"] == 308
    assert m.loc["RI1", "match_method"] == "plant_name_distance_units" and m.loc["RI1", "name_score"] < 80
    assert m.loc["RI1", "distance_km"] == pytest.approx(22.0, abs=0.05)
    assert m.loc["K1", "match_status"] == "unmatched"


def test_a_station_cea_lists_at_zero_mw(hard_matches):
    """Giral (GEM: 2 x 125 MW, 2007 and 2009, 'operating'): CEA's GIRAL is 0 MW, its rows of February 2007
    and December 2008 at 0 MW: at the station, not in CEA's capacity of the year (calibrated, said so)."""
    m = hard_matches
    for u, row in (("G1", 1), ("G2", 2)):
        assert m.loc[u, "match_status"] == "matched_not_in_fiscal_year" and m.loc[u, "cea_s_no"] == 137
        assert m.loc[u, "cea_unit_no"] == row and m.loc[u, "cea_station_capacity_mw"] == 0
        assert m.loc[u, "unmatched_reason"].startswith("at a CEA station that lists the unit with 0 MW")


# --- calibrated capacity factors ---------------------------------------------------------------------


def _fleet(rows):
    cols = ["country_iso3", "fuel_class", "technology", "capacity_mw", "status", "start_year", "retired_year",
            "is_captive"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols).astype({"start_year": "Int64", "retired_year": "Int64"})


def test_online_share_by_hand():
    fleet = _fleet(
        [
            ("AAA", "coal", "subcritical", 1000.0, "operating", 2010, None, False),  # the whole year
            ("AAA", "coal", "subcritical", 500.0, "operating", 2023, None, False),  # started in it: half
            ("AAA", "coal", "subcritical", 300.0, "retired", 1980, 2023, False),  # retired in it: half
            ("AAA", "coal", "subcritical", 200.0, "retired", 1980, 2020, False),  # gone before it
            ("AAA", "coal", "subcritical", 400.0, "mothballed", 1990, None, False),  # idle
            ("AAA", "coal", "supercritical", 600.0, "construction", 2025, None, False),  # not built
            ("AAA", "coal", "subcritical", 100.0, "retired", 1970, None, False),  # retired, year unknown
        ]
    )
    assert online_share(fleet, 2023).tolist() == [1.0, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0]


def test_calibrated_cf_worked_by_hand():
    fleet = _fleet(
        [
            ("AAA", "coal", "subcritical", 1000.0, "operating", 2010, None, True),
            ("AAA", "coal", "subcritical", 500.0, "operating", 2023, None, False),
            ("AAA", "coal", "subcritical", 300.0, "retired", 1980, 2023, False),
            ("AAA", "coal", "supercritical", 600.0, "construction", 2025, None, False),
            ("AAA", "gas", "CC", 1000.0, "operating", 2005, None, False),
            ("AAA", "gas", "GT", 500.0, "operating", 2000, None, False),
            ("BBB", "gas", "CC", 100.0, "operating", 2005, None, False),
            ("BBB", "gas", "GT", 1000.0, "operating", 2000, None, False),
            ("CCC", "coal", "subcritical", 1000.0, "operating", 2000, None, False),
        ]
    )
    national = pd.DataFrame(
        [
            ("AAA", 2022, "coal", 7_000_000.0),
            ("AAA", 2023, "coal", 7_358_400.0),
            ("AAA", 2023, "gas", 5_256_000.0),
            ("BBB", 2023, "gas", 4_380_000.0),
            ("CCC", 2015, "coal", 5_000_000.0),  # 8 years before the tracker: not calibrated
        ],
        columns=["country_iso3", "year", "fuel_class", "generation_mwh"],
    )
    weights = {("coal", "*"): 0.53, ("gas", "CC"): 0.55, ("gas", "GT"): 0.11}
    cf = calibrate(fleet, national, weights, 0.05, 0.95, {"coal": 2023, "gas": 2023}).set_index(
        ["country_iso3", "fuel_class", "technology"]
    )
    # Coal: (1000 + 500 x 0.5 + 300 x 0.5) MW x 8760 h = 12,264,000 MWh; 7,358,400 / 12,264,000 = 0.6.
    assert cf.loc[("AAA", "coal", "subcritical"), "capacity_online_mw"] == pytest.approx(1400)
    assert cf.loc[("AAA", "coal", "subcritical"), "captive_capacity_online_mw"] == pytest.approx(1000)
    assert cf.loc[("AAA", "coal", "subcritical"), "capacity_factor"] == pytest.approx(0.6)
    assert cf.loc[("AAA", "coal", "supercritical"), "capacity_factor"] == pytest.approx(
        0.6
    )  # one weight for coal
    assert cf.loc[("AAA", "coal", "subcritical"), "year"] == 2023
    # Gas, spread by weight: (1000 x 0.55 + 500 x 0.11) x 8760 = 5,299,800; k = 5,256,000 / 5,299,800.
    k = 5_256_000 / 5_299_800
    assert cf.loc[("AAA", "gas", "CC"), "capacity_factor"] == pytest.approx(k * 0.55)  # 0.5455
    assert cf.loc[("AAA", "gas", "GT"), "capacity_factor"] == pytest.approx(k * 0.11)  # 0.1091
    assert cf.loc[("AAA", "gas", "CC"), "generation_ratio"] == pytest.approx(1.0)
    # BBB: k = 4,380,000 / ((100 x 0.55 + 1000 x 0.11) x 8760) = 3.03, CC 1.67 > 0.95: clamped; the rest,
    # 4,380,000 - 100 x 0.95 x 8760 = 3,547,800 MWh, goes to the GT: 3,547,800 / (1000 x 8760) = 0.405.
    assert cf.loc[("BBB", "gas", "CC"), "capacity_factor"] == 0.95
    assert bool(cf.loc[("BBB", "gas", "CC"), "is_clamped"])
    assert cf.loc[("BBB", "gas", "GT"), "capacity_factor"] == pytest.approx(0.405)
    assert not cf.loc[("BBB", "gas", "GT"), "is_clamped"]
    assert cf.loc[("BBB", "gas", "GT"), "generation_ratio"] == pytest.approx(1.0)
    assert ("CCC", "coal", "subcritical") not in cf.index


def test_reported_units_leave_the_rest_to_calibrate():
    """India-like: units with their own (CEA) generation are left out; the rest of the fleet is calibrated
    to the rest of the national total, in the reported year."""
    fleet = _fleet(
        [
            ("DDD", "coal", "subcritical", 2000.0, "operating", 2000, None, False),  # reported
            ("DDD", "coal", "subcritical", 500.0, "operating", 2005, None, True),  # captive, calibrated
        ]
    ).assign(is_reported=[True, False])
    national = pd.DataFrame([("DDD", 2018, "coal", 15_000_000.0), ("DDD", 2023, "coal", 20_000_000.0)],
                            columns=["country_iso3", "year", "fuel_class", "generation_mwh"])  # fmt: skip
    cf = calibrate(
        fleet, national, {}, 0.05, 0.95, {"coal": 2023}, fixed_years={"DDD": 2018},
        reported_mwh={("DDD", "coal"): 12_372_000.0},
    ).iloc[0]  # fmt: skip
    # (15,000,000 - 12,372,000) / (500 MW x 8760 h) = 2,628,000 / 4,380,000 = 0.6, in 2018.
    assert cf["year"] == 2018 and cf["capacity_online_mw"] == 500
    assert cf["capacity_factor"] == pytest.approx(0.6)
    assert cf["generation_ratio"] == pytest.approx(1.0)
