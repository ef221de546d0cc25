"""A new download is a candidate until the tables built from it pass their checks in the run.

    data/raw/<source_id>/<name>                 the current file: the last good one, what tables read
    data/raw/<source_id>/candidate/<name>       a new download (fetch(stage=True)), read by this run's tables
    data/raw/<source_id>/refused/<UTC time>-<sha256[:12]>-<name>   a refused candidate, its sidecar
                                                 (.provenance.json) holding `reason` and `refused_at`

`promote` (after the publish gate passed) keeps the current file in previous/ and renames the candidate
over it; `refuse` (a parse, a check, a guard or the publish gate said no) moves the candidate into
refused/ with the reason, so the last good file stays current and the next run, even offline, builds
from it. The newest KEEP_REFUSED refused files are kept. No Dagster here.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from bcm_pipeline.sources.download import (
    CANDIDATE_DIR,
    RawFile,
    _sidecar,
    _write_atomic,
    candidate_path,
    keep_previous,
    prune_previous,
    read_provenance,
    sha256_of,
)

REFUSED_DIR = "refused"
KEEP_REFUSED = 3
MAX_REASON = 4000  # characters of the refusal kept in the sidecar


class CandidateRefused(RuntimeError):
    """A table, guard or the publish gate refused a new download: the message says why, where the file
    is kept and that the last good file stays current."""


def readable(target: Path) -> Path:
    """The file a table reads for `target`: its candidate when one waits, else the current file."""
    candidate = candidate_path(target)
    return candidate if candidate.exists() else target


def pending(target: Path) -> Path | None:
    candidate = candidate_path(target)
    return candidate if candidate.exists() else None


def relative(path: Path) -> str:
    """A raw file's path as raw_files keeps it: relative to the data directory (data/raw/<id>/...), which
    may move; as given when it is not under a raw/ folder."""
    path = Path(path)
    for parent in path.parents:
        if parent.name == "raw":
            return str(path.relative_to(parent.parent))
    return str(path)


def on_disk(path: Path, status: str | None = None, url: str | None = None) -> RawFile:
    """A raw file as it is on disk: its sidecar's provenance (the sha256 and size of the bytes there), the
    status given or the sidecar's; a file without sidecar as placed by hand (`url`: the publisher's)."""
    provenance = read_provenance(path) or {}
    stat = path.stat()
    changes = {
        "source_id": provenance.get("source_id") or path.parent.name,
        "url": url or provenance.get("url") or f"file://{path}",
        "path": relative(path),
        "retrieved_at": provenance.get("retrieved_at")
        or datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds"),
        "bytes": stat.st_size,
        "sha256": sha256_of(path),
        "status": status or provenance.get("status") or "manual",
    }
    if not provenance:
        changes["fetched_url"] = None  # placed by hand
    return RawFile.from_sidecar(provenance, **changes)


def last_good(target: Path, url: str | None = None) -> RawFile | None:
    """The current file of `target` for a run that cannot reach its source (status unreachable)."""
    return on_disk(target, "unreachable", url) if target.exists() else None


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def promote(target: Path) -> Path | None:
    """Make the candidate of `target` the current file (the old one kept in previous/). None: no candidate."""
    candidate = pending(target)
    if candidate is None:
        return None
    provenance = read_provenance(candidate) or {}
    sha = provenance.get("sha256") or sha256_of(candidate)
    current_sha = sha256_of(target) if target.exists() else None
    kept = keep_previous(target, current_sha) if current_sha not in (None, sha) else None
    os.replace(candidate, target)
    _write_atomic(
        _sidecar(target),
        json.dumps({**provenance, "path": relative(target), "status": "downloaded"}, indent=2),
    )
    _sidecar(candidate).unlink(missing_ok=True)
    _remove_if_empty(candidate.parent)
    if kept is not None:
        prune_previous(kept.parent)
    _forget_refused(target, sha)  # accepted after all (e.g. with the drift guard off): no longer refused
    return target


def refuse(target: Path, reason: str) -> Path | None:
    """Move the candidate of `target` into refused/ with `reason`. None: no candidate waited."""
    candidate = pending(target)
    if candidate is None:
        return None
    provenance = read_provenance(candidate) or {}
    sha = provenance.get("sha256") or sha256_of(candidate)
    _forget_refused(target, sha)  # the same bytes refused again: one entry, the newest reason
    folder = target.parent / REFUSED_DIR
    folder.mkdir(exist_ok=True)
    kept = folder / f"{_stamp()}-{sha[:12]}-{target.name}"
    os.replace(candidate, kept)
    record = {
        **provenance,
        "path": relative(kept),
        "status": "refused",
        "refused_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "reason": reason[:MAX_REASON],
    }
    _write_atomic(_sidecar(kept), json.dumps(record, indent=2))
    _sidecar(candidate).unlink(missing_ok=True)
    _remove_if_empty(candidate.parent)
    prune_previous(folder, KEEP_REFUSED)
    return kept


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:  # not empty (another file's candidate waits), or already gone
        pass


def refused(target: Path) -> list[dict]:
    """The refused files of `target` (newest first): their provenance, `path`, `reason`, `refused_at`."""
    folder = target.parent / REFUSED_DIR
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(_kept_files(folder, target.name), reverse=True):
        record = read_provenance(path) or {}
        out.append({**record, "path": relative(path), "status": "refused"})
    return out


def _kept_files(folder: Path, name: str, sha: str | None = None) -> list[Path]:
    """Files <UTC time>-<sha256[:12]>-<name> in `folder` (of this sha256 prefix when given)."""
    pattern = re.compile(rf"\d{{8}}T\d{{6}}Z-{sha[:12] if sha else '[0-9a-f]{12}'}-{re.escape(name)}")
    return [p for p in folder.iterdir() if pattern.fullmatch(p.name)] if folder.is_dir() else []


def _forget_refused(target: Path, sha: str) -> None:
    for old in _kept_files(target.parent / REFUSED_DIR, target.name, sha):
        old.unlink(missing_ok=True)
        _sidecar(old).unlink(missing_ok=True)


def refuse_all(targets: list[Path], reason: str) -> list[Path]:
    """Refuse the candidates among `targets`; the refused files' new paths."""
    return [kept for t in targets if (kept := refuse(t, reason)) is not None]


def kept_aside_note(targets: list[Path], kept: list[Path]) -> str:
    """What became of the files: for the end of a refusal message."""
    if not kept:
        return ""
    current = [t for t in targets if t.exists()]
    stays = (
        f"the last good file stays current ({', '.join(str(t) for t in current)})"
        if current
        else "there is no earlier good file"
    )
    return f"The new file is kept aside at {', '.join(str(k) for k in kept)} (the reason in its sidecar); {stays}."


def kept_aside(raw_dir: Path) -> list[dict]:
    """Every refused file and every candidate still waiting under data/raw/, newest refusal first:
    {source_id, file_name, state (refused | candidate), path, sha256, reason, when}."""
    out = []
    if not raw_dir.is_dir():
        return out
    for folder in sorted(p for p in raw_dir.iterdir() if p.is_dir()):
        refused_dir = folder / REFUSED_DIR
        if refused_dir.is_dir():
            for side in sorted(refused_dir.glob("*.provenance.json"), reverse=True):
                record = read_provenance(side.with_name(side.name.removesuffix(".provenance.json"))) or {}
                name = re.sub(r"^\d{8}T\d{6}Z-[0-9a-f]{12}-", "", side.name.removesuffix(".provenance.json"))
                out.append(_aside(folder.name, name, "refused", record, record.get("refused_at")))
        waiting = folder / CANDIDATE_DIR
        if waiting.is_dir():
            for side in sorted(waiting.glob("*.provenance.json")):
                record = read_provenance(side.with_name(side.name.removesuffix(".provenance.json"))) or {}
                name = side.name.removesuffix(".provenance.json")
                out.append(_aside(folder.name, name, "candidate", record, record.get("retrieved_at")))
    return out


def _aside(source_id: str, name: str, state: str, record: dict, when: str | None) -> dict:
    return {
        "source_id": source_id,
        "file_name": name,
        "state": state,
        "sha256": (record.get("sha256") or "")[:12],
        "when": when,
        "reason": record.get("reason") or ("its tables are not checked yet" if state == "candidate" else ""),
        "path": record.get("path"),
    }
