"""PDF briefs for five principal/target pairs and all three kinds: page count (pdfinfo), pages as PNG
(pdftoppm, kept in tests/artifacts/briefs for CI) and the key names and numbers in the text (pdftotext)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import suasion
from suasion.brief import formats

from .conftest import DATE

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "briefs"
PAIRS = [("EU", "PAK"), ("GBR", "PAK"), ("USA", "PRK"), ("EU", "IRN"), ("IND", "NPL")]
CASES = [(p, t, "minister") for p, t in PAIRS] + [("EU", "PAK", "meeting"), ("EU", "PAK", "country")]
MAX_PAGES = {"minister": 2, "meeting": 2, "country": 1}

pytestmark = pytest.mark.slow


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return path


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("principal, target, kind", CASES, ids=[f"{p}-{t}-{k}" for p, t, k in CASES])
def test_pdf_pages_and_text(principal: str, target: str, kind: str, scenario_path) -> None:
    pdftoppm, pdftotext, pdfinfo = _tool("pdftoppm"), _tool("pdftotext"), _tool("pdfinfo")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = f"{principal}_{target}_{kind}".lower()
    pdf = ARTIFACTS / f"{stem}.pdf"
    for old in ARTIFACTS.glob(f"{stem}-*.png"):
        old.unlink()
    extra = {"broker": "TUR", "scenario": scenario_path} if kind == "meeting" else {}
    b = suasion.brief(principal, target, kind=kind, date=DATE, **extra)
    b.write(pdf)

    info = subprocess.run([pdfinfo, str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 1 <= pages <= MAX_PAGES[kind], f"{stem}: {pages} pages"
    subprocess.run([pdftoppm, "-r", "80", "-png", str(pdf), str(ARTIFACTS / stem)], check=True)
    pngs = sorted(ARTIFACTS.glob(f"{stem}-*.png"))
    assert len(pngs) == pages and all(p.stat().st_size > 10_000 for p in pngs)

    text = _flat(subprocess.run([pdftotext, str(pdf), "-"], check=True, capture_output=True, text=True).stdout)
    year = b.data.year
    over = suasion.leverage_over(target, year)
    top = (over[over["actor_type"] == "state"] if "actor_type" in over else over).iloc[0]
    assert suasion.actor_name(top["source"]) in text and formats.score(top["score"]) in text
    assert suasion.actor_name(target) in text
    assert text.count(b.marking) >= 2 * pages          # the marking at the top and bottom of every page
    assert f"page {pages} of {pages}" in text
    if kind != "country":
        own = suasion.leverage_of(principal, year)
        assert formats.score(float(own.loc[own["target"] == target, "score"].iloc[0])) in text
        assert suasion.actor_name(principal) in text
    if kind == "minister":
        best = suasion.brokers(principal, target, year).iloc[0]
        assert suasion.actor_name(best["broker"]) in text and formats.score(best["score"]) in text
    if kind == "meeting":
        assert "Turkey" in text and "What Turkey wants from us" in text
