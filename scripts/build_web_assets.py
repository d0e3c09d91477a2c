"""Vendor the workbench's npm assets and project the world map (run by hand when a pin changes).

    cd scripts/web_assets && npm ci && cd ../.. && python scripts/build_web_assets.py

Downloads nothing itself: ``npm ci`` installs the exact versions and integrity hashes pinned in
``scripts/web_assets/package-lock.json``. This script then

1. copies each vendored file and its licence into ``src/suasion/web/static/vendor/`` (axe-core,
   used only by the browser tests, into ``tests/web/vendor/``) and writes ``MANIFEST.json`` beside
   them: package, version, licence, the registry's integrity hash and the file's SHA-256, which
   ``tests/web/test_assets.py`` checks;
2. projects world-atlas ``countries-50m`` with d3-geo's Equal Earth (``project_world.mjs``) and
   writes ``src/suasion/charts/data/world_equal_earth.json``, keyed by ISO3.

Map units without an ISO 3166 numeric code in world-atlas, decided here:

* Kosovo -> ``XKX`` (the code suasion uses for Kosovo);
* Somaliland -> ``SOM`` and N. Cyprus -> ``CYP``: not states in the COW list the panel follows,
  so their territory takes the colour of the state the list counts it in; each keeps its own
  path and name;
* Siachen Glacier (disputed by India and Pakistan) and Indian Ocean Ter. (Australian external
  territories) -> no state: drawn as land without data.

Dependencies and other territories with their own ISO3 (Greenland, Puerto Rico, ...) keep it and
are drawn without data, since the panel holds only states.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NPM = ROOT / "scripts" / "web_assets"
MODULES = NPM / "node_modules"
STATIC = ROOT / "src" / "suasion" / "web" / "static" / "vendor"
TEST_VENDOR = ROOT / "tests" / "web" / "vendor"
WORLD = ROOT / "src" / "suasion" / "charts" / "data" / "world_equal_earth.json"

#: (package, file inside the package, licence file inside the package, destination folder)
VENDORED = (
    ("htmx.org", "dist/htmx.min.js", "LICENSE", STATIC),
    ("@picocss/pico", "css/pico.min.css", "LICENSE.md", STATIC),
    ("d3", "dist/d3.min.js", "LICENSE", STATIC),
    ("axe-core", "axe.min.js", "LICENSE", TEST_VENDOR),
)

NO_NUMERIC_CODE = {"Kosovo": "XKX", "Somaliland": "SOM", "N. Cyprus": "CYP",
                   "Siachen Glacier": None, "Indian Ocean Ter.": None}
CITATION = ("Made with Natural Earth (public domain), via the npm package world-atlas 2.0.2 "
            "(countries-50m, Mike Bostock, ISC); projected with d3-geo 3.1.2 (Equal Earth) and "
            "simplified with topojson-simplify 3.0.3 by scripts/build_web_assets.py")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lock_entry(package: str) -> dict:
    lock = json.loads((NPM / "package-lock.json").read_text())
    return lock["packages"][f"node_modules/{package}"]


def vendor() -> None:
    manifests: dict[Path, dict] = {}
    for package, file, licence, dest in VENDORED:
        dest.mkdir(parents=True, exist_ok=True)
        entry = lock_entry(package)
        meta = json.loads((MODULES / package / "package.json").read_text())
        slug = package.replace("@", "").replace("/", "-")
        target = dest / Path(file).name
        shutil.copyfile(MODULES / package / file, target)
        licence_target = dest / f"{slug}.LICENSE"
        shutil.copyfile(MODULES / package / licence, licence_target)
        manifests.setdefault(dest, {})[target.name] = {
            "package": package, "version": meta["version"], "licence": meta.get("license"),
            "npm_integrity": entry["integrity"], "sha256": sha256(target),
            "licence_file": licence_target.name, "licence_sha256": sha256(licence_target),
        }
    for dest, files in manifests.items():
        (dest / "MANIFEST.json").write_text(json.dumps(files, indent=1, sort_keys=True) + "\n")


def iso3_of(numeric: str | None, name: str) -> str | None:
    import pycountry

    if numeric is None:
        if name not in NO_NUMERIC_CODE:
            raise SystemExit(f"world-atlas unit {name!r} has no code and no decision in NO_NUMERIC_CODE")
        return NO_NUMERIC_CODE[name]
    country = pycountry.countries.get(numeric=numeric)
    if country is None:
        raise SystemExit(f"world-atlas unit {name!r}: unknown ISO numeric code {numeric}")
    return country.alpha_3


def world() -> None:
    out = subprocess.run(["node", str(NPM / "project_world.mjs")], check=True, capture_output=True,
                         env={"MIN_WEIGHT": "0.02", "DIGITS": "0", "PATH": "/usr/bin:/bin:/usr/local/bin"})
    data = json.loads(out.stdout)
    units = [{"iso3": iso3_of(u["id"], u["name"]), "name": u["name"], "d": u["d"], "area": u["area"],
              "cx": u["cx"], "cy": u["cy"]} for u in data["units"]]
    units.sort(key=lambda u: (u["iso3"] or "~", u["name"]))
    WORLD.parent.mkdir(parents=True, exist_ok=True)
    WORLD.write_text(json.dumps({"projection": "Equal Earth", "width": data["width"], "height": data["height"],
                                 "source": CITATION, "outline": data["outline"], "units": units},
                                separators=(",", ":")) + "\n")
    print(f"{WORLD.relative_to(ROOT)}: {len(units)} units, {WORLD.stat().st_size:,} bytes")


def main() -> None:
    if not MODULES.is_dir():
        sys.exit(f"run 'npm ci' in {NPM.relative_to(ROOT)} first")
    vendor()
    world()


if __name__ == "__main__":
    main()
