"""Build-time readers, one module per raw source; each returns ISO3-coded observations.

Only :mod:`suasion.panel.build` imports them; nothing here runs when the package loads the panel.
"""
