"""A local stand-in for the publishers: generated releases, zipped and named like the real
ones, served over real HTTP with Range requests, as a mirror for ``--source-url``."""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import os
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from caretime.billing.generate import write_medicare_file
from caretime.datasets.formats import NPPES_LOCATION_HEADER
from caretime.datasets.generators import write_doctors_clinicians_file, write_nppes_files, write_nppes_rows

NPPES_ROWS = 400


@dataclass
class Mirror:
    """A directory served at ``url``: "/" lists its files, every file answers HEAD and Range."""

    root: Path
    url: str = ""
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # method, path, Range header
    # file name -> bytes sent before hanging up, one count per download of it, in turn
    cuts: dict[str, list[int]] = field(default_factory=dict)
    dated: bool = True  # whether files carry Last-Modified (some servers send no validator)

    def file_requests(self, name: str) -> list[tuple[str, str, str]]:
        return [request for request in self.requests if request[1] == f"/{name}"]


def _handler(mirror: Mirror) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

        def do_HEAD(self) -> None:
            self._serve(body=False)

        def do_GET(self) -> None:
            self._serve(body=True)

        def _serve(self, *, body: bool) -> None:
            mirror.requests.append((self.command, self.path, self.headers.get("Range", "")))
            if self.path == "/":
                page = "".join(
                    f'<li><a href="{path.name}">{path.name}</a></li>'
                    for path in sorted(mirror.root.iterdir())
                    if path.is_file()
                ).encode()
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)
                return
            path = mirror.root / self.path.lstrip("/")
            if not path.is_file():
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            data = path.read_bytes()
            modified = email.utils.formatdate(path.stat().st_mtime, usegmt=True)
            start = 0
            ranged = self.headers.get("Range", "")
            if ranged.startswith("bytes=") and self.headers.get("If-Range", modified) == modified:
                start = int(ranged[len("bytes=") :].split("-")[0])
                if start >= len(data):
                    self.send_error(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                    return
                self.send_response(HTTPStatus.PARTIAL_CONTENT)
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            else:
                self.send_response(HTTPStatus.OK)
            self.send_header("Content-Length", str(len(data) - start))
            if mirror.dated:
                self.send_header("Last-Modified", modified)
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            if not body:
                return
            planned = mirror.cuts.get(path.name)
            cut = planned.pop(0) if planned else None
            if cut is not None:
                self.wfile.write(data[start : start + cut])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(data[start:])

    return Handler


def serve(root: Path) -> Iterator[Mirror]:
    mirror = Mirror(root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(mirror))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    mirror.url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        yield mirror
    finally:
        server.shutdown()
        server.server_close()


def _zip(archive: Path, members: dict[str, Path]) -> Path:
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for name, path in members.items():
            out.write(path, name)
    return archive


def _header_copy(source: Path, target: Path) -> Path:
    with source.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with target.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out, quoting=csv.QUOTE_ALL).writerow(header)
    return target


def nppes_full(root: Path, work: Path, *, month: str, year: int, last_day: str, rows: int = NPPES_ROWS) -> Path:
    """``NPPES_Data_Dissemination_<Month>_<Year>.zip`` with the members of the real archive."""
    work.mkdir(parents=True, exist_ok=True)
    main, side = work / "main.csv", work / "pl.csv"
    write_nppes_files(main_path=main, locations_path=side, rows=rows, seed=1, bad_share=0.05)
    stem = f"20050523-{last_day}"
    other = work / "othername.csv"
    other.write_text('"NPI","Provider Other Organization Name","Provider Other Organization Name Type Code"\n')
    return _zip(
        root / f"NPPES_Data_Dissemination_{month}_{year}.zip",
        {
            f"npidata_pfile_{stem}.csv": main,
            f"npidata_pfile_{stem}_fileheader.csv": _header_copy(main, work / "main_header.csv"),
            f"pl_pfile_{stem}.csv": side,
            f"pl_pfile_{stem}_fileheader.csv": _header_copy(side, work / "pl_header.csv"),
            f"othername_pfile_{stem}.csv": other,
        },
    )


def nppes_weekly(root: Path, work: Path, *, first: dt.date, last: dt.date, rows: list[dict[str, str]]) -> Path:
    """``NPPES_Data_Dissemination_MMDDYY_MMDDYY_Weekly.zip`` holding the given main-file rows."""
    work.mkdir(parents=True, exist_ok=True)
    main, side = work / "weekly_main.csv", work / "weekly_pl.csv"
    write_nppes_rows(main, rows)
    with side.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out, quoting=csv.QUOTE_ALL).writerow(NPPES_LOCATION_HEADER)
    stem = f"{first:%Y%m%d}-{last:%Y%m%d}"
    return _zip(
        root / f"NPPES_Data_Dissemination_{first:%m%d%y}_{last:%m%d%y}_Weekly.zip",
        {f"npidata_pfile_{stem}.csv": main, f"pl_pfile_{stem}.csv": side},
    )


def doctors_clinicians(root: Path, *, modified: dt.date, rows: int = 300) -> Path:
    """``DAC_NationalDownloadableFile.csv`` (a plain CSV, as CMS publishes it), dated by its mtime."""
    path = root / "DAC_NationalDownloadableFile.csv"
    write_doctors_clinicians_file(path=path, rows=rows, seed=1, nppes_rows=NPPES_ROWS, bad_share=0.05)
    stamp = dt.datetime(modified.year, modified.month, modified.day, 12, tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def medicare(root: Path, *, claims_year: int = 2024, version: int = 10, rows: int = 400) -> Path:
    """``MUP_PHY_R26_P05_V10_D24_Prov_Svc.csv`` (a plain CSV, as CMS publishes it)."""
    path = root / f"MUP_PHY_R{claims_year % 100 + 2:02d}_P05_V{version}_D{claims_year % 100:02d}_Prov_Svc.csv"
    write_medicare_file(path, rows=rows, seed=1)
    return path


def national_release(root: Path, work: Path) -> dict[str, Path]:
    """A whole release of the three sources, as of November 2026."""
    return {
        "nppes": nppes_full(root, work, month="November", year=2026, last_day="20261109"),
        "clinicians": doctors_clinicians(root, modified=dt.date(2026, 11, 12)),
        "medicare": medicare(root),
    }
