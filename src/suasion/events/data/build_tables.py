"""Development script: rebuild the CSV reference tables in this folder from their public origins.

Run from the repository root with the raw lookups of the project's shared data folder:

    .venv/bin/python src/suasion/events/data/build_tables.py ../shared/data/events/lookups

Nothing reads this at run time; the CSVs it writes are shipped as package data. Origins
(see ``src/suasion/data/NOTICE``):

* ``goldstein_gdelt.csv``, ``cameo_eventcodes.csv``: GDELT lookup tables ``CAMEO.goldsteinscale.txt`` and
  ``CAMEO.eventcodes.txt`` (2013 copy, mpiccirilli/UNDP-BCPR-Project@e009a802); the 044 label's mojibake
  is repaired ("Meet at a third location").
* ``goldstein_icews.csv``: ``data-raw/cameo-codes.csv`` of andybega/icews@3746c729 (ICEWS/Parus variant).
* ``quadclass.csv``: QuadClass of every CAMEO code under four schemes (gdelt, icews, phoenix, plover); root-level
  maps from GDELT data, the icews R package, phoenix_pipeline ``postprocess.py`` and the PLOVER 2021
  crosswalk (CAMEO 081-083 CONCEDE -> verbal cooperation, 084-087 RETREAT -> material cooperation, 01/02 dropped).
* ``cameo_countries.csv``: ISO 3166-1 alpha-3 codes (pycountry, from the Debian iso-codes data), CAMEO region
  codes (CAMEO manual 1.1b3 Table 3.3 plus WSB, BAG, GZS of GDELT), international generic codes (Table 3.2)
  and historic codes.
* ``icews_countries.csv``: ICEWS country names -> ISO3 (pycountry names plus aliases seen in ICEWS).
* ``actor_types.csv``: CAMEO role codes (manual Table 3.1) and GDELT's type additions.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

ROOT_QUAD = {
    #      gdelt icews phoenix plover
    "01": (1, 1, 0, None),
    "02": (1, 1, 0, None),
    "03": (1, 1, 1, 1),
    "04": (1, 1, 1, 1),
    "05": (1, 1, 1, 1),
    "06": (2, 2, 2, 2),
    "07": (2, 2, 2, 2),
    "08": (2, 2, 2, 2),
    "09": (2, 3, 3, 2),
    "10": (3, 3, 3, 3),
    "11": (3, 3, 3, 3),
    "12": (3, 3, 3, 3),
    "13": (3, 3, 3, 3),
    "14": (3, 4, 4, 4),
    "15": (4, 4, 4, 4),
    "16": (4, 4, 3, 3),
    "17": (4, 4, 4, 4),
    "18": (4, 4, 4, 4),
    "19": (4, 4, 4, 4),
    "20": (4, 4, 4, 4),
}

REGIONS = {
    "AFR": "Africa",
    "ASA": "Asia",
    "BLK": "Balkans",
    "CRB": "Caribbean",
    "CAU": "Caucasus",
    "CFR": "Central Africa",
    "CAS": "Central Asia",
    "CEU": "Central Europe",
    "EIN": "East Indies",
    "EAF": "Eastern Africa",
    "EEU": "Eastern Europe",
    "EUR": "Europe",
    "LAM": "Latin America",
    "MEA": "Middle East",
    "MDT": "Mediterranean",
    "NAF": "North Africa",
    "NMR": "North America",
    "PGS": "Persian Gulf",
    "SCN": "Scandinavia",
    "SAM": "South America",
    "SAS": "South Asia",
    "SEA": "Southeast Asia",
    "SAF": "Southern Africa",
    "WAF": "West Africa",
    "WST": "the West",
    "WSB": "West Bank",
    "BAG": "Baghdad",
    "GZS": "Gaza Strip",
}
INTERNATIONAL = {
    "IGO": "Inter-governmental organisation",
    "IMG": "International militarised group",
    "INT": "International actor, unspecified",
    "MNC": "Multinational corporation",
    "NGM": "Non-governmental movement",
    "NGO": "Non-governmental organisation",
    "UIS": "Unidentified state actor",
}
# historic states keep their own ISO 3166-3 code: they are states of their time, not today's successor
HISTORIC = {
    "YUG": "Yugoslavia",
    "SCG": "Serbia and Montenegro",
    "CSK": "Czechoslovakia",
    "SUN": "Soviet Union",
    "DDR": "German Democratic Republic",
    "ZAR": "Zaire",
    "TMP": "East Timor",
    "ROM": "Romania (old code)",
}
ALIASES_TO_ISO3 = {"KSV": "XKX", "XKX": "XKX", "ROM": "ROU", "TMP": "TLS", "ZAR": "COD"}

ICEWS_ALIASES = {
    "Cote d'Ivoire": "CIV",
    "Ivory Coast": "CIV",
    "Democratic Republic of Congo": "COD",
    "Congo, Democratic Republic of": "COD",
    "Republic of Congo": "COG",
    "Congo": "COG",
    "Holy See": "VAT",
    "Occupied Palestinian Territory": "PSE",
    "Palestine": "PSE",
    "Swaziland": "SWZ",
    "Turkey": "TUR",
    "the former Yugoslav Republic of Macedonia": "MKD",
    "Macedonia": "MKD",
    "Kosovo": "XKX",
    "Serbia and Montenegro": "SCG",
    "Yugoslavia": "YUG",
    "Russia": "RUS",
    "Iran": "IRN",
    "Syria": "SYR",
    "South Korea": "KOR",
    "North Korea": "PRK",
    "Laos": "LAO",
    "Vietnam": "VNM",
    "Bolivia": "BOL",
    "Venezuela": "VEN",
    "Tanzania": "TZA",
    "Moldova": "MDA",
    "Burma": "MMR",
    "Myanmar": "MMR",
    "Czech Republic": "CZE",
    "East Timor": "TLS",
    "Timor-Leste": "TLS",
    "Cape Verde": "CPV",
    "Brunei": "BRN",
    "Micronesia": "FSM",
    "Taiwan": "TWN",
    "Bahamas": "BHS",
    "Gambia": "GMB",
    "United States": "USA",
    "United Kingdom": "GBR",
    "Great Britain": "GBR",
    "Vatican City": "VAT",
    "Sao Tome and Principe": "STP",
    "Saint Kitts and Nevis": "KNA",
    "Saint Lucia": "LCA",
    "Saint Vincent and the Grenadines": "VCT",
    "Curacao": "CUW",
    "Reunion": "REU",
    "Hong Kong": "HKG",
    "Macau": "MAC",
    "Western Sahara": "ESH",
}

ACTOR_TYPES = [
    ("COP", "Police forces", "primary"),
    ("GOV", "Government", "primary"),
    ("INS", "Insurgents", "primary"),
    ("JUD", "Judiciary", "primary"),
    ("MIL", "Military", "primary"),
    ("OPP", "Political opposition", "primary"),
    ("REB", "Rebels", "primary"),
    ("SEP", "Separatist rebels", "primary"),
    ("SPY", "State intelligence services", "primary"),
    ("UAF", "Armed forces not aligned with government", "primary"),
    ("AGR", "Agriculture", "secondary"),
    ("BUS", "Business", "secondary"),
    ("CRM", "Criminal", "secondary"),
    ("CVL", "Civilian", "secondary"),
    ("DEV", "Development", "secondary"),
    ("EDU", "Education", "secondary"),
    ("ELI", "Elites", "secondary"),
    ("ENV", "Environmental", "secondary"),
    ("HLH", "Health", "secondary"),
    ("HRI", "Human rights", "secondary"),
    ("LAB", "Labour", "secondary"),
    ("LEG", "Legislature", "secondary"),
    ("MED", "Media", "secondary"),
    ("REF", "Refugees", "secondary"),
    ("MOD", "Moderate", "tertiary"),
    ("RAD", "Radical", "tertiary"),
    ("PTY", "Political party", "party"),
    ("IGO", "Inter-governmental organisation", "international"),
    ("IMG", "International militarised group", "international"),
    ("INT", "International actor, unspecified", "international"),
    ("MNC", "Multinational corporation", "international"),
    ("NGM", "Non-governmental movement", "international"),
    ("NGO", "Non-governmental organisation", "international"),
    ("UIS", "Unidentified state actor", "international"),
    ("SET", "Settler", "gdelt"),
    ("AMN", "Amnesty International", "gdelt"),
    ("IRC", "Red Cross", "gdelt"),
    ("GRP", "Greenpeace", "gdelt"),
    ("UNO", "United Nations", "gdelt"),
    ("PKO", "Peacekeepers", "gdelt"),
]


def _plover_quad(code: str) -> int | None:
    root = code[:2]
    if root == "08":
        return 1 if code[:3] in {"081", "082", "083"} else 2
    return ROOT_QUAD[root][3]


def main(lookups: Path) -> None:
    import pycountry

    with open(lookups / "CAMEO.goldsteinscale.txt", encoding="utf-8") as fh:
        gdelt = list(csv.reader(fh, delimiter="\t"))[1:]
    with open(lookups / "CAMEO.eventcodes.txt", encoding="utf-8", errors="replace") as fh:
        labels = list(csv.reader(fh, delimiter="\t"))[1:]
    with open(lookups / "icews_pkg_cameo-codes.csv", encoding="utf-8") as fh:
        icews = list(csv.DictReader(fh))

    with open(HERE / "goldstein_gdelt.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "goldstein"])
        for code, value in gdelt:
            w.writerow([code, f"{float(value):.1f}"])
    with open(HERE / "goldstein_icews.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "goldstein"])
        for row in icews:
            w.writerow([row["code"], f"{float(row['goldstein']):.1f}"])
    with open(HERE / "cameo_eventcodes.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "label"])
        for code, label in labels:
            if code == "044":
                label = "Meet at a third location"
            w.writerow([code, label])
    codes = sorted({c for c, _ in gdelt} | {r["code"] for r in icews})
    with open(HERE / "quadclass.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "gdelt", "icews", "phoenix", "plover"])
        for code in codes:
            g, i, p, _ = ROOT_QUAD[code[:2]]
            pl = _plover_quad(code)
            w.writerow([code, g, i, p, "" if pl is None else pl])
    with open(HERE / "cameo_countries.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "iso3", "kind", "name"])
        seen = set()
        for c in sorted(pycountry.countries, key=lambda c: c.alpha_3):
            w.writerow([c.alpha_3, c.alpha_3, "state", getattr(c, "common_name", None) or c.name])
            seen.add(c.alpha_3)
        for code, iso3 in ALIASES_TO_ISO3.items():
            if code not in seen and code not in HISTORIC:
                w.writerow([code, iso3, "state", "alias of " + iso3])
                seen.add(code)
        for code, name in HISTORIC.items():
            if code not in seen:
                w.writerow([code, ALIASES_TO_ISO3.get(code, code), "historic", name])
                seen.add(code)
        for code, name in REGIONS.items():
            w.writerow([code, "", "region", name])
        for code, name in INTERNATIONAL.items():
            w.writerow([code, "", "international", name])
    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                names[value] = c.alpha_3
    names.update(ICEWS_ALIASES)
    with open(HERE / "icews_countries.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["name", "iso3"])
        for name in sorted(names):
            w.writerow([name, names[name]])
    with open(HERE / "actor_types.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "label", "level"])
        w.writerows(ACTOR_TYPES)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
