"""Development script: rebuild ``plover_types.csv`` (PLOVER event types and modes for POLECAT).

Run from the repository root with the project's shared data folder:

    .venv/bin/python src/suasion/events/data/build_plover.py ../shared/data/events/polecat

Nothing reads this at run time. Origin (see ``src/suasion/data/NOTICE``): the folder's
``DERIVED_plover_event_mode_quad_intensity.csv``, itself derived from the PLOVER manual (openeventdata/PLOVER
@5e0c24fba623f2d8df5ae3c7de7a94dba90d5b6f, 2024-02-04, and @503cf8e4, 2023-09-04; CC BY-SA 4.0), the NGEC-2025
codebook (ahalterman/NGEC-2025@a3909e2a, MIT), andybega/rpolecat@160d90e2 ``modes.R`` and POLECAT rows. Columns:

* ``event_type``, ``mode`` (empty: the type without a mode);
* ``quad_class`` 1-4 and ``quad_code`` (the POLECAT text): the quad POLECAT rows carry for the type, else the
  manual's category (SANCTION and PROTEST are material conflict, as in the data);
* ``intensity``: the PLOVER conflict-cooperation score POLECAT rows carry for the type+mode where observed, else
  the 2024-02 manual's, else the 2023-09 manual's (empty when no source gives one); ``intensity_source`` says
  which (``polecat``, ``manual-2024-02``, ``manual-2023-09``);
* ``cameo_roots``: the CAMEO roots the manual's "CAMEO to PLOVER translation" maps to the type (approximate:
  the translation is many-to-one, lossy, and has no official reverse; 08 splits into CONCEDE 081-083 and
  RETREAT 084-087, 20 goes to ASSAULT mode ``unconventional``).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUAD_CODES = {1: "VERBAL COOPERATION", 2: "MATERIAL COOPERATION", 3: "VERBAL CONFLICT", 4: "MATERIAL CONFLICT"}
CAMEO_ROOTS = {
    "AGREE": "03", "CONSULT": "04", "SUPPORT": "05", "COOPERATE": "06", "AID": "07", "CONCEDE": "081-083",
    "RETREAT": "084-087", "ACCUSE": "09 11", "REQUEST": "10", "REJECT": "12", "THREATEN": "13", "PROTEST": "14",
    "MOBILIZE": "15", "SANCTION": "16", "COERCE": "17", "ASSAULT": "18 19 20",
}


def main(folder: Path) -> None:
    rows = list(csv.DictReader(open(folder / "DERIVED_plover_event_mode_quad_intensity.csv", encoding="utf-8")))
    out = []
    for r in rows:
        observed = r["polecat_event_intensity_observed"]
        if observed and "|" not in observed:
            intensity, source = f"{float(observed):g}", "polecat"
        elif r["plover_score_manual_2024_02"]:
            intensity, source = r["plover_score_manual_2024_02"], "manual-2024-02"
        elif r["plover_score_manual_2023_09"]:
            intensity, source = r["plover_score_manual_2023_09"], "manual-2023-09"
        else:
            intensity, source = "", ""
        quad = int(r["quad_class_1to4"])
        out.append({
            "event_type": r["event_type"], "mode": r["mode"], "quad_class": quad, "quad_code": QUAD_CODES[quad],
            "intensity": intensity, "intensity_source": source, "cameo_roots": CAMEO_ROOTS[r["event_type"]],
        })
    with open(HERE / "plover_types.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(out[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    print(f"plover_types.csv: {len(out)} rows")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
