"""Actors: states (ISO3 canonical; names, ISO2, COW and Gleditsch-Ward codes) and blocs with dated
membership (EU, NATO, GCC, ASEAN, SCO, African Union).

Everything here reads only package data (``suasion/actors/data``) and builds its lookup tables once;
``country_converter`` is imported only when a name is not found in the bundled tables.
"""

from __future__ import annotations

from suasion.actors.blocs import (
    actor_name,
    bloc_code,
    bloc_codes,
    bloc_members,
    bloc_membership,
    bloc_name,
    blocs,
    is_bloc,
    members_frame,
    resolve_actor,
)
from suasion.actors.codes import (
    all_states,
    codes_to_iso3,
    cow_to_iso3,
    gw_to_iso3,
    iso3_to_code,
    state_name,
    to_iso3,
    to_iso3_many,
)

__all__ = [
    "actor_name", "all_states", "bloc_code", "bloc_codes", "bloc_members", "bloc_membership", "bloc_name",
    "blocs", "codes_to_iso3", "cow_to_iso3", "gw_to_iso3", "is_bloc", "iso3_to_code", "members_frame",
    "resolve_actor", "state_name", "to_iso3", "to_iso3_many",
]
