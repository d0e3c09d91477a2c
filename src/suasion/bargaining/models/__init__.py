"""Forecasting models: each a pure function from a :class:`Scenario` to a :class:`ModelResult`."""
