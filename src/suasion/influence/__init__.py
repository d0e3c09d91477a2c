"""Security diplomacy through others: brokers, influence paths, incentives and what-if.

    brokers(principal, target, year)          whom P can work through to move T
    influence_paths(principal, target, ...)   routes of leverage from P to T, direct vs indirect
    incentives(principal, broker, year)       what P could offer B: levers and their marginal pull
    whatif(principal, target, changes, ...)   before/after of leverage, brokers and paths
"""

from __future__ import annotations

from suasion.influence.brokers import brokers
from suasion.influence.incentives import incentives
from suasion.influence.paths import influence_paths
from suasion.influence.whatif import whatif

__all__ = ["brokers", "incentives", "influence_paths", "whatif"]
