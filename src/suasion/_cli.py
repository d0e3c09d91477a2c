"""Shared pieces of the command line: the option vocabulary, validation and safe output files.

Every command follows the same conventions (CONTRIBUTING.md, "Command-line conventions"):

* ``--format table|csv|json`` is the output format; ``--input-format`` the format of an input file.
* ``--from/--to`` bound a date range (ISO dates); ``--from`` after ``--to`` is an error.
* ``--out/-o`` files are written only when the command succeeds (:func:`atomic_output`), into a
  folder that must already exist (:func:`output_path`).
* a user error is one line on stderr and exit status 2 (:class:`UsageError` or any
  :class:`suasion.errors.SuasionError`); nothing is written.
* old spellings keep working for one release and print one deprecation line (:func:`deprecated`).

This module imports nothing heavy: ``suasion --help`` must stay fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from suasion.errors import SuasionError


class UsageError(SuasionError, ValueError):
    """A bad option value or combination of options."""


def deprecated(old: str, new: str) -> None:
    """One line on stderr: ``old`` still works in this release; ``new`` is the spelling to use."""
    sys.stderr.write(f"warning: {old} is deprecated and will be removed in the next release; use {new}\n")


def parse_date(text: str | None, option: str) -> dt.date | None:
    """An ISO date (``YYYY-MM-DD``; ``YYYY-MM`` = first of the month; ``YYYY`` = 1 January), or None.

    Anything else is a :class:`UsageError` naming the option and the value.
    """
    if text is None:
        return None
    value = str(text).strip()
    for fmt, length in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        if len(value) == length:
            try:
                return dt.datetime.strptime(value, fmt).date()
            except ValueError:
                break
    raise UsageError(f"{option}: {text!r} is not a date; expected YYYY-MM-DD (or YYYY-MM, YYYY)")


def date_range(start: str | None, end: str | None, *, start_option: str = "--from",
               end_option: str = "--to") -> tuple[dt.date | None, dt.date | None]:
    """Parse ``--from``/``--to`` and check that the range is not reversed."""
    first, last = parse_date(start, start_option), parse_date(end, end_option)
    if first is not None and last is not None and first > last:
        raise UsageError(f"{start_option} {first.isoformat()} is after {end_option} {last.isoformat()}")
    return first, last


def output_path(path: str | os.PathLike | None, option: str = "--out") -> Path | None:
    """Check an output file path before any work: its folder exists and it is not a folder."""
    if path is None:
        return None
    out = Path(path)
    if str(path) in ("", "-"):
        raise UsageError(f"{option}: give a file name")
    if out.is_dir():
        raise UsageError(f"{option}: {out} is a folder; give a file name")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"{option}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"{option}: folder {parent} is not writable")
    return out


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8",
                  option: str = "--out") -> Iterator[IO]:
    """Write ``path`` through a temporary file in the same folder, renamed into place on success.

    If the block raises, the temporary file is removed and ``path`` is left as it was.
    """
    out = output_path(path, option)
    assert out is not None
    fd, tmp = tempfile.mkstemp(dir=out.parent if str(out.parent) else ".", prefix=f".{out.name}.",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": encoding, "newline": ""})) as handle:
            yield handle
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
