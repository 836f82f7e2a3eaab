"""Fetching public files over HTTP: resumable, in bounded memory, checked before use.

A file is written to ``NAME.part`` in chunks of 1 MiB; an interrupted download is resumed
with an HTTP Range request (``If-Range`` with the server's validator, so a file the
publisher replaced in the meantime starts again instead of being spliced). A download is
complete only when its size equals the server's Content-Length; only then is it renamed to
``NAME``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import http.client
import shutil
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from caretime.progress import ProgressCallback

CHUNK_BYTES = 1 << 20
MAX_PAGE_BYTES = 64 << 20  # the CMS catalogue (data.json) is the largest page read
TIMEOUT_SECONDS = 60
ATTEMPTS = 3  # tries per file within one run; a later run resumes from the .part file too
USER_AGENT = "caretime-sync (+https://github.com/caretime)"


class DownloadError(RuntimeError):
    """A file could not be fetched or is not what it should be; the message says what to do."""


def _open(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> http.client.HTTPResponse:
    if urlsplit(url).scheme not in ("http", "https"):
        raise DownloadError(f"{url} is not an http(s) address.")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})}, method=method)  # noqa: S310 (scheme checked above)
    try:
        response: http.client.HTTPResponse = urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS)  # noqa: S310
    except urllib.error.HTTPError as error:
        if error.code == 416:  # the range asked for is past the end: the caller starts again
            raise
        raise DownloadError(f"{url} answered {error.code} {error.reason}.") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DownloadError(f"{url} cannot be reached: {reason}.") from None
    return response


def read_page(url: str) -> str:
    """A download page or listing, as text (at most MAX_PAGE_BYTES)."""
    with _open(url) as response:
        body = response.read(MAX_PAGE_BYTES + 1)
    if len(body) > MAX_PAGE_BYTES:
        raise DownloadError(f"{url} is larger than {MAX_PAGE_BYTES >> 20} MiB: is it a download page?")
    return body.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class RemoteFile:
    size: int | None
    last_modified: dt.date | None
    validator: str  # ETag or Last-Modified, for If-Range


def remote_file(url: str) -> RemoteFile:
    """What the server says about a file without sending it (a HEAD request)."""
    with _open(url, method="HEAD") as response:
        return _described(response)


def _described(response: http.client.HTTPResponse) -> RemoteFile:
    length = response.headers.get("Content-Length")
    modified = response.headers.get("Last-Modified")
    day = None
    if modified:
        try:
            day = email.utils.parsedate_to_datetime(modified).date()
        except (TypeError, ValueError):
            day = None
    return RemoteFile(
        size=int(length) if length and length.isdigit() else None,
        last_modified=day,
        validator=response.headers.get("ETag") or modified or "",
    )


def download(url: str, target: Path, *, progress: ProgressCallback | None = None, attempts: int = ATTEMPTS) -> Path:
    """Fetch ``url`` into ``target`` (resuming ``target.part``); returns ``target``.

    Raises DownloadError when the file is still incomplete after ``attempts`` tries; the
    part already fetched is kept, so the next run continues from there.
    """
    if target.exists():
        # Left by a run that stopped after fetching: reused only if it is still the same size.
        if remote_file(url).size == target.stat().st_size:
            return target
        target.unlink()
    part = target.with_name(target.name + ".part")
    validator_file = target.with_name(target.name + ".part.validator")
    last_error = ""
    for _ in range(max(1, attempts)):
        try:
            if _fetch(url, part, validator_file, target.name, progress):
                part.rename(target)
                validator_file.unlink(missing_ok=True)
                return target
            last_error = "the connection ended early"
        except DownloadError as error:
            last_error = str(error)
        except (OSError, http.client.HTTPException) as error:
            last_error = f"the connection failed ({error.__class__.__name__}: {error})"
    have = part.stat().st_size if part.exists() else 0
    raise DownloadError(
        f"{target.name} is incomplete after {attempts} tries ({have:,} bytes so far; {last_error}). "
        "Run the sync again to resume where it stopped."
    )


def _fetch(url: str, part: Path, validator_file: Path, name: str, progress: ProgressCallback | None) -> bool:
    """One request; True when the file is complete."""
    have = part.stat().st_size if part.exists() else 0
    headers = {}
    if have:
        headers["Range"] = f"bytes={have}-"
        if validator_file.exists():
            headers["If-Range"] = validator_file.read_text()
    try:
        response = _open(url, headers)
    except urllib.error.HTTPError:  # 416: what we have is no prefix of the file: start again
        part.unlink(missing_ok=True)
        return False
    with response:
        described = _described(response)
        if response.status == 206:
            content_range = response.headers.get("Content-Range", "")
            if _range_start(content_range) != have:  # not the rest of what we have: start again
                part.unlink(missing_ok=True)
                return False
            total = _range_total(content_range)
            mode = "ab"
        else:  # 200: the server sent the whole file (no range support, or the file changed)
            have, total, mode = 0, described.size, "wb"
        if described.validator:
            validator_file.write_text(described.validator)
        done = have
        with part.open(mode) as out:
            while chunk := response.read(CHUNK_BYTES):
                out.write(chunk)
                done += len(chunk)
                if progress:
                    progress(f"download {name}", done, total or 0)
    if total is None:
        raise DownloadError(f"{url} does not say how large the file is (no Content-Length): it cannot be checked.")
    if done > total:
        part.unlink()
        raise DownloadError(f"{name}: received {done:,} bytes, more than the {total:,} announced.")
    return done == total


def _range_start(content_range: str) -> int | None:
    # "bytes 100-199/200"
    start = content_range.removeprefix("bytes ").partition("-")[0]
    return int(start) if start.isdigit() else None


def _range_total(content_range: str) -> int | None:
    # "bytes 100-199/200"
    total = content_range.rpartition("/")[2]
    return int(total) if total.isdigit() else None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def archive_members(path: Path) -> list[str]:
    """The member names of a zip archive; DownloadError when its directory cannot be read
    (a truncated or foreign file). Each member used is CRC-checked as it is extracted."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise DownloadError(f"{path.name} is not a readable zip archive ({error}).") from None


# Room left on the disk after an extracted member, for the database and everything else.
DISK_TO_SPARE = 1 << 30


def extract_member(archive_path: Path, member: str, target: Path) -> Path:
    """Copy one member out of the archive, in chunks (zipfile checks its CRC at the end, and
    stops at the size the archive declares, which is checked against the free disk first:
    a damaged or hostile archive cannot fill the disk)."""
    try:
        with zipfile.ZipFile(archive_path) as archive:
            declared = archive.getinfo(member).file_size
            free = shutil.disk_usage(target.parent).free
            if declared + DISK_TO_SPARE > free:
                raise DownloadError(
                    f"{archive_path.name}: {member} unpacks to {declared:,} bytes, and {target.parent} has "
                    f"{free:,} free; free more space (1 GB more than that) and run the sync again."
                )
            with archive.open(member) as source, target.open("wb") as out:
                shutil.copyfileobj(source, out, CHUNK_BYTES)
    except (zipfile.BadZipFile, EOFError) as error:
        target.unlink(missing_ok=True)
        raise DownloadError(f"{archive_path.name}: {member} cannot be extracted ({error}).") from None
    return target
