"""A loopback HTTP server whose answers each test scripts: the faults a real source server produces.

    server.script("/ifi_grid_factors/x.xlsx", Reply(status=500), Reply(body=data))
serves a 500 to the first request and `data` to every later one (the last reply repeats). Every request's
path and headers are recorded in `server.requests`.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from bcm_pipeline import catalogue
from bcm_pipeline.assets import tables as table_assets
from bcm_pipeline.definitions import build_defs
from bcm_pipeline.resources import BcmResource


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # pause before the status line (a read timeout when longer than the client's)
    send: int | None = None  # send only this many body bytes, then close (Content-Length stays the full size)
    reset: bool = False  # after `send` bytes, reset the connection (RST) instead of closing it
    chunk_s: float = 0.0  # pause between 1 KiB chunks of the body (a slow server)
    content_length: bool = True  # False: no Content-Length, body ends when the connection closes
    etag: str | None = None  # answer 304 to a request whose If-None-Match equals it
    last_modified: str | None = None  # answer 304 to a request whose If-Modified-Since equals it


class FaultServer:
    def __init__(self) -> None:
        self.scripts: dict[str, list[Reply]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.body_started = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                with server._lock:
                    server.requests.append((self.path, dict(self.headers)))
                    steps = server.scripts.get(self.path) or [Reply(status=404, body=b"not found")]
                    reply = steps.pop(0) if len(steps) > 1 else steps[0]
                server._answer(self, reply)

            def finish(self):
                try:
                    super().finish()
                except OSError:  # the connection was reset on purpose
                    pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def script(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self.scripts["/" + path.lstrip("/")] = list(replies)

    def hits(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.requests if p == "/" + path.lstrip("/")]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _answer(self, handler: http.server.BaseHTTPRequestHandler, reply: Reply) -> None:
        if reply.delay_s:
            time.sleep(reply.delay_s)
        if (reply.etag and handler.headers.get("If-None-Match") == reply.etag) or (
            reply.last_modified and handler.headers.get("If-Modified-Since") == reply.last_modified
        ):
            handler.send_response(304)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_response(reply.status)
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        if reply.etag:
            handler.send_header("ETag", reply.etag)
        if reply.last_modified:
            handler.send_header("Last-Modified", reply.last_modified)
        if reply.content_length and "Content-Length" not in reply.headers:
            handler.send_header("Content-Length", str(len(reply.body)))
        else:
            handler.send_header("Connection", "close")
        handler.end_headers()
        body = reply.body if reply.send is None else reply.body[: reply.send]
        self.body_started.set()
        try:
            for start in range(0, len(body), 1024):
                handler.wfile.write(body[start : start + 1024])
                if reply.chunk_s:
                    handler.wfile.flush()
                    time.sleep(reply.chunk_s)
            handler.wfile.flush()
        except OSError:  # the client went away (e.g. it hit its size cap)
            handler.close_connection = True
            return
        if reply.send is not None or not reply.content_length:
            handler.close_connection = True
            if reply.reset:
                # SO_LINGER 0: close() sends RST, the client sees "connection reset by peer".
                handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                handler.connection.shutdown(socket.SHUT_RDWR)
            handler.connection.close()


def refused_url() -> str:
    """A loopback URL where nothing listens (a mirror that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


# --- helpers for real Dagster refreshes against the server ----------------------------------------------


def path_of(source) -> str:
    """The path a source has on a mirror: <source_id>/<file name, URL-encoded>."""
    return source.mirror_path


def fast_step_retries(monkeypatch) -> None:
    """Keep the raw assets' RetryPolicy (2 retries) but wait 0.01 s instead of 5 s between them."""
    real = dg.RetryPolicy
    monkeypatch.setattr(table_assets.dg, "RetryPolicy", lambda **kw: real(**{**kw, "delay": 0.01}))


def raw_step(source_id: str) -> str:
    """The step of a source's raw asset, as run events name it (raw__gem__coal_plant_tracker)."""
    return table_assets.raw_key(source_id).to_python_identifier()


def selection(source_ids: list[str]) -> list[dg.AssetKey]:
    keys = [table_assets.raw_key(s) for s in source_ids]
    # The release comparison (tracker_unit_releases) needs two releases: not part of a one-source refresh.
    keys += [
        dg.AssetKey(t.name)
        for t in catalogue.tables("source")
        if t.source_id in source_ids and t.releases == "used"
    ]
    return [*keys, dg.AssetKey("published_warehouse")]


def refresh(
    data_dir: Path, mirror: str, source_ids: list[str], instance: dg.DagsterInstance | None = None, **publish
) -> dg.ExecuteInProcessResult:
    """A real Dagster run of one or more sources' raw asset, tables (with blocking checks) and publish
    (on `instance` when given, e.g. to read the run's log lines)."""
    bcm = BcmResource.of(
        data_dir=str(data_dir),
        source_mirror=mirror,
        http_retries=1,
        http_backoff_s=0.01,
        http_read_timeout_s=0.3,
    )
    job = build_defs(bcm).resolve_job_def("refresh")
    run_config = {"ops": {"published_warehouse": {"config": {"require_all_tables": False, **publish}}}}
    return job.execute_in_process(
        asset_selection=selection(source_ids), run_config=run_config, raise_on_error=False, instance=instance
    )


def step_retries(result: dg.ExecuteInProcessResult) -> int:
    return sum(1 for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY")


def failure_text(result: dg.ExecuteInProcessResult) -> str:
    return "\n".join(e.step_failure_data.error.to_string() for e in result.all_events if e.is_step_failure)


def snapshot(data_dir: Path) -> dict[str, str]:
    """sha256 of every published file and current raw file (temporary files, the refused downloads kept
    aside in data/raw/<id>/refused/ and the candidates waiting in candidate/ excluded: `refused` lists the
    former)."""
    files = [
        *(data_dir / "warehouse").glob("*.duckdb"),
        *(data_dir / "warehouse" / "versions").glob("*.duckdb"),
    ]
    files += [
        p
        for p in (data_dir / "raw").rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.parent.name not in ("refused", "candidate")
    ]
    return {str(p.relative_to(data_dir)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(files)}


def refused(data_dir: Path, source_id: str) -> list[tuple[str, dict]]:
    """(sha256, sidecar) of each refused download kept in data/raw/<source_id>/refused/."""
    folder = data_dir / "raw" / source_id / "refused"
    out = []
    for side in sorted(folder.glob("*.provenance.json")):
        kept = side.with_name(side.name.removesuffix(".provenance.json"))
        out.append((hashlib.sha256(kept.read_bytes()).hexdigest(), json.loads(side.read_text())))
    return out


def step_failures(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    """{step key: its failure text} of the steps that failed; a step of several tables (the tables of one
    source file) is also listed under the table its error names ("(table X, in step Y)")."""
    out = {}
    for e in result.all_events:
        if e.is_step_failure:
            text = e.step_failure_data.error.to_string()
            out[e.step_key] = text
            for table in re.findall(rf"\(table (\w+), in step {re.escape(e.step_key)}\)", text):
                out[table] = text
    return out


def warnings(instance: dg.DagsterInstance, result: dg.ExecuteInProcessResult) -> list[str]:
    """The WARNING (and worse) log lines of a run executed on `instance`."""
    return [e.user_message for e in instance.all_logs(result.run_id) if e.level >= 30 and e.user_message]


def user_sources_file(path: Path, server_url: str, source_ids: list[str]) -> Path:
    """A user sources file (BCM_SOURCES_FILE) that serves every file of each source's used release from
    `server_url`/<source_id>/<file name> without its sha256 pin: how a user's own copy of a release arrives,
    and what lets a test serve small or broken files where the packaged release pins the publisher's bytes."""
    import yaml

    from bcm_pipeline.sources.registry import resolve

    releases = resolve()
    entries = []
    for source_id in source_ids:
        release = releases.used(source_id)
        files = [{"name": s.filename, "url": server_url + s.mirror_path} for s in releases.files(source_id)]
        entries.append({"id": source_id, "releases": [{"version": release.version, "files": files}]})
    path.write_text(yaml.safe_dump({"sources": entries}, sort_keys=False))
    return path
