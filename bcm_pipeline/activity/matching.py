"""Which GEM unit is which CEA station: India's CEA CO2 Baseline Database reports net generation and CO2 per
station; the GEM trackers list units with coordinates. Pure pandas/numpy (no Dagster, no DuckDB).

The rule, in two passes over candidate pairs (same fuel class, within MAX_KM of the station's WRI
coordinates, or named alike in the same state where WRI has no or far-off coordinates):

1. Plant pass. A GEM plant (gem_location_id) goes whole to the CEA station it scores best with, if the
   score clears the bar and the station can hold it: the plant's capacity online in the fiscal year may
   not push the station past CAPACITY_SLACK x CEA's capacity. Score = name similarity (rapidfuzz), the
   share of the plant's units whose size and commissioning year agree with one of the station's CEA unit
   rows, proximity and capacity fit.
2. Unit pass. Units of plants the first pass could not place (a GEM plant split over two CEA stations, or
   a CEA station over two GEM plants) are placed one by one where their size and year agree with a CEA
   unit row no other unit holds, then by an alike name very near, again within the station's capacity.
3. Idle rows. A unit still unplaced whose commissioning year agrees with a unit row CEA lists at 0 MW, at
   a very alike station, is at that station but not in its capacity of the year (retired or idle).

A very alike name in the same state decides alone only where WRI has no coordinates for the station;
where its coordinates lie 20 km or more away it needs agreeing units or capacity as well.

Candidate generation is vectorised over stations x India's GEM plants (a few hundred each): no loop over
all pairs of the world's units.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

MAX_KM = 25.0  # candidates: GEM units this close to the station's WRI coordinates
NAME_ONLY_SCORE = 90.0  # a station without usable coordinates: same state and a name this alike
CAPACITY_SLACK = 1.15  # a station may take GEM capacity up to 15 % above CEA's (rounding, uprates)
UNIT_MW_TOLERANCE = 0.05  # a GEM unit agrees with a CEA unit row within 5 % of size ...
UNIT_YEAR_TOLERANCE = 1  # ... and 1 year of commissioning (GEM: start year; CEA: date of commissioning)
EARTH_RADIUS_KM = 6371.0

# CEA FUEL 1 -> the fuel class of plant_baselines. Naphtha stations are gas turbines (GEM lists them as
# gas or oil); gas and oil stations may match GEM gas, gas/oil or oil units.
CEA_FUEL_CLASS = {"COAL": "coal", "LIGN": "coal", "GAS": "gas", "NAPT": "gas", "DISL": "oil", "OIL": "oil"}

# Words that say what kind of plant it is, not which one (CEA abbreviations and GEM's long names).
GENERIC_WORDS = (
    r"\b(tps|tpp|stps|stpp|ts|ccpp|cccp|ccgt|gt|gpp|ps|pp|cpp|ipp|dg|lig|lignite|power|station|stations|"
    r"thermal|plant|project|super|ultra|mega|umpp|umtpp|extn|ext|exp|expansion|stage|phase|i|ii|iii|iv|v|"
    r"vi|unit|units|complex|gas|based|combined|cycle|ltd|limited|co|company|private|pvt|the|of|and|st|new|"
    r"generating|energy|imp)\b"
)


# CEA tells a site's stations of different fuels apart by a suffix: 'UKAI_Coal', 'TROMBAY_Coal', 'CHANDRAPUR_Oil'.
FUEL_SUFFIX = re.compile(r"_(coal|oil|gas|lig|hydro)\b", re.IGNORECASE)


def normalise_name(name: object) -> str:
    text = re.sub(r"[^a-z0-9]+", " ", FUEL_SUFFIX.sub(" ", str(name or "")).lower())
    return " ".join(re.sub(GENERIC_WORDS, " ", text).split())


def _variants(name: object) -> list[str]:
    """The whole name, the name without its parentheses, and the parenthesised part: CEA writes aliases in
    them ('PRYAGRAJ (BARA) TPP'), GEM owners ('Korba Super Thermal Power Station (NTPC)')."""
    text = str(name or "")
    inside = " ".join(re.findall(r"\((.*?)\)", text))
    outside = re.sub(r"\(.*?\)", " ", text)
    return [normalise_name(text), normalise_name(outside), normalise_name(inside)]


def name_scores(left: list[object], right: list[object]) -> np.ndarray:
    """0-100 similarity of every left name with every right name: the best of token-sort ratio, the
    ratio of the names without spaces, and a partial ratio (x 0.95, names of 5+ letters) over the
    variants of each name."""
    best = np.zeros((len(left), len(right)))
    lv = [_variants(n) for n in left]
    rv = [_variants(n) for n in right]
    # whole x whole, and each side's part outside / inside its parentheses against the other's outside part
    # (the other combinations add nothing the names hold).
    for a, b in ((0, 0), (1, 1), (2, 1), (1, 2)):
        # Distinct one-character sentinels: two empty variants must not score anything.
        x = [v[a] or "\x01" for v in lv]
        y = [v[b] or "\x02" for v in rv]
        xs = [s.replace(" ", "") for s in x]
        ys = [s.replace(" ", "") for s in y]
        best = np.maximum(best, process.cdist(x, y, scorer=fuzz.token_sort_ratio))
        best = np.maximum(best, process.cdist(xs, ys, scorer=fuzz.ratio))
        if a == b:  # a partial match of the whole name or of what stands outside its parentheses
            partial = process.cdist(xs, ys, scorer=fuzz.partial_ratio) * 0.95
            short = np.minimum(
                np.array([len(s) for s in xs])[:, None], np.array([len(s) for s in ys])[None, :]
            )
            best = np.maximum(best, np.where(short >= 5, partial, 0))
    best = np.maximum(best, _abbreviation_scores(left, right))
    return np.clip(best - _designator_penalty(left, right), 0, 100)


NUMERALS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8}


def _designators(name: object) -> frozenset:
    """Stage numbers a name carries ('NEYVELI ST II' -> {2}, 'Neyveli Thermal Power Station I' -> {1})."""
    words = re.sub(r"[^a-z0-9]+", " ", FUEL_SUFFIX.sub(" ", str(name or "")).lower()).split()
    found = {NUMERALS[w] for w in words if w in NUMERALS}
    found |= {int(w) for w in words if w.isdigit() and len(w) == 1}
    return frozenset(found)


def _designator_penalty(left: list[object], right: list[object]) -> np.ndarray:
    """40 points off where both names carry stage numbers and share none: 'ST I' is not 'ST II', although
    the generic words aside the names are alike."""
    a = [_designators(n) for n in left]
    b = [_designators(n) for n in right]
    return np.array([[40.0 if x and y and not (x & y) else 0.0 for y in b] for x in a])


def _abbreviation_scores(left: list[object], right: list[object]) -> np.ndarray:
    """CEA abbreviates with an underscore ('F_BAD' Faridabad, 'K_GUDEM' Kothagudem, 'VINDH_CHAL'): such a
    name scores 90 with a name that starts with the first part and holds the second."""
    out = np.zeros((len(left), len(right)))
    joined = [re.sub(r"[^a-z0-9]", "", str(n or "").lower()) for n in right]
    for i, name in enumerate(left):
        match = re.search(r"\b([a-z]+)_([a-z]+)", FUEL_SUFFIX.sub(" ", str(name or "")).lower())
        if match:
            pattern = re.compile(rf"^{match.group(1)}[a-z]*{match.group(2)}")
            out[i] = [90.0 if pattern.match(j) else 0.0 for j in joined]
    return out


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def _state_key(values: pd.Series) -> np.ndarray:
    # 'CHATTISGARH' / 'Chhattisgarh', 'JAMMU & KASHMIR' / 'Jammu and Kashmir': letters only, a few spellings.
    text = (
        values.fillna("")
        .astype(str)
        .str.upper()
        .str.replace("AND", "")
        .str.replace(r"[^A-Z]", "", regex=True)
    )
    return text.str.replace("HH", "H").str.replace("ORISSA", "ODISHA").to_numpy()


def online_in_fiscal_year(units: pd.DataFrame, fy_start: int) -> pd.Series:
    """True if a unit surely ran in fiscal year fy_start-(fy_start+1) (April to March): started by the
    calendar year the fiscal year begins in (unknown start counts as old) and not retired before it.
    A retired unit without a retirement year is taken as gone. Units started in fy_start + 1 are not
    counted here: only CEA can say whether they came before 31 March (see _assign)."""
    started = units["start_year"].isna() | (units["start_year"] <= fy_start)
    retired = units["status"].eq("retired")
    gone = retired & (units["retired_year"].isna() | (units["retired_year"] < fy_start))
    return (started & ~gone).astype(bool)


def match_cea_stations(
    cea: pd.DataFrame, locations: pd.DataFrame, units: pd.DataFrame, fiscal_year: str
) -> pd.DataFrame:
    """One row per GEM unit in `units` (India's coal, gas and oil units) with the CEA station it is, or why
    it is none.

    cea: cea_india_units rows of `fiscal_year` (station totals and unit rows).
    locations: cea_station_locations (any fiscal years; the ones of `fiscal_year` are used, else the
        station's name in the crosswalk's latest year).
    units: unit_source, gem_unit_id, gem_location_id, plant_name, unit_name, fuel_class, capacity_mw,
        status, start_year, retired_year, captive, subnational_unit, latitude, longitude.
    """
    fy_start = int(fiscal_year[:4])
    every_station = _stations(cea, locations, fiscal_year)
    stations = every_station[every_station["capacity_mw"] > 0].reset_index(drop=True)
    cea_units = cea[~cea["is_station_total"] & cea["s_no"].isin(stations["s_no"])]
    units = units.reset_index(drop=True).copy()
    units["online_in_fiscal_year"] = online_in_fiscal_year(units, fy_start)
    plants = (
        units.groupby("gem_location_id", sort=True)
        .agg(
            plant_name=("plant_name", "first"),
            fuel_class=("fuel_class", "first"),
            state=("subnational_unit", "first"),
            latitude=("latitude", "mean"),
            longitude=("longitude", "mean"),
        )
        .reset_index()
    )
    pairs = _candidate_pairs(stations, plants, units)
    pairs = _unit_agreement(pairs, units, cea_units)
    assigned = _assign(pairs, stations, units, fy_start)
    idle = _idle_rows(every_station, cea, plants, units, assigned)
    assigned = pd.concat([assigned, idle], ignore_index=True)
    return _result(units, every_station, cea_units, assigned, fiscal_year)


def _stations(cea: pd.DataFrame, locations: pd.DataFrame, fiscal_year: str) -> pd.DataFrame:
    """Thermal station totals of the fiscal year (0 MW ones too: see _idle_rows), and their coordinates."""
    st = cea[cea["is_station_total"] & cea["fuel_1"].isin(list(CEA_FUEL_CLASS))]
    st = st[["s_no", "station_name", "capacity_mw", "state", "fuel_1"]].copy()
    st["fuel_class"] = st["fuel_1"].map(CEA_FUEL_CLASS)
    loc = locations[locations["fiscal_year"] == fiscal_year][["s_no", "latitude", "longitude"]]
    if len(loc):
        st = st.merge(loc, on="s_no", how="left")
    else:
        # A CEA version newer than the crosswalk: S_NO is renumbered each version, names are stable.
        latest = locations[locations["fiscal_year"] == locations["fiscal_year"].max()]
        names = latest.drop_duplicates("station_name")[["station_name", "latitude", "longitude"]]
        st = st.merge(names, on="station_name", how="left")
    return st.reset_index(drop=True)


def _candidate_pairs(stations: pd.DataFrame, plants: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """(station, plant) pairs of compatible fuel: near the station, or named alike in the same state."""
    km = haversine_km(
        stations["latitude"].to_numpy()[:, None],
        stations["longitude"].to_numpy()[:, None],
        plants["latitude"].to_numpy()[None, :],
        plants["longitude"].to_numpy()[None, :],
    )
    names = name_scores(stations["station_name"].tolist(), plants["plant_name"].tolist())
    s_fuel = stations["fuel_class"].to_numpy()[:, None]
    p_fuel = plants["fuel_class"].to_numpy()[None, :]
    same_fuel = (s_fuel == p_fuel) | ((s_fuel != "coal") & (p_fuel != "coal"))
    same_state = _state_key(stations["state"])[:, None] == _state_key(plants["state"])[None, :]
    near = np.nan_to_num(km, nan=np.inf) <= MAX_KM
    named = same_state & (names >= NAME_ONLY_SCORE)
    i, j = np.nonzero(same_fuel & (near | named))
    pairs = pd.DataFrame(
        {
            "s_no": stations["s_no"].to_numpy()[i],
            "gem_location_id": plants["gem_location_id"].to_numpy()[j],
            "distance_km": km[i, j],
            "name_score": names[i, j],
            "by_name_only": ~near[i, j],
            "same_state": same_state[i, j],
        }
    )
    return pairs


def _unit_agreement(pairs: pd.DataFrame, units: pd.DataFrame, cea_units: pd.DataFrame) -> pd.DataFrame:
    """Per (station, GEM unit): the CEA unit row (if any) of the same size and commissioning year."""
    cand = pairs.merge(
        units[["gem_location_id", "unit_source", "gem_unit_id", "capacity_mw", "start_year", "captive"]]
    )
    cu = cea_units[["s_no", "unit_no", "capacity_mw", "commissioned_date"]].rename(
        columns={"capacity_mw": "cea_unit_mw"}
    )
    cu = cu.assign(cea_year=pd.to_datetime(cu["commissioned_date"]).dt.year).drop(columns="commissioned_date")
    both = cand[["s_no", "unit_source", "gem_unit_id", "capacity_mw", "start_year"]].merge(cu, on="s_no")
    ok = (both["cea_unit_mw"] - both["capacity_mw"]).abs() <= UNIT_MW_TOLERANCE * both["capacity_mw"]
    ok &= both["start_year"].isna() | ((both["cea_year"] - both["start_year"]).abs() <= UNIT_YEAR_TOLERANCE)
    both = both[ok].assign(
        _gap=(both["cea_year"] - both["start_year"]).abs().fillna(0)
        + (both["cea_unit_mw"] - both["capacity_mw"]).abs() / both["capacity_mw"]
    )
    # Every agreeing CEA unit row, closest first: the assignment below uses each row once.
    agree = (
        both.sort_values(["s_no", "unit_source", "gem_unit_id", "_gap", "unit_no"])
        .groupby(["s_no", "unit_source", "gem_unit_id"])["unit_no"]
        .agg(list)
        .rename("cea_unit_rows")
        .reset_index()
    )
    out = cand.merge(agree, how="left", on=["s_no", "unit_source", "gem_unit_id"])
    out["agrees"] = out["cea_unit_rows"].notna()
    return out


def _accept(
    name_score, distance_km, agree_share, same_state, capacity_fit=0.0, all_agree=False
) -> np.ndarray:
    """The bar a pair must clear: alike names near by, the same capacity on the same site (within 2 km),
    units that agree very near by, every unit of a plant of two or more agreeing within MAX_KM (WRI's
    point may be the town's), or a very alike name in the same state where WRI has no coordinates. Where
    WRI's coordinates are off (the station 20 km or more from the plant), a very alike name in the same
    state needs agreeing units or capacity as well: 'NORTH CHENNAI' 33 km from GEM's 'Chennai power
    station' (units of 2010-14 against CEA's of 1994-96) is another plant."""
    km = np.nan_to_num(np.asarray(distance_km, dtype=float), nan=np.inf)
    no_coordinates = np.isnan(np.asarray(distance_km, dtype=float))
    agree = np.asarray(agree_share, dtype=float)
    fit = np.asarray(capacity_fit, dtype=float)
    named = np.asarray(same_state, dtype=bool) & (np.asarray(name_score) >= NAME_ONLY_SCORE)
    return (
        ((np.asarray(name_score) >= 80) & (km <= 20))
        | ((fit >= 0.95) & (km <= 2))
        | ((agree >= 0.5) & (km <= 10))
        | (np.asarray(all_agree, dtype=bool) & (km <= MAX_KM))
        | (named & no_coordinates)
        | (named & ((agree >= 0.5) | (fit >= 0.9)))
    )


def _assign(pairs: pd.DataFrame, stations: pd.DataFrame, units: pd.DataFrame, fy_start: int) -> pd.DataFrame:
    capacity = stations.set_index("s_no")["capacity_mw"]
    sure = units.set_index(["unit_source", "gem_unit_id"])["online_in_fiscal_year"]
    pairs = pairs.assign(
        sure=sure.reindex(pd.MultiIndex.from_frame(pairs[["unit_source", "gem_unit_id"]])).to_numpy()
    )
    # A unit started in the fiscal year's second calendar year ran in it only if CEA lists it at the
    # station (capacity as on 31 March): then it agrees with one of the station's CEA unit rows.
    late = pairs["start_year"].eq(fy_start + 1).fillna(False).astype(bool)
    pairs["online"] = pairs["sure"] | (late & pairs["agrees"])
    pairs["online_mw"] = pairs["capacity_mw"].where(pairs["online"], 0.0)

    # Pass 1: whole plants.
    plant = (
        pairs.groupby(["s_no", "gem_location_id"])
        .agg(
            name_score=("name_score", "first"),
            distance_km=("distance_km", "first"),
            by_name_only=("by_name_only", "first"),
            same_state=("same_state", "first"),
            agree_share=("agrees", "mean"),
            n_units=("agrees", "size"),
            online_mw=("online_mw", "sum"),
            captive=("captive", "first"),
        )
        .reset_index()
    )
    station_mw = capacity.reindex(plant["s_no"]).to_numpy()
    fit = np.clip(1 - np.abs(plant["online_mw"].to_numpy() - station_mw) / station_mw, 0, 1)
    proximity = np.clip(1 - np.nan_to_num(plant["distance_km"].to_numpy(), nan=MAX_KM) / MAX_KM, 0, 1)
    plant["score"] = (
        0.45 * plant["name_score"] / 100 + 0.25 * plant["agree_share"] + 0.15 * proximity + 0.15 * fit
    )
    all_agree = (plant["agree_share"] >= 1) & (plant["n_units"] >= 2)
    accepted = _accept(
        plant["name_score"], plant["distance_km"], plant["agree_share"], plant["same_state"], fit, all_agree
    )
    # A captive plant (GEM names the industry it serves) sits beside the grid station it is named after
    # ('Durgapur SAIL' by 'DURGAPUR STEEL TPS'): it needs agreeing units, or a name and size that fit.
    captive = plant["captive"].notna() & plant["captive"].astype(str).str.len().gt(0)
    strong = (plant["agree_share"] >= 0.5) | ((plant["name_score"] >= 90) & (fit >= 0.8))
    plant = plant[accepted & (~captive | strong)]
    plant = plant.sort_values(["score", "s_no", "gem_location_id"], ascending=[False, True, True])
    load = dict.fromkeys(capacity.index, 0.0)
    placed_plants: dict[str, int] = {}
    for row in plant.itertuples(index=False):  # a few hundred accepted pairs
        if row.gem_location_id in placed_plants:
            continue
        if load[row.s_no] + row.online_mw > CAPACITY_SLACK * capacity[row.s_no] + 1e-6:
            continue
        load[row.s_no] += row.online_mw
        placed_plants[row.gem_location_id] = row.s_no
    placed = pd.Series(placed_plants, name="s_no").rename_axis("gem_location_id").reset_index()
    chosen = pairs.merge(placed, on=["gem_location_id", "s_no"]).assign(method="plant")

    # Pass 2: units of the plants left over (a GEM plant split over CEA stations, or the reverse), one by
    # one: first where a CEA unit row agrees that no unit holds yet (each row is one unit: GEM's four
    # 60 MW Bandel units agree with CEA's two 60 MW rows and may not crowd out its 210 MW unit 5), then
    # where the name is alike and the station very near.
    chosen_rows = _one_cea_row_each(chosen)
    taken = {(s, int(u)) for s, u in zip(chosen["s_no"], chosen_rows, strict=True) if pd.notna(u)}
    rest = pairs[~pairs["gem_location_id"].isin(list(placed_plants))]
    near = rest["distance_km"].fillna(np.inf) <= 10
    # A captive unit ('BALCO Korba' beside 'KORBA STPS') needs an agreeing CEA unit row, not a name.
    captive = rest["captive"].notna() & rest["captive"].astype(str).str.len().gt(0)
    by_row = rest["agrees"] & _accept(rest["name_score"], rest["distance_km"], 1.0, rest["same_state"])
    by_name = near & (rest["name_score"] >= 85) & ~captive
    rest = rest.assign(by_row=by_row, by_name=by_name)[by_row | by_name]
    proximity = np.clip(1 - rest["distance_km"].fillna(MAX_KM) / MAX_KM, 0, 1)
    rest = rest.assign(score=0.5 * rest["name_score"] / 100 + 0.3 * rest["agrees"] + 0.2 * proximity)
    rest = rest.sort_values(["score", "s_no", "gem_unit_id"], ascending=[False, True, True])
    picked: dict = {}  # rest index -> the CEA unit row it holds (or NA)
    seen: set = set()
    for first in (True, False):
        for idx, row in zip(rest.index, rest.itertuples(index=False), strict=True):
            key = (row.unit_source, row.gem_unit_id)
            if key in seen or not (row.by_row if first else row.by_name):
                continue
            free = [u for u in row.cea_unit_rows if (row.s_no, u) not in taken] if first else [pd.NA]
            if not free or load[row.s_no] + row.online_mw > CAPACITY_SLACK * capacity[row.s_no] + 1e-6:
                continue
            load[row.s_no] += row.online_mw
            seen.add(key)
            picked[idx] = free[0]
            if first:
                taken.add((row.s_no, free[0]))
    placed_units = rest.loc[list(picked)].drop(columns=["score", "by_row", "by_name"]).assign(method="unit")
    out = pd.concat([chosen, placed_units], ignore_index=True)
    out["station_online_mw"] = out["s_no"].map(load)
    out["cea_unit_no"] = pd.array(list(chosen_rows) + list(picked.values()), dtype="Int64")
    return out


def _idle_rows(
    every_station: pd.DataFrame,
    cea: pd.DataFrame,
    plants: pd.DataFrame,
    units: pd.DataFrame,
    assigned: pd.DataFrame,
) -> pd.DataFrame:
    """GEM units left unplaced that CEA lists with 0 MW as on 31 March: a unit row of 0 MW whose
    commissioning year agrees (UNIT_YEAR_TOLERANCE) with the unit's start year, at a station of the fuel
    named very alike (NAME_ONLY_SCORE) in the same state, within MAX_KM or without WRI coordinates. The
    unit is at that station but not in its capacity of the fiscal year, retired or idle ('GIRAL', 2 x 0 MW
    of 2007-08, no generation; Bandel's 60 MW units 3 and 4). Each CEA row is one unit; the closest year
    first. Captive units are left to their captive reason."""
    placed = set(zip(assigned["unit_source"], assigned["gem_unit_id"], strict=True))
    pairs = _candidate_pairs(every_station, plants, units)
    pairs = pairs[
        pairs["same_state"]
        & (pairs["name_score"] >= NAME_ONLY_SCORE)
        & ~(pairs["distance_km"] > MAX_KM)  # NaN: no coordinates
    ]
    rows = cea[~cea["is_station_total"] & cea["capacity_mw"].eq(0)][["s_no", "unit_no", "commissioned_date"]]
    rows = rows.assign(cea_year=pd.to_datetime(rows["commissioned_date"]).dt.year)
    # A captive unit CEA lists with 0 MW may be running for its industry (Jharsuguda Sterlite's units 1,
    # 3, 4 serve the smelter): its captive reason says more.
    grid = units[units["captive"].isna() | units["captive"].astype(str).str.len().eq(0)]
    cand = pairs.merge(grid[["gem_location_id", "unit_source", "gem_unit_id", "start_year"]]).merge(
        rows, on="s_no"
    )
    gap = (cand["cea_year"] - cand["start_year"]).abs()
    keys = pd.MultiIndex.from_frame(cand[["unit_source", "gem_unit_id"]])
    cand = cand[(gap <= UNIT_YEAR_TOLERANCE).fillna(False).to_numpy() & ~keys.isin(list(placed))]
    cand = cand.assign(_gap=gap).sort_values(
        ["_gap", "name_score", "s_no", "gem_unit_id", "unit_no"], ascending=[True, False, True, True, True]
    )
    keep, units_seen, rows_seen = [], set(), set()
    for idx, row in zip(cand.index, cand.itertuples(index=False), strict=True):  # a handful
        if (row.unit_source, row.gem_unit_id) in units_seen or (row.s_no, row.unit_no) in rows_seen:
            continue
        units_seen.add((row.unit_source, row.gem_unit_id))
        rows_seen.add((row.s_no, row.unit_no))
        keep.append(idx)
    cand = cand.loc[keep]
    load = assigned.groupby("s_no")["station_online_mw"].first()
    return pd.DataFrame(
        {
            "unit_source": cand["unit_source"],
            "gem_unit_id": cand["gem_unit_id"],
            "s_no": cand["s_no"],
            "cea_unit_no": cand["unit_no"].astype("Int64"),
            "distance_km": cand["distance_km"],
            "name_score": cand["name_score"],
            "by_name_only": cand["by_name_only"],
            "agrees": False,
            "online": False,
            "method": "idle",
            "station_online_mw": cand["s_no"].map(load).fillna(0.0),
        }
    )


def _one_cea_row_each(assigned: pd.DataFrame) -> pd.Series:
    """The CEA unit row each assigned GEM unit agrees with, each row used once per station (units with
    the fewest agreeing rows choose first)."""
    result = pd.Series(pd.NA, index=assigned.index, dtype="Int64")
    rows = assigned["cea_unit_rows"].dropna()
    order = rows.map(len).sort_values(kind="stable").index
    taken: set = set()
    for idx in order:
        s_no = assigned.at[idx, "s_no"]
        free = [u for u in rows[idx] if (s_no, u) not in taken]
        if free:
            taken.add((s_no, free[0]))
            result[idx] = free[0]
    return result


def _result(
    units: pd.DataFrame,
    stations: pd.DataFrame,
    cea_units: pd.DataFrame,
    assigned: pd.DataFrame,
    fiscal_year: str,
) -> pd.DataFrame:
    cols = [
        "unit_source", "gem_unit_id", "s_no", "cea_unit_no", "distance_km", "name_score", "by_name_only",
        "agrees", "online", "method", "station_online_mw",
    ]  # fmt: skip
    df = units.merge(assigned[cols], how="left", on=["unit_source", "gem_unit_id"])
    # Units started in the fiscal year's second calendar year: running if CEA lists them (see _assign).
    online = df["online"].astype("boolean")
    df["online_in_fiscal_year"] = online.fillna(df["online_in_fiscal_year"].astype("boolean")).astype(bool)
    for col in ("by_name_only", "agrees"):
        df[col] = df[col].astype("boolean").fillna(False).astype(bool)
    st = stations.set_index("s_no")
    df["fiscal_year"] = fiscal_year
    df["cea_s_no"] = df["s_no"].astype("Int64")
    df["cea_station_name"] = df["s_no"].map(st["station_name"])
    df["cea_station_capacity_mw"] = df["s_no"].map(st["capacity_mw"])
    df["cea_unit_no"] = df["cea_unit_no"].astype("Int64")
    df["capacity_ratio"] = df["station_online_mw"] / df["cea_station_capacity_mw"]
    matched = df["s_no"].notna()
    df["match_method"] = np.select(
        [
            matched & df["method"].eq("idle"),
            matched & df["by_name_only"],
            matched & df["method"].eq("unit"),
            matched & df["agrees"],
            matched,
        ],
        [
            "idle_cea_unit_row",
            "name_and_state",
            "unit_size_and_year",
            "plant_name_distance_units",
            "plant_name_distance",
        ],
        default=None,
    )
    df["match_method"] = df["match_method"].where(matched)
    near = df["distance_km"].fillna(np.inf) <= 5
    fits = df["capacity_ratio"].between(0.85, CAPACITY_SLACK)
    strong = df["name_score"].fillna(0) >= 85
    agrees = df["agrees"]
    same_site = (df["distance_km"].fillna(np.inf) <= 2) & df["capacity_ratio"].between(0.95, 1.05)
    df["confidence"] = np.select(
        [
            matched & near & fits & (strong | agrees),
            matched & (((strong | agrees) & (near | fits)) | same_site),
        ],
        ["high", "medium"],
        default="low",
    )
    df["confidence"] = df["confidence"].where(matched)
    df["match_status"] = np.select(
        [matched & df["online_in_fiscal_year"], matched],
        ["matched", "matched_not_in_fiscal_year"],
        default="unmatched",
    )
    df["unmatched_reason"] = _reasons(df, fiscal_year).where(df["match_status"] != "matched")
    keep = [
        "unit_source", "gem_unit_id", "gem_location_id", "plant_name", "unit_name", "fuel_class",
        "capacity_mw", "status", "start_year", "retired_year", "captive", "fiscal_year",
        "online_in_fiscal_year", "match_status", "cea_s_no", "cea_station_name", "cea_unit_no",
        "cea_station_capacity_mw", "match_method", "distance_km", "name_score", "capacity_ratio",
        "confidence", "unmatched_reason",
    ]  # fmt: skip
    return df[keep].sort_values(["unit_source", "gem_unit_id"]).reset_index(drop=True)


def _reasons(df: pd.DataFrame, fiscal_year: str) -> pd.Series:
    fy_start, fy_end = int(fiscal_year[:4]), int(fiscal_year[:4]) + 1
    captive = df["captive"].notna() & df["captive"].astype(str).str.len().gt(0)
    started = df["start_year"]
    return pd.Series(
        np.select(
            [
                df["match_method"].eq("idle_cea_unit_row").fillna(False),
                df["s_no"].notna() & ~df["online_in_fiscal_year"],
                started.gt(fy_end).fillna(False),
                started.eq(fy_end).fillna(False) & ~df["online_in_fiscal_year"],
                ~df["online_in_fiscal_year"],
                captive,
            ],
            [
                f"at a CEA station that lists the unit with 0 MW as on 31 March {fy_end} (retired or idle): "
                f"not in CEA's capacity of FY{fiscal_year}",
                f"at a CEA station, but not running in FY{fiscal_year} (not in CEA's capacity of the year)",
                f"newer than the CEA fiscal year {fiscal_year} (started after {fy_end})",
                f"started in {fy_end}, not in CEA's capacity as on 31 March {fy_end}",
                f"not running in FY{fiscal_year} (retired before {fy_start})",
                "captive plant (GEM: " + df["captive"].astype(str) + "); CEA's database covers grid stations",
            ],
            default="no CEA station of the fuel near by with a like name or agreeing units",
        ),
        index=df.index,
        dtype="string",
    )
