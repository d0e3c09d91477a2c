"""Server-drawn SVG charts for the web workbench and the briefs.

Pure functions: plain Python values in, an SVG (or HTML table) string out. No I/O beyond reading
the bundled world map once, no JavaScript, no web framework. Every chart

* carries a text alternative: ``<title>`` and ``<desc>`` referenced by ``aria-labelledby`` on a
  ``role="img"`` root, and a ``<title>`` tooltip on each mark;
* is deterministic: the same input gives byte-identical output (coordinates rounded to 0.1 px,
  no random ids: ``chart_id`` names the chart and prefixes its internal ids, so it must be unique
  on a page);
* prints and converts to PDF (WeasyPrint) as drawn: presentation attributes only, no CSS or
  scripts, fixed colours (colour-blind-safe palettes), system fonts.

Charts:

=========================  ==============================================================
:func:`bar_chart`          horizontal bars, optional intervals (e.g. score ranges)
:func:`stacked_bar_chart`  horizontal bars split by channel, with a legend
:func:`line_chart`         lines over time with optional bands; hollow points for carried data
:func:`dot_plot`           positions on a scale, dots sized by weight, marker lines
:func:`world_map`          choropleth by ISO3, small states as circles, quantile classes
:func:`broker_diagram`     principal -> brokers -> target, edge widths on one scale
:func:`network_chart`      directed ties on a circle, grouped and sized by strength
:func:`data_table`         the accessible table to show beside any chart (:class:`Cell`
                           adds a link or a note such as a data flag)
=========================  ==============================================================

Example::

    from suasion.charts import bar_chart, data_table
    svg = bar_chart(["USA", "CHN"], [0.126, 0.109], chart_id="lev", title="Leverage over PAK, 2010",
                    description="USA 0.126, CHN 0.109")
    table = data_table(["source", "score"], [{"source": "USA", "score": 0.126}], caption="Leverage over PAK")
"""

from __future__ import annotations

from suasion.charts.bars import bar_chart, stacked_bar_chart
from suasion.charts.diagrams import broker_diagram, network_chart
from suasion.charts.dots import dot_plot
from suasion.charts.lines import line_chart
from suasion.charts.tables import Cell, data_table
from suasion.charts.world import default_breaks, world_geometry, world_map

__all__ = ["Cell", "bar_chart", "broker_diagram", "data_table", "default_breaks", "dot_plot", "line_chart",
           "network_chart", "stacked_bar_chart", "world_geometry", "world_map"]
