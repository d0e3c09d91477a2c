"""Partner codes: every partner is stored as an ISO 3166-1 alpha-3 code.

Uses :func:`suasion.actors.to_iso3` when that module is available (names, COW codes and
suggestions for typos); otherwise falls back to pycountry's ISO 3166 table.
"""

from __future__ import annotations

import difflib
from functools import lru_cache

from suasion.errors import UnknownActorError

#: Longest partner name or code matched (any country name fits; matching costs time that grows
#: with the length of the text).
MAX_PARTNER_TEXT = 80


@lru_cache(maxsize=1)
def _iso3_table() -> dict[str, str]:
    import pycountry

    return {c.alpha_3: c.name for c in pycountry.countries}


def _fallback(value: str) -> str:
    code = value.strip().upper()
    table = _iso3_table()
    if code in table:
        return code
    by_name = {name.upper(): iso for iso, name in table.items()}
    if code in by_name:
        return by_name[code]
    close = difflib.get_close_matches(code, list(table) + list(by_name), n=3, cutoff=0.6)
    hint = ", ".join(by_name.get(c, c) for c in close)
    raise UnknownActorError(f"unknown partner code {value!r}"
                            + (f"; did you mean {hint}?" if hint else "; use an ISO3 code such as PAK"))


def partner_code(value: object) -> str:
    """The ISO3 code of ``value``; raises :class:`UnknownActorError` naming the bad value."""
    if not isinstance(value, str) or not value.strip():
        raise UnknownActorError(f"unknown partner code {value!r}; use an ISO3 code such as PAK")
    if len(value) > MAX_PARTNER_TEXT:
        raise UnknownActorError(f"partner {value[:20]!r}... is {len(value):,} characters long; a partner is an ISO3 "
                                f"code or a country name of at most {MAX_PARTNER_TEXT} characters")
    if "\x00" in value:
        raise UnknownActorError("a partner must not contain NUL characters")
    try:
        from suasion.actors import to_iso3
    except ImportError:
        return _fallback(value)
    try:
        code = to_iso3(value)
    except UnknownActorError as exc:
        raise UnknownActorError(f"unknown partner code {value!r}: {exc}") from None
    if not (isinstance(code, str) and len(code) == 3 and code.isalpha() and code.isupper()):
        raise UnknownActorError(f"partner {value!r} is not a country with an ISO3 code")
    return code


def partner_codes(values: list[str] | tuple[str, ...] | str) -> list[str]:
    """ISO3 codes for one or many partners, de-duplicated in order; at least one."""
    if isinstance(values, str):
        values = [v for v in values.replace(";", ",").split(",") if v.strip()]
    codes: list[str] = []
    for value in values:
        code = partner_code(value)
        if code not in codes:
            codes.append(code)
    if not codes:
        raise UnknownActorError("at least one partner (ISO3 code) is required")
    return codes
