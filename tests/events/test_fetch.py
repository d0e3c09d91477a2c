"""``suasion events fetch gdelt2`` offline: a local HTTP server on 127.0.0.1 serves a master file list in GDELT's
format (``SIZE MD5 URL``, export, mentions and gkg lines) and zipped export files made of the fixture's real rows;
size and MD5 checks, corrupted, truncated and missing files, resumption after an interrupted download."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
import zipfile
from pathlib import Path

import pytest

from suasion.events.api import dyad_index
from suasion.events.store import EventStore

from .helpers import FIXTURES

V2 = FIXTURES / "gdelt2_20170701234500_head400.export.CSV"
STAMPS = ["20170701230000", "20170701231500", "20170701233000", "20170701234500"]


def _zip(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buf.getvalue()


class Server:
    """Serves ``files`` (path -> bytes); ``faults`` (path -> list of faults, one used per request):
    ``corrupt`` (same size, other bytes), ``truncate`` (half the bytes), ``drop`` (close after half the bytes,
    promising the whole length), ``missing`` (404). Honours ``Range: bytes=N-`` with 206."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.faults: dict[str, list[str]] = {}
        self.requests: list[tuple[str, str | None]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                server.requests.append((self.path, self.headers.get("Range")))
                body = server.files.get(self.path)
                fault = server.faults.get(self.path, []).pop(0) if server.faults.get(self.path) else None
                if body is None or fault == "missing":
                    self.send_error(404, "Not Found")
                    return
                start = 0
                if self.headers.get("Range", "").startswith("bytes="):
                    start = int(self.headers["Range"][6:].rstrip("-"))
                    self.send_response(206)
                else:
                    self.send_response(200)
                payload = body[start:]
                if fault == "corrupt":
                    payload = bytes(b ^ 0x55 for b in payload)
                if fault == "truncate":
                    payload = payload[: len(payload) // 2]
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if fault == "drop":
                    self.wfile.write(payload[: len(payload) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(payload)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def gdelt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SUASION_HOME", str(tmp_path / "home"))
    server = Server()
    lines = [line for line in V2.read_bytes().split(b"\n") if line]
    master = []
    for i, stamp in enumerate(STAMPS):  # 100 real rows per 15-minute file
        name = f"{stamp}.export.CSV"
        payload = _zip(name, b"\n".join(lines[i * 100 : (i + 1) * 100]) + b"\n")
        server.files[f"/gdeltv2/{name}.zip"] = payload
        md5 = hashlib.md5(payload).hexdigest()  # noqa: S324
        master.append(f"{len(payload)} {md5} {server.base}/gdeltv2/{name}.zip")
        for kind in ("mentions.CSV", "gkg.csv"):  # listed like the real list; never downloaded
            master.append(f"1234 {'0' * 32} {server.base}/gdeltv2/{stamp}.{kind}.zip")
    master.append(f"999 {'1' * 32} {server.base}/gdeltv2/20170702000000.export.CSV.zip")  # outside the range
    server.files["/gdeltv2/masterfilelist.txt"] = ("\n".join(master) + "\n").encode()
    yield server, f"{server.base}/gdeltv2/masterfilelist.txt", tmp_path
    server.close()


def _fetch(cli, url: str, *extra: str):
    return cli("events", "fetch", "gdelt2", "--from", "2017-07-01", "--to", "2017-07-01", "--master-url", url,
               "--quiet", *extra)


def _exports(server: Server) -> list[str]:
    return [p for p, _ in server.requests if p.endswith(".export.CSV.zip")]


def test_fetch_ingests_each_file_and_skips_them_next_time(gdelt, cli) -> None:
    server, url, tmp = gdelt
    store = tmp / "store"
    result = _fetch(cli, url, "--store", str(store))
    assert result.exit_code == 0, result
    assert "(network)" in result.stderr and "4 export files" in result.stderr
    assert sorted(_exports(server)) == sorted(f"/gdeltv2/{s}.export.CSV.zip" for s in STAMPS)
    assert len(EventStore(store).ledger()) == 4
    whole = dyad_index(files=[V2], freq="day")
    assert dyad_index(store=store, freq="day").equals(whole)
    again = _fetch(cli, url, "--store", str(store))
    assert again.exit_code == 0 and "4 already in the store" in again.stderr
    assert len(_exports(server)) == 4  # nothing downloaded the second time
    assert not any((tmp / "home" / "downloads" / "gdelt2").glob("*.zip"))  # downloads dropped once ingested


def test_corrupted_and_truncated_downloads_are_fetched_again(gdelt, cli) -> None:
    server, url, tmp = gdelt
    server.faults[f"/gdeltv2/{STAMPS[0]}.export.CSV.zip"] = ["corrupt"]
    server.faults[f"/gdeltv2/{STAMPS[1]}.export.CSV.zip"] = ["truncate"]
    result = _fetch(cli, url, "--store", str(tmp / "store"))
    assert result.exit_code == 0, result
    assert len(EventStore(tmp / "store").ledger()) == 4
    assert dyad_index(store=tmp / "store", freq="day").equals(dyad_index(files=[V2], freq="day"))


def test_a_file_corrupted_twice_or_missing_is_reported_and_not_ingested(gdelt, cli) -> None:
    server, url, tmp = gdelt
    server.faults[f"/gdeltv2/{STAMPS[0]}.export.CSV.zip"] = ["corrupt", "corrupt"]
    server.faults[f"/gdeltv2/{STAMPS[2]}.export.CSV.zip"] = ["missing"]
    result = _fetch(cli, url, "--store", str(tmp / "store"))
    assert result.exit_code == 2
    assert "MD5" in result.stderr and "HTTP 404" in result.stderr and "Traceback" not in result.stderr
    assert "2 of 4 files not fetched" in result.stderr
    names = {e["name"] for e in EventStore(tmp / "store").ledger()}
    assert names == {f"{STAMPS[1]}.export.CSV.zip", f"{STAMPS[3]}.export.CSV.zip"}


def test_an_interrupted_fetch_resumes_where_it_stopped(gdelt, cli) -> None:
    server, url, tmp = gdelt
    third = f"/gdeltv2/{STAMPS[2]}.export.CSV.zip"
    server.faults[third] = ["drop", "missing"]  # connection lost mid-file, then unreachable
    first = _fetch(cli, url, "--store", str(tmp / "store"))
    assert first.exit_code == 2 and "1 of 4 files not fetched" in first.stderr
    part = tmp / "home" / "downloads" / "gdelt2" / f"{STAMPS[2]}.export.CSV.zip.part"
    have = part.stat().st_size
    assert 0 < have < len(server.files[third])
    server.requests.clear()
    second = _fetch(cli, url, "--store", str(tmp / "store"))
    assert second.exit_code == 0, second
    assert "3 already in the store" in second.stderr
    # only the missing file is requested, from where the interrupted download stopped
    assert server.requests[1:] == [(third, f"bytes={have}-")]
    assert not part.exists()
    assert dyad_index(store=tmp / "store", freq="day").equals(dyad_index(files=[V2], freq="day"))


def test_no_store_aggregates_without_ingesting(gdelt, cli) -> None:
    server, url, tmp = gdelt
    out = tmp / "index.csv"
    result = _fetch(cli, url, "--no-store", "--freq", "day", "--out", str(out))
    assert result.exit_code == 0, result
    import pandas as pd

    got = pd.read_csv(out, dtype={"period": str})
    assert got["events"].sum() == dyad_index(files=[V2], freq="day")["events"].sum()
    assert not (tmp / "home" / "events" / "ledger.json").exists()


def test_size_limit_and_bad_ranges(gdelt, cli) -> None:
    server, url, tmp = gdelt
    over = _fetch(cli, url, "--store", str(tmp / "s"), "--max-bytes", "1000")
    assert over.exit_code == 2 and "--max-bytes" in over.stderr and "--yes" in over.stderr
    assert _exports(server) == [] and not (tmp / "s").exists()
    assert _fetch(cli, url, "--store", str(tmp / "s"), "--max-bytes", "1000", "--yes").exit_code == 0
    reversed_range = cli("events", "fetch", "gdelt2", "--from", "2017-07-02", "--to", "2017-07-01",
                         "--master-url", url)
    assert reversed_range.exit_code == 2 and "after" in reversed_range.stderr
    unreachable = cli("events", "fetch", "gdelt2", "--from", "2017-07-01", "--to", "2017-07-01",
                      "--master-url", "http://127.0.0.1:9/none.txt")
    assert unreachable.exit_code == 2 and "master file list" in unreachable.stderr
