"""Download one source file with requests: retries, verification, atomic rename, provenance.

A download streams to a temporary file beside the target, is verified (size cap, Content-Length, sha256
when pinned, zip/xlsx really a zip with an intact directory, CSV not an HTML page and whole: every record
complete, the last one ending its line) and only then renamed over the previous file, so a failure at any
point leaves the last good file in place. A refresh stages the download instead (fetch(stage=True)): new
bytes wait in data/raw/<source_id>/candidate/ until the tables built from them pass their checks
(sources/candidates.py promotes or refuses them).

A download that replaces the file with different bytes first hard-links the old file and its sidecar into
data/raw/<source_id>/previous/<UTC time>-<sha256[:12]>-<filename> (the newest KEEP_PREVIOUS are kept): a
valid but wrong file that the publish gate refuses still leaves the last good one to rebuild from. Roll
back (README, Operations) by copying the kept file, not its sidecar, over the current one and deleting the
current sidecar: a file without sidecar is used as it is and no longer downloaded. Nothing reads previous/.
"""

from __future__ import annotations

import codecs
import hashlib
import ipaddress
import json
import os
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NameResolutionError, NewConnectionError
from urllib3.util.retry import Retry

from bcm_pipeline import __version__
from bcm_pipeline.settings import Settings
from bcm_pipeline.sources.registry import Source, url_override_env
from bcm_pipeline.sources.wholeness import check_csv_records

USER_AGENT = f"bcm-pipeline/{__version__} (+https://github.com/bcm-pipeline/bcm-pipeline)"
CHUNK = 1 << 16
PROGRESS_EVERY_BYTES = 8 << 20  # a big download reports its bytes every 8 MB (issue 17)
PROGRESS_PREFIX = "downloading "  # the progress line's start: the console prints these (assets/progress.py)
# Zip bomb guards: real workbooks inflate at most ~13x (World Bank) and to ~23 MB (GEM coal).
MAX_ZIP_RATIO = 100
MAX_UNZIPPED_FACTOR = 20  # total inflated size may be at most this many times the download cap
PREVIOUS_DIR = "previous"  # replaced raw files, kept for a rollback; never read by the pipeline
KEEP_PREVIOUS = 3
CANDIDATE_DIR = "candidate"  # a new download waiting for its tables' checks (sources/candidates.py)


class DownloadError(RuntimeError):
    """A source could not be fetched or failed verification. The message names source, URL and cause.

    `transient`: the failure may pass later (timeouts, resets, 5xx, 429), so a retry is worth it; a 404, an
    HTML page or a sha256 mismatch is not (the raw asset retries only transient failures).

    `unreachable`: no connection could be made at all (DNS, refused, connect timeout): the raw asset goes
    on with the last good file, saying so, instead of failing the run.
    """

    def __init__(self, message: str, transient: bool = False, unreachable: bool = False):
        super().__init__(message)
        self.transient = transient
        self.unreachable = unreachable


@dataclass(frozen=True)
class RawFile:
    source_id: str
    url: str  # the publisher's URL (registry)
    fetched_url: str | None  # what was fetched: a mirror, an override or url; None for a file placed by hand
    path: str  # relative to the data directory
    retrieved_at: str
    bytes: int
    sha256: str
    etag: str | None
    last_modified: str | None
    status: str  # downloaded | not_modified | manual | candidate (staged, not yet proven)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_sidecar(cls, stored: dict, **changes) -> RawFile:
        """A provenance sidecar as written by this or older code (which kept the fetched URL in `url`)."""
        fields = {f: stored.get(f) for f in cls.__dataclass_fields__}
        if "fetched_url" not in stored:
            fields["fetched_url"] = stored.get("url")
        return cls(**{**fields, **changes})


def source_url(source: Source, settings: Settings) -> str:
    """The URL to fetch: an explicit per-source override (BCM_URL_<ID>, for the used release's only file),
    else the mirror layout <mirror>/<source_id>/<file name, URL-encoded>, else the release's URL."""
    override = settings.source_urls.get(source.id) if source.url_override else None
    if override:
        return override
    return _mirror_url(source, settings) or source.url


def confined(base: Path, name: str) -> Path:
    """base/name, refusing names that are absolute or climb out of base (config and zip members)."""
    if not name or Path(name).is_absolute() or ".." in Path(name).parts or "\\" in name:
        raise ValueError(f"path {name!r} escapes {base}")
    path = (base / name).resolve()
    if not path.is_relative_to(base.resolve()):
        raise ValueError(f"path {name!r} escapes {base}")
    return path


def remove_stale_temps(folder: Path) -> list[Path]:
    """Delete temporary files a killed writer left behind (one refresh writes a folder at a time)."""
    stale = [p for pattern in (".download-*", ".tmp-*") for p in folder.glob(pattern)]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _sidecar(target: Path) -> Path:
    return target.with_name(target.name + ".provenance.json")


def read_provenance(target: Path) -> dict | None:
    side = _sidecar(target)
    if not side.exists():
        return None
    try:
        return json.loads(side.read_text())
    except json.JSONDecodeError:
        return {}  # unreadable sidecar: still a downloaded file, but send no conditional headers


def keep_previous(target: Path, sha: str) -> Path:
    """Hard-link target and its sidecar into previous/ (no copy; target stays in place until replaced)."""
    kept_dir = target.parent / PREVIOUS_DIR
    kept_dir.mkdir(exist_ok=True)
    remove_stale_temps(kept_dir)
    stamp = datetime.fromtimestamp(target.stat().st_mtime, UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = kept_dir / f"{stamp}-{sha[:12]}-{target.name}"
    for src, dest in ((target, kept), (_sidecar(target), _sidecar(kept))):
        # Same name, same bytes (time and sha256 prefix): already kept, e.g. by a run killed after this.
        if src.exists() and not dest.exists():
            try:
                os.link(src, dest)
            except OSError:  # a filesystem without hard links: a copy, renamed into place whole
                tmp = kept_dir / f".tmp-{uuid.uuid4().hex}"
                shutil.copy2(src, tmp)
                os.replace(tmp, dest)
    return kept


def prune_previous(kept_dir: Path, keep: int = KEEP_PREVIOUS) -> None:
    """Keep the newest `keep` files in previous/ (names start with their UTC time), with their sidecars."""
    files = sorted(
        p
        for p in kept_dir.iterdir()
        if not p.name.startswith(".") and not p.name.endswith(".provenance.json")
    )
    for old in files[: max(len(files) - keep, 0)]:
        old.unlink(missing_ok=True)
        _sidecar(old).unlink(missing_ok=True)


def _file_mode() -> int:
    """0666 less the process umask: what open() would have given (mkstemp always gives 0600)."""
    current = os.umask(0)
    os.umask(current)
    return 0o666 & ~current


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.chmod(tmp, _file_mode())
    os.replace(tmp, path)


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def cannot_heal(error: BaseException | None, host: str | None, port: int | None = None) -> str | None:
    """Why a connection error will not pass by retrying, or None when it might (a timeout, a reset, a
    refused remote host that may be restarting).

    A name that does not resolve means no network or a wrong host; nothing listening on this machine
    (connection refused on loopback) means the mirror is not running or the port is wrong. Retrying either
    only makes an offline build take minutes to fail.
    """
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, NameResolutionError):
            return f"no network or unknown host: could not resolve {getattr(error, '_host', None) or host}"
        if isinstance(error, NewConnectionError) and _is_loopback(host) and "refused" in str(error).lower():
            where = f"{host}:{port}" if port else host
            return f"nothing listens at {where} (connection refused): is the mirror running, on this port?"
        error = getattr(error, "reason", None) or error.__cause__ or error.__context__
    return None


class CappedRetry(Retry):
    """urllib3 Retry that honours Retry-After only up to a cap (a huge value would stall the refresh), and
    gives up at once on connection errors that cannot heal (cannot_heal)."""

    retry_after_max_s: float = 120.0

    def get_retry_after(self, response) -> float | None:
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, self.retry_after_max_s)

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        if error is not None and cannot_heal(
            error, getattr(_pool, "host", None), getattr(_pool, "port", None)
        ):
            raise MaxRetryError(_pool, url, error) from error
        return super().increment(method, url, response, error, _pool, _stacktrace)


def make_session(settings: Settings) -> requests.Session:
    retry_class = type("Retry", (CappedRetry,), {"retry_after_max_s": settings.http_retry_after_max_s})
    retries = settings.http_retries
    retry = retry_class(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        backoff_factor=settings.http_backoff_s,
        backoff_max=settings.http_backoff_max_s,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.headers["User-Agent"] = USER_AGENT
    return session


def verify_content(path: Path, source: Source) -> None:
    """Raise ValueError when the bytes are not what the source's format promises."""
    size = path.stat().st_size
    if size == 0:
        raise ValueError("the file is empty")
    with open(path, "rb") as fh:
        head = fh.read(512)
    if source.format in ("xlsx", "zip"):
        if not zipfile.is_zipfile(path):
            looks = "an HTML page" if _looks_html(head) else "not a zip"
            if head.startswith(b"PK\x03\x04"):  # a zip's start without the directory at its end
                looks = "a zip without its directory at the end (the file was cut short)"
            raise ValueError(
                f"expected a {source.format} (zip) file but got {looks} (first bytes {head[:40]!r})"
            )
        with zipfile.ZipFile(path) as zf:
            check_zip_members(zf, source.max_bytes * MAX_UNZIPPED_FACTOR)
            bad = zf.testzip()
            if bad is not None:
                raise ValueError(f"zip member {bad!r} is corrupt (truncated download?)")
            if source.format == "xlsx" and "[Content_Types].xml" not in zf.namelist():
                raise ValueError("zip file is not an Office Open XML workbook")
    elif source.format == "csv":
        if _looks_html(head):
            raise ValueError("expected CSV but got an HTML page (an error or login page?)")
        check_utf8(path)
        check_csv_records(path, source.ends_with_line_end)  # whole: no cut record, no cut last line
    elif source.format == "json":
        # A whole JSON document (an HTML error page or a truncated download does not parse).
        if _looks_html(head):
            raise ValueError("expected JSON but got an HTML page (an error or login page?)")
        check_utf8(path)
        try:
            with open(path, encoding="utf-8") as fh:
                json.load(fh)
        except json.JSONDecodeError as exc:
            raise ValueError(f"expected JSON but the file does not parse: {exc}") from exc


def _looks_html(head: bytes) -> bool:
    text = head.decode("utf-8", errors="replace").lstrip().lower()
    return text.startswith("<!doctype") or text.startswith("<html") or "<html" in text[:200]


def check_zip_members(zf: zipfile.ZipFile, max_total: int) -> None:
    """Refuse member paths that escape their folder and members that inflate like a zip bomb."""
    total = 0
    for info in zf.infolist():
        try:
            confined(Path("/member-root"), info.filename)
        except ValueError as exc:
            raise ValueError(f"zip member {info.filename!r} has an unsafe path (refused)") from exc
        total += info.file_size
        if info.file_size > 1_000_000 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise ValueError(
                f"zip member {info.filename!r} inflates {info.compress_size} to {info.file_size} bytes "
                f"(more than {MAX_ZIP_RATIO}x: a zip bomb?)"
            )
    if total > max_total:
        raise ValueError(f"zip inflates to {total} bytes, more than the cap of {max_total} bytes")


def check_utf8(path: Path) -> None:
    """A CSV must be UTF-8 text: another encoding would turn names like 'Türkiye' into mojibake."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            if b"\x00" in block:
                raise ValueError("CSV contains NUL bytes: UTF-16 or binary, expected UTF-8 text")
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                raise ValueError(
                    f"CSV is not UTF-8 (byte {offset + exc.start}: {block[exc.start : exc.start + 4]!r}); "
                    "the publisher may have changed its encoding"
                ) from exc
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise ValueError("CSV is not UTF-8 (ends inside a multi-byte character)") from exc


def progress_text(filename: str, received: int, declared: int | None) -> str:
    """'downloading <file>: 16.8 of 41.9 MB' (or '16.8 MB so far' when the server gives no length)."""
    got = f"{received / 1e6:,.1f}"
    return f"{PROGRESS_PREFIX}{filename}: " + (
        f"{got} of {declared / 1e6:,.1f} MB" if declared else f"{got} MB so far"
    )


def raw_target(source: Source, settings: Settings) -> Path:
    """data/raw/<source_id>/<filename>; ValueError for a name that would leave that folder."""
    folder = confined(settings.raw_dir, source.raw_folder)
    target = confined(folder, source.filename)
    if target.parent != folder:  # e.g. previous/<name>: the kept files are never the source
        raise ValueError(f"file name {source.filename!r} must be a plain name")
    return target


def conditional_headers(previous: dict | None, url: str, current_sha: str | None) -> dict[str, str]:
    """The validators of a conditional GET ("changed since?"), sent only when the file on disk is the one
    its provenance describes, fetched from the same URL."""
    headers = {}
    fetched_before = (previous or {}).get("fetched_url", (previous or {}).get("url"))
    if previous and fetched_before == url and previous.get("sha256") == current_sha:
        if previous.get("etag"):
            headers["If-None-Match"] = previous["etag"]
        if previous.get("last_modified"):
            headers["If-Modified-Since"] = previous["last_modified"]
    return headers


def still_current(source: Source, settings: Settings, session: requests.Session) -> tuple[str | None, str]:
    """(sha256 of the file on disk, "") when the server answers 304 Not Modified to a conditional GET
    for it (or the file was placed by hand: nothing to ask); else (sha256 or None, why a refresh must
    look). Downloads nothing and writes nothing: `bcm refresh` asks this of every file before it starts
    a run (bcm_pipeline/uptodate.py)."""
    try:
        target = raw_target(source, settings)
    except ValueError as exc:
        return None, f"{source.id}: {exc}"
    if not target.is_file():
        return None, f"{source.id}: no file {target.name} yet"
    current_sha = sha256_of(target)
    previous = read_provenance(target)
    if previous is None:
        return current_sha, ""  # placed by hand (fetch uses it as it is)
    if candidate_path(target).exists():
        return current_sha, f"{source.id}: a new file of an earlier run waits in candidate/"
    url = source_url(source, settings)
    headers = conditional_headers(previous, url, current_sha)
    if not headers:
        return current_sha, f"{source.id}: nothing to ask the server (no ETag or Last-Modified recorded)"
    try:
        timeout = (settings.http_connect_timeout_s, settings.http_read_timeout_s)
        with session.get(url, headers=headers, stream=True, timeout=timeout) as response:
            status = response.status_code  # the body, if any, is left unread
    except requests.RequestException as exc:
        return current_sha, f"{source.id}: {url} did not answer ({_reason(exc)})"
    if status != 304:
        return current_sha, f"{source.id}: {url} answered HTTP {status}, not 304 Not Modified"
    return current_sha, ""


def fetch(
    source: Source,
    settings: Settings,
    session: requests.Session | None = None,
    stage: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RawFile:
    """Bring data/raw/<source_id>/<filename> up to date and return its provenance.

    A file dropped into the folder by hand (no provenance sidecar) is used as it is: the route for sources
    whose publisher puts the download behind a form.

    `stage`: a download whose bytes differ from the current file goes to candidate/<filename> (status
    `candidate`) and the current file stays: the run promotes or refuses it once its tables are checked
    (sources/candidates.py). A candidate an earlier run left unproven is discarded first.

    `progress`: called with a line (progress_text) every PROGRESS_EVERY_BYTES of a download.
    """
    try:
        target = raw_target(source, settings)
    except ValueError as exc:
        raise DownloadError(f"{source.id}: refused: {exc}") from exc
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(folder)
    if stage:
        discard_candidate(target)
    url = source_url(source, settings)
    previous = read_provenance(target) if target.exists() else None

    if target.exists() and previous is None:
        return _manual(source, target, settings)
    if not (url.startswith("https://") or (settings.source_mirror and url.startswith("http://"))):
        raise DownloadError(
            f"{source.id}: refusing non-https URL {url} (plain http only via BCM_SOURCE_MIRROR)"
        )

    current_sha = sha256_of(target) if target.exists() else None
    headers = conditional_headers(previous, url, current_sha)

    kept = (
        f"previous good file kept at {target}"
        if target.exists()
        else f"no previous file; {source.landing_hint}"
    )
    own_session = session is None
    session = session or make_session(settings)
    tmp_path: Path | None = None
    try:
        try:
            response = session.get(
                url,
                headers=headers,
                stream=True,
                timeout=(settings.http_connect_timeout_s, settings.http_read_timeout_s),
            )
        except requests.RequestException as exc:
            permanent = cannot_heal(exc, urlsplit(url).hostname, urlsplit(url).port)
            if permanent:
                raise DownloadError(
                    f"{source.id}: download from {url} failed: {permanent}\n"
                    f"  what to do: {offline_hint(source, settings)}; {kept}",
                    unreachable=True,
                ) from exc
            raise DownloadError(
                f"{source.id}: download from {url} failed: {_reason(exc)}; {kept}",
                transient=True,
                unreachable=cannot_connect(exc),
            ) from exc
        with response:
            if response.status_code == 304 and previous:
                return RawFile.from_sidecar(
                    previous, url=source.url, path=_relative(target, settings), status="not_modified"
                )
            if response.status_code != 200:
                hint = f" (the source may have moved: set {url_override_env(source.id)} or a release URL)"
                raise DownloadError(
                    f"{source.id}: download from {url} failed: HTTP {response.status_code} {response.reason}"
                    f"{hint if response.status_code in (404, 410) else ''}; {kept}",
                    transient=response.status_code == 429 or response.status_code >= 500,
                )
            declared = response.headers.get("Content-Length")
            if declared and int(declared) > source.max_bytes:
                raise DownloadError(
                    f"{source.id}: download from {url} refused: Content-Length {declared} bytes exceeds the "
                    f"cap of {source.max_bytes} bytes; {kept}"
                )
            fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".download-")
            tmp_path = Path(tmp_name)
            digest = hashlib.sha256()
            received, next_report = 0, PROGRESS_EVERY_BYTES
            size = int(declared) if declared else None
            try:
                with os.fdopen(fd, "wb") as fh:
                    for chunk in response.iter_content(CHUNK):
                        received += len(chunk)
                        if progress and received >= next_report:
                            progress(progress_text(source.filename, received, size))
                            next_report += PROGRESS_EVERY_BYTES
                        if received > source.max_bytes:
                            raise DownloadError(
                                f"{source.id}: download from {url} aborted: more than the cap of "
                                f"{source.max_bytes} bytes; {kept}"
                            )
                        digest.update(chunk)
                        fh.write(chunk)
            except requests.RequestException as exc:
                raise DownloadError(
                    f"{source.id}: download from {url} broke off after {received} bytes: {_reason(exc)}; {kept}",
                    transient=True,
                ) from exc
            if declared and received != int(declared):
                raise DownloadError(
                    f"{source.id}: download from {url} truncated: got {received} of {declared} bytes; {kept}",
                    transient=True,
                )
            # Content first: "an HTML page" tells the user more than "sha256 differs".
            try:
                verify_content(tmp_path, source)
            except (ValueError, zipfile.BadZipFile) as exc:
                raise DownloadError(f"{source.id}: download from {url} rejected: {exc}; {kept}") from exc
            sha = digest.hexdigest()
            pinned = source.sha256 if url in (source.url, _mirror_url(source, settings)) else None
            if pinned and sha != pinned:
                raise DownloadError(
                    f"{source.id}: download from {url} has sha256 {sha}, expected the pinned {pinned}; {kept}"
                )
            raw = RawFile(
                source_id=source.id,
                url=source.url,
                fetched_url=url,
                path=_relative(target, settings),
                retrieved_at=datetime.now(UTC).isoformat(timespec="seconds"),
                bytes=received,
                sha256=sha,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
                status="downloaded",
            )
            os.chmod(tmp_path, _file_mode())  # mkstemp creates 0600; raw files are shared data, not secrets
            if stage and sha != current_sha:
                staged = _stage(tmp_path, target, raw)
                tmp_path = None
                return staged
            # Keep the file being replaced (a link made before the rename: a kill anywhere loses nothing).
            kept = keep_previous(target, current_sha) if current_sha not in (None, sha) else None
            os.replace(tmp_path, target)
            tmp_path = None
            _write_atomic(_sidecar(target), json.dumps(raw.to_dict(), indent=2))
            if kept is not None:
                prune_previous(kept.parent)
            return raw
    finally:
        if tmp_path is not None and tmp_path.exists():
            tmp_path.unlink()
        if own_session:
            session.close()


def candidate_path(target: Path) -> Path:
    """Where a staged download of `target` waits for its tables' checks: <folder>/candidate/<name>."""
    return target.parent / CANDIDATE_DIR / target.name


def discard_candidate(target: Path) -> None:
    """Delete an unproven candidate of `target` (and its sidecar), e.g. one a killed run left."""
    candidate = candidate_path(target)
    candidate.unlink(missing_ok=True)
    _sidecar(candidate).unlink(missing_ok=True)


def _stage(tmp_path: Path, target: Path, raw: RawFile) -> RawFile:
    """Rename a verified download into candidate/ with its sidecar; the current file is not touched."""
    candidate = candidate_path(target)
    candidate.parent.mkdir(exist_ok=True)
    relative = Path(raw.path)  # relative to the data directory, like every raw_files path
    staged = replace(raw, path=str(relative.parent / CANDIDATE_DIR / relative.name), status="candidate")
    os.replace(tmp_path, candidate)
    _write_atomic(_sidecar(candidate), json.dumps(staged.to_dict(), indent=2))
    return staged


def cannot_connect(exc: BaseException) -> bool:
    """Whether no connection could be made at all (name not resolved, connection refused, connect timeout):
    the source is unreachable, as opposed to a server that answered badly or broke off."""
    seen: set[int] = set()
    error: BaseException | None = exc
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, NewConnectionError | ConnectTimeoutError | requests.ConnectTimeout):
            return True
        error = getattr(error, "reason", None) or error.__cause__ or error.__context__
    return False


def offline_hint(source: Source, settings: Settings) -> str:
    """What to do when a source cannot be reached at all."""
    folder = settings.raw_dir / source.raw_folder
    if settings.source_mirror:
        return (
            f"start the mirror or fix its URL (BCM_SOURCE_MIRROR / --mirror {settings.source_mirror}), "
            f"or put {source.filename!r} into {folder}/"
        )
    return (
        "set BCM_SOURCE_MIRROR or --mirror to a server of the files laid out like data/raw/, "
        f"or put {source.filename!r} into {folder}/"
    )


def _mirror_url(source: Source, settings: Settings) -> str | None:
    if not settings.source_mirror:
        return None
    return f"{settings.source_mirror.rstrip('/')}/{source.mirror_path}"


def _relative(target: Path, settings: Settings) -> str:
    """The raw file's path as raw_files keeps it: relative to the data directory (which may move)."""
    try:
        return str(target.resolve().relative_to(settings.data_dir.resolve()))
    except ValueError:
        return str(target)


def _manual(source: Source, target: Path, settings: Settings) -> RawFile:
    try:
        verify_content(target, source)
    except (ValueError, zipfile.BadZipFile) as exc:
        raise DownloadError(f"{source.id}: the file placed at {target} is not usable: {exc}") from exc
    stat = target.stat()
    return RawFile(
        source_id=source.id,
        url=source.url,
        fetched_url=None,  # placed by hand: status manual
        path=_relative(target, settings),
        retrieved_at=datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds"),
        bytes=stat.st_size,
        sha256=sha256_of(target),
        etag=None,
        last_modified=None,
        status="manual",
    )


def _reason(exc: Exception) -> str:
    # urllib3's MaxRetryError hides the last cause several levels deep; surface it.
    text = str(exc)
    return text if len(text) < 400 else text[:400] + "…"
