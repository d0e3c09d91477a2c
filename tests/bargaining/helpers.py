"""Small hand-made scenarios."""

from __future__ import annotations

import numpy as np

from suasion.bargaining.scenario import Scenario


def make(position, capability, salience, *, issues=None, groups=None, actors=None, scale=(0.0, 100.0),
         outcome=None) -> Scenario:
    pos = np.atleast_2d(np.asarray(position, dtype=float))
    sal = np.atleast_2d(np.asarray(salience, dtype=float))
    cap = np.asarray(capability, dtype=float)
    if cap.ndim == 1:
        cap = np.repeat(cap[:, None], pos.shape[1], axis=1)
    n_a, n_i = pos.shape
    issues = tuple(issues or [f"i{k}" for k in range(n_i)])
    return Scenario(actors=tuple(actors or [f"A{k}" for k in range(n_a)]), issues=issues, position=pos,
                    salience=sal, capability=cap, scale=np.tile(scale, (n_i, 1)),
                    status_quo=np.full(n_i, np.nan),
                    outcome=np.full(n_i, np.nan) if outcome is None else np.asarray(outcome, float),
                    group=tuple(groups or ["g"] * n_i))


def one_issue(position, capability, salience, **kw) -> Scenario:
    return make(np.asarray(position, float)[:, None], capability, np.asarray(salience, float)[:, None], **kw)
