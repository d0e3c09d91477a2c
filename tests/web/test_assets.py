"""Vendored web assets: each file matches the SHA-256 in its manifest and ships its licence."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = [ROOT / "src" / "suasion" / "web" / "static" / "vendor", ROOT / "tests" / "web" / "vendor"]
ALLOWED_LICENCES = {"0BSD", "MIT", "ISC", "MPL-2.0"}   # all compatible with GPL-3.0-or-later


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.parent.name)
def test_manifest_matches_files(folder):
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    listed = set(manifest) | {m["licence_file"] for m in manifest.values()} | {"MANIFEST.json"}
    assert {p.name for p in folder.iterdir()} == listed          # nothing unlisted
    for name, meta in manifest.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == meta["sha256"], name
        assert hashlib.sha256((folder / meta["licence_file"]).read_bytes()).hexdigest() == meta["licence_sha256"]
        assert meta["licence"] in ALLOWED_LICENCES
        assert meta["npm_integrity"].startswith("sha512-")


def test_pinned_versions():
    manifest = json.loads((FOLDERS[0] / "MANIFEST.json").read_text())
    assert manifest["htmx.min.js"]["version"].startswith("2.0.")    # htmx 4 changes inheritance
    assert manifest["pico.min.css"]["version"].startswith("2.")
    assert manifest["d3.min.js"]["version"].startswith("7.")
