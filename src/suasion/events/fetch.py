"""Downloading GDELT 2.0 15-minute export files from GDELT's official master file list (the only network use).

The master list (``masterfilelist.txt``) has one line per file: ``SIZE MD5 URL``. :func:`plan_gdelt2` keeps the
``*.export.CSV.zip`` files whose 15-minute stamp falls in [start 00:00, end 23:45]; :func:`fetch_files`
downloads each into a download folder, checking size and MD5 against the list:

* a file already downloaded and matching is not fetched again; a ``.part`` left by an interrupted download is
  continued with an HTTP range request (or restarted if the server ignores ranges);
* a file whose size or MD5 does not match (truncated, corrupted) is removed and fetched once more, then
  reported as failed; a 404 is reported as failed; the other files go on;
* ``on_file`` is called with each verified file (the caller ingests it, or keeps it for an aggregate).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from suasion.errors import SuasionError

MASTER_URL = "http://data.gdeltproject.org/gdeltv2/masterfilelist.txt"
#: environment variable naming another master list (a mirror)
MASTER_ENV = "SUASION_GDELT_MASTER_URL"
DEFAULT_MAX_BYTES = 1_000_000_000  # compressed bytes a fetch may download without --yes
TIMEOUT_S = 60
CHUNK = 1 << 16
_STAMP = re.compile(r"/(\d{14})\.export\.CSV\.zip$")


class FetchError(SuasionError):
    """A download that cannot start: master list unreachable or malformed, range over the size limit."""


@dataclass(frozen=True)
class RemoteFile:
    """One file of the master list."""

    url: str
    size: int
    md5: str

    @property
    def name(self) -> str:
        return self.url.rsplit("/", 1)[-1]


@dataclass
class FetchResult:
    done: list[Path] = field(default_factory=list)  # verified files handed to on_file
    skipped: list[str] = field(default_factory=list)  # names skipped (already in the store)
    failed: dict[str, str] = field(default_factory=dict)  # name -> reason


def master_url() -> str:
    return os.environ.get(MASTER_ENV, MASTER_URL)


def _open(url: str, headers: dict[str, str] | None = None):  # noqa: ANN202 - urllib response
    request = urllib.request.Request(url, headers={"User-Agent": "suasion-events-fetch", **(headers or {})})
    return urllib.request.urlopen(request, timeout=TIMEOUT_S)  # noqa: S310 - http(s) URL of the master list


def master_lines(url: str) -> Iterator[str]:
    """The master list's lines, streamed."""
    try:
        with _open(url) as response:
            for raw in response:
                yield raw.decode("utf-8", errors="replace").strip()
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"cannot read the GDELT master file list {url}: {reason}") from None


def plan_gdelt2(start: dt.date, end: dt.date, url: str | None = None) -> list[RemoteFile]:
    """The export files of [start, end] listed in the master list, in time order."""
    url = url or master_url()
    first = start.strftime("%Y%m%d") + "000000"
    last = end.strftime("%Y%m%d") + "235959"
    files: dict[str, RemoteFile] = {}
    seen_any = False
    for number, line in enumerate(master_lines(url), start=1):
        if not line:
            continue
        parts = line.split()
        if len(parts) != 3 or not parts[0].isdigit() or not re.fullmatch(r"[0-9a-f]{32}", parts[1]):
            if number <= 3:
                raise FetchError(f"{url}, line {number}: not a GDELT master list line (SIZE MD5 URL): {line[:80]!r}")
            continue  # GDELT's list has the odd broken line; such files cannot be checked, so they are left out
        seen_any = True
        match = _STAMP.search(parts[2])
        if match and first <= match.group(1) <= last:
            files[match.group(1)] = RemoteFile(parts[2], int(parts[0]), parts[1])
    if not seen_any:
        raise FetchError(f"{url}: the master file list is empty")
    return [files[k] for k in sorted(files)]


def _md5(path: Path) -> str:
    digest = hashlib.md5()  # noqa: S324 - GDELT publishes MD5 checksums; used to check transfers, not security
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _verified(path: Path, remote: RemoteFile) -> str | None:
    """Why ``path`` is not ``remote`` (None when size and MD5 match)."""
    size = path.stat().st_size
    if size != remote.size:
        return f"size {size:,} bytes, the master list says {remote.size:,} (truncated download?)"
    digest = _md5(path)
    if digest != remote.md5:
        return f"MD5 {digest}, the master list says {remote.md5} (corrupted download)"
    return None


def _download(remote: RemoteFile, target: Path, advance: Callable[[int], None]) -> None:
    """Download ``remote`` to ``target`` through ``target.part``, continuing a partial download when possible."""
    part = target.with_name(target.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    if have >= remote.size:
        part.unlink()
        have = 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    with _open(remote.url, headers) as response:
        if have and response.status != 206:  # the server ignored the range: start again
            advance(-have)
            have = 0
        with open(part, "ab" if have else "wb") as out:
            while chunk := response.read(CHUNK):
                out.write(chunk)
                have += len(chunk)
                advance(len(chunk))
    if have < remote.size:  # the connection ended early: keep the .part for the next attempt or run
        raise ConnectionError(f"connection closed after {have:,} of {remote.size:,} bytes")
    os.replace(part, target)


def fetch_files(
    files: list[RemoteFile],
    folder: Path,
    on_file: Callable[[Path, RemoteFile], None],
    skip: Callable[[RemoteFile], bool] = lambda remote: False,
    progress: Callable[[int], None] = lambda n: None,
) -> FetchResult:
    """Download, verify and hand over each file (see module docstring). ``progress`` receives byte counts."""
    folder.mkdir(parents=True, exist_ok=True)
    result = FetchResult()
    for remote in files:
        if skip(remote):
            result.skipped.append(remote.name)
            progress(remote.size)
            continue
        target = folder / remote.name
        problem = None
        for attempt in range(2):
            if not target.exists():
                try:
                    _download(remote, target, progress)
                except urllib.error.HTTPError as exc:
                    problem = f"HTTP {exc.code} {exc.reason} for {remote.url}"
                    break
                except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                    problem = f"download interrupted: {getattr(exc, 'reason', exc)!s}"[:200]
                    continue
            problem = _verified(target, remote)
            if problem is None:
                break
            target.unlink()
            if attempt == 0:
                progress(-remote.size)
        if problem is not None:
            result.failed[remote.name] = problem
            continue
        on_file(target, remote)
        result.done.append(target)
    return result
