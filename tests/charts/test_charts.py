"""suasion.charts: geometry known by hand, text alternatives, determinism, escaping, the world map."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from suasion.charts import (
    Cell,
    bar_chart,
    broker_diagram,
    data_table,
    default_breaks,
    dot_plot,
    line_chart,
    network_chart,
    stacked_bar_chart,
    world_geometry,
    world_map,
)
from suasion.charts.world import class_of

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def check_alternative(svg: str, chart_id: str, title: str) -> ET.Element:
    """Root is role=img, labelled by its own <title> and <desc>."""
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("id") == chart_id
    ids = root.get("aria-labelledby").split()
    assert ids == [f"{chart_id}-title", f"{chart_id}-desc"]
    t, d = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert t.get("id") == ids[0] and t.text == title
    assert d.get("id") == ids[1] and d.text
    return root


def rects_with_title(root: ET.Element) -> dict[str, ET.Element]:
    return {r.find(f"{SVG}title").text: r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None}


def test_bar_widths_are_proportional_to_values():
    svg = bar_chart(["A", "B", "C"], [1.0, 2.0, None], chart_id="b", title="T", description="D")
    root = check_alternative(svg, "b", "T")
    bars = rects_with_title(root)
    assert set(bars) == {"A: 1.000", "B: 2.000"}          # C has no value, no bar
    assert float(bars["B: 2.000"].get("width")) == pytest.approx(2 * float(bars["A: 1.000"].get("width")), abs=0.2)
    assert "no data" in svg                                  # C's value label


def test_bar_intervals_and_highlight():
    svg = bar_chart(["A", "B"], [1.0, 0.5], intervals=[(0.8, 1.5), None], highlight=["B"], chart_id="b",
                    title="T", description="D")
    root = parse(svg)
    whiskers = [p for p in root.iter(f"{SVG}path")]
    assert len(whiskers) == 1 and "range 0.800 to 1.500" in whiskers[0].find(f"{SVG}title").text
    assert rects_with_title(root)["B: 0.500"].get("stroke") is not None
    assert rects_with_title(root)["A: 1.000"].get("stroke") is None


def test_stacked_segments_add_up_and_legend_skips_unused():
    parts = {"trade": [0.1, 0.0], "arms": [0.3, 0.2], "unused": [0.0, 0.0], "aid": [None, -0.1]}
    svg = stacked_bar_chart(["USA", "CHN"], parts, chart_id="s", title="T", description="D")
    root = check_alternative(svg, "s", "T")
    segs = rects_with_title(root)
    w = {k: float(v.get("width")) for k, v in segs.items()}
    assert set(w) == {"USA, trade: 0.100", "USA, arms: 0.300", "CHN, arms: 0.200"}
    assert w["USA, arms: 0.300"] == pytest.approx(3 * w["USA, trade: 0.100"], abs=0.2)
    # segments of one bar are contiguous
    assert float(segs["USA, arms: 0.300"].get("x")) == pytest.approx(
        float(segs["USA, trade: 0.100"].get("x")) + w["USA, trade: 0.100"], abs=0.1)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "trade" in texts and "arms" in texts and "unused" not in texts and "aid" not in texts
    assert "0.400" in texts and "0.200" in texts             # totals


def test_line_breaks_at_missing_values_and_marks_carried_points():
    svg = line_chart([2000, 2001, 2002, 2003, 2004], {"A>B": [1.0, 2.0, None, 3.0, 4.0]}, chart_id="l",
                     title="T", description="D", dashed={"A>B": [False, False, False, True, True]},
                     bands={"A>B": ([0.5, 1.5, None, 2.5, 3.5], [1.5, 2.5, None, 3.5, 4.5])})
    root = check_alternative(svg, "l", "T")
    lines = [p for p in root.iter(f"{SVG}path")]
    assert len(lines) == 2                                      # two segments around the gap
    bands = list(root.iter(f"{SVG}polygon"))
    assert len(bands) == 2
    points = list(root.iter(f"{SVG}circle"))
    assert len(points) == 4
    carried = [c for c in points if "carried forward" in c.find(f"{SVG}title").text]
    assert len(carried) == 2 and all(c.get("fill") == "#ffffff" for c in carried)


def test_dot_plot_sizes_by_area():
    svg = dot_plot(["a", "b", "c"], [10, 50, None], weights=[1.0, 4.0, 2.0], scale=(0, 100),
                   markers={"forecast": 40.0}, chart_id="d", title="T", description="D")
    root = check_alternative(svg, "d", "T")
    dots = {c.find(f"{SVG}title").text.split(":")[0]: c for c in root.iter(f"{SVG}circle")}
    assert set(dots) == {"a", "b"}
    assert float(dots["b"].get("r")) == pytest.approx(2 * float(dots["a"].get("r")), abs=0.1)
    # positions on the scale: 10 and 50 of 0..100
    xa, xb = float(dots["a"].get("cx")), float(dots["b"].get("cx"))
    marker = next(ln for ln in root.iter(f"{SVG}line") if ln.find(f"{SVG}title") is not None)
    xm = float(marker.get("x1"))
    assert (xm - xa) == pytest.approx(3 * (xb - xm) / 1, rel=0.02)   # 40-10 = 3 x (50-40)


def test_breaks_and_classes_by_hand():
    values = [0.0, None, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    assert default_breaks(values) == [0.2, 0.4, 0.6, 0.8, 1.0]
    assert class_of(0.0, [0.2, 1.0]) == -1 and class_of(None, [1.0]) is None
    assert class_of(0.2, [0.2, 1.0]) == 0 and class_of(0.21, [0.2, 1.0]) == 1 and class_of(5, [0.2, 1.0]) == 1
    assert default_breaks([0.0, None]) == []


def test_world_map_covers_the_panel_states_and_draws_small_ones_as_circles():
    from suasion.panel import load_panel

    units = {u["iso3"] for u in world_geometry()["units"]}
    missing = set(load_panel().actors) - units
    assert missing == {"TUV"}          # world-atlas 50m has no Tuvalu (documented in the reference)
    svg = world_map({"PAK": 0.5, "SGP": 0.1, "USA": 0.0, "XKX": 0.3}, chart_id="m", title="T", description="D",
                    highlight=["PAK"], breaks=[0.2, 0.6])
    root = check_alternative(svg, "m", "T")
    circles = [c for c in root.iter(f"{SVG}circle") if c.get("data-iso3")]
    assert {"SGP", "BHR", "MLT"} <= {c.get("data-iso3") for c in circles}
    sgp = next(c for c in circles if c.get("data-iso3") == "SGP")
    pak = [p for p in root.iter(f"{SVG}path") if p.get("data-iso3") == "PAK"]
    usa = [p for p in root.iter(f"{SVG}path") if p.get("data-iso3") == "USA"]
    fra = [p for p in root.iter(f"{SVG}path") if p.get("data-iso3") == "FRA"]
    assert pak[0].get("fill") != sgp.get("fill")               # two different classes
    assert usa[0].get("fill") == "#f4f8fb"                     # zero class
    assert fra[0].get("fill") == "url(#m-nodata)"              # no value
    assert pak[0].find(f"{SVG}title").text == "Pakistan: 0.500"
    outlines = [p for p in root.iter(f"{SVG}path") if p.get("stroke-width") == "1.6"]
    assert len(outlines) == 1                                   # the highlighted target
    somaliland = [p for p in root.iter(f"{SVG}path") if p.find(f"{SVG}title") is not None
                  and p.find(f"{SVG}title").text.startswith("Somaliland")]
    assert somaliland and somaliland[0].get("data-iso3") == "SOM"


def test_broker_diagram_edges_share_one_scale():
    svg = broker_diagram("EU", "PAK", [("USA", 0.01, 0.08), ("CHN", 0.005, 0.04)], 0.02, chart_id="br",
                         title="T", description="D")
    root = check_alternative(svg, "br", "T")
    widths = {p.find(f"{SVG}title").text: float(p.get("stroke-width")) for p in root.iter(f"{SVG}path")
              if p.find(f"{SVG}title") is not None}
    assert widths["leverage of USA over PAK: 0.080"] == 14
    assert widths["leverage of CHN over PAK: 0.040"] == pytest.approx(7, abs=0.1)
    assert widths["direct leverage EU over PAK: 0.020"] == pytest.approx(3.5, abs=0.1)


def test_network_chart_keeps_known_nodes_only():
    svg = network_chart(["USA", "CHN", "PAK"], [("USA", "PAK", 0.1), ("CHN", "PAK", 0.05), ("XXX", "PAK", 1.0),
                                                ("PAK", "PAK", 1.0)],
                        groups={"USA": "Americas", "CHN": "Asia", "PAK": "Asia"}, chart_id="n", title="T",
                        description="D")
    root = check_alternative(svg, "n", "T")
    edges = [p for p in root.iter(f"{SVG}path") if p.get("class") == "edge"]
    assert {(e.get("data-source"), e.get("data-target")) for e in edges} == {("USA", "PAK"), ("CHN", "PAK")}
    assert len([g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]) == 3


def test_deterministic_and_escaped():
    args = {"chart_id": "x", "title": "<b>T</b>", "description": "a & b"}
    one = bar_chart(["<script>", "B"], [0.3, 0.1], **args)
    assert one == bar_chart(["<script>", "B"], [0.3, 0.1], **args)
    assert "<script>" not in one and "&lt;script&gt;" in one and "&lt;b&gt;T&lt;/b&gt;" in one
    m1 = world_map({"PAK": 0.5, "IND": 0.2}, chart_id="m", title="T", description="D")
    assert m1 == world_map({"IND": 0.2, "PAK": 0.5}, chart_id="m", title="T", description="D")
    assert not re.search(r'="-0"', one + m1)


def test_data_table_is_accessible():
    html = data_table([("source", "Source"), ("score", "Score"), ("flag", "Data")],
                      [{"source": Cell("USA", href="/leverage/of?source=USA"), "score": 0.12345, "flag": None},
                       {"source": "CHN", "score": float("nan"), "flag": Cell("0.1", note="carried forward from 2014")}],
                      caption="Leverage <over> PAK")
    assert html.startswith('<table class="data-table"><caption>Leverage &lt;over&gt; PAK</caption>')
    assert html.count('scope="col"') == 3 and html.count('scope="row"') == 2
    assert '<a href="/leverage/of?source=USA">USA</a>' in html
    assert "0.123" in html and html.count("no data") == 2
    assert "carried forward from 2014" in html


def test_charts_import_no_web_framework():
    code = ("import sys, suasion.charts as c; c.world_map({}, chart_id='m', title='t', description='d'); "
            "print(sorted(m for m in ('fastapi', 'jinja2', 'starlette', 'pandas', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
