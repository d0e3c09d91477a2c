"""Checked inputs of each view, shared by its page and its download so both show the same data."""

from __future__ import annotations

from dataclasses import dataclass

from suasion.web import params, queries

MAX_HOPS = 4
MAX_CHANGES = 20


@dataclass(frozen=True)
class One:
    """One actor, a year and a model (leverage over / of)."""

    actor: str
    year: int
    model: str


def one(actor: str | None, year: str | None, model: str | None, field: str) -> One:
    name = params.text(actor, field, required=True)
    m = params.model(model)
    y = params.year(year)
    if y is None:
        y = queries.default_year(m)
    return One(queries.resolve(name, y), y, m)


@dataclass(frozen=True)
class Pair:
    first: str
    second: str
    year: int


def pair(first: str | None, second: str | None, year: str | None, names: tuple[str, str]) -> Pair:
    a = params.text(first, names[0], required=True)
    b = params.text(second, names[1], required=True)
    y = params.year(year)
    if y is None:
        y = queries.default_year("suasion")
    return Pair(queries.resolve(a, y), queries.resolve(b, y), y)


def dyad(a: str | None, b: str | None, model: str | None) -> tuple[str, str, str]:
    first = params.text(a, "a", required=True)
    second = params.text(b, "b", required=True)
    return queries.resolve(first), queries.resolve(second), params.model(model)


def hops(value: str | None) -> int:
    return params.integer(value, "hops", low=1, high=MAX_HOPS, default=3)


def changes(value: str | None) -> tuple[str, ...]:
    """What-if changes, one per line (``#`` comments and blank lines dropped)."""
    from suasion.influence.counterfactual import SYNTAX

    raw = params.text(value, "changes", required=True, limit=params.MAX_CHANGES_TEXT)
    lines = tuple(line.split("#", 1)[0].strip() for line in raw.splitlines())
    lines = tuple(line for line in lines if line)
    if not lines:
        raise params.FormError("changes", f"no change given: {SYNTAX}")
    if len(lines) > MAX_CHANGES:
        raise params.FormError("changes", f"at most {MAX_CHANGES} changes, got {len(lines)}")
    return lines


def network(year: str | None, model: str | None, region: str | None, top: str | None
            ) -> tuple[int, str, str | None, tuple[str, ...] | None, int]:
    """Year, model, bloc (as region) and its members, number of ties."""
    from suasion.actors import bloc_code, bloc_members

    m = params.model(model)
    y = params.year(year)
    if y is None:
        y = queries.default_year(m)
    n = params.integer(top, "top", low=5, high=200, default=40)
    name = params.text(region, "region", limit=40)
    if name is None:
        return y, m, None, None, n
    code = bloc_code(name)
    if code is None:
        from suasion.actors import bloc_codes

        raise params.FormError("region", f"unknown bloc {name!r}; choose one of {', '.join(bloc_codes())}")
    return y, m, code, tuple(sorted(bloc_members(code, y))), n
