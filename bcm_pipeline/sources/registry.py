"""What each source is, its releases, and which release a build uses. The data are in sources.yaml.

sources.yaml (package data) lists every source and its releases; a user file (BCM_SOURCES_FILE) may add a
release or override a field of one. The newest release is the default; BCM_RELEASE_<SOURCE_ID> (or the
Dagster resource's `release_pins` config) pins another. `Source` is the view of one file of one release that
download.fetch() works on.

Nothing is read at import: the packaged file when first asked for, the user file when a run or command
resolves its releases. Its path and the pins are settings (bcm_pipeline/settings.py: sources_file, releases).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import quote

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bcm_pipeline.settings import Settings

if TYPE_CHECKING:  # (the parsers import pandas and pandera: `bcm refresh` with nothing to do needs neither)
    from bcm_pipeline.parsers.common import Layout

PACKAGED = "sources.yaml"
ENV_SOURCES_FILE = "BCM_SOURCES_FILE"
ENV_URL_PREFIX = "BCM_URL_"


class SourceConfigError(ValueError):
    """sources.yaml, the user sources file or a pin is wrong: names the file, source and release."""


# --- The file format ------------------------------------------------------------------------------------


class ReleaseFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="File name in data/raw/<source_id>/ and on a mirror")
    url: str
    format: Literal["xlsx", "zip", "csv", "json"]
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    role: str | None = Field(default=None, description="Which file a table reads, when there are several")
    ends_with_line_end: bool = Field(
        default=True,
        description="CSV: the publisher's file always ends with a line end, so a last record without one "
        "is a cut file; false for a publisher that ends its last record without one",
    )

    @field_validator("name")
    @classmethod
    def _plain_name(cls, name: str) -> str:
        if not name or "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
            raise ValueError(f"file name {name!r} must be a plain file name")
        return name


class Release(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    release_date: date | None = None
    title: str | None = None
    citation: str | None = None
    note: str = ""
    files: list[ReleaseFile] = Field(min_length=1)
    sheets: dict[str, str] = Field(default_factory=dict)
    columns: dict[str, str] = Field(default_factory=dict)
    values: dict[str, dict[str, str]] = Field(default_factory=dict)
    unit_id_rewrite: tuple[str, str] | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        if isinstance(value, int | float | date):
            raise ValueError(f'version {value!r} must be quoted text (e.g. "2024-07")')
        return value

    @field_validator("unit_id_rewrite")
    @classmethod
    def _regex(cls, value: tuple[str, str] | None) -> tuple[str, str] | None:
        if value is not None:
            re.compile(value[0])
        return value

    @model_validator(mode="after")
    def _distinct_files(self) -> Release:
        names = [f.name for f in self.files]
        roles = [f.role for f in self.files]
        if len(set(names)) != len(names) or (len(self.files) > 1 and len(set(roles)) != len(roles)):
            raise ValueError(f"release {self.version}: files need distinct names and, when several, roles")
        return self

    def file(self, role: str | None = None) -> ReleaseFile:
        """The release's file for `role` (None: its only file)."""
        if role is None:
            if len(self.files) != 1:
                raise SourceConfigError(
                    f"release {self.version} has {len(self.files)} files; name the role "
                    f"({[f.role for f in self.files]})"
                )
            return self.files[0]
        for f in self.files:
            if f.role == role:
                return f
        raise SourceConfigError(
            f"release {self.version} has no file with role {role!r} ({[f.role for f in self.files]})"
        )

    def layout(self, source_id: str) -> Layout:
        from bcm_pipeline.parsers.common import Layout

        return Layout(
            source_id=source_id,
            version=self.version,
            sheets=dict(self.sheets),
            columns=dict(self.columns),
            values={k: dict(v) for k, v in self.values.items()},
        )

    def unit_key(self, unit_id: str) -> str:
        """The unit id in the newest id format (unit_id_rewrite), to match units across releases."""
        if self.unit_id_rewrite is None:
            return unit_id
        pattern, replacement = self.unit_id_rewrite
        return re.sub(pattern, replacement, unit_id)


class SourceEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    publisher: str
    licence: str
    citation: str
    how_to_get: str = ""
    max_bytes: int = Field(default=50_000_000, gt=0)
    max_row_fall: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="The largest share of a table's rows a new file of this source may lose against the "
        "file the published tables were built from (0.05: 5 %); a larger fall is refused",
    )
    releases: list[Release] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct_versions(self) -> SourceEntry:
        versions = [r.version for r in self.releases]
        if len(set(versions)) != len(versions):
            raise ValueError(f"{self.id}: a version is listed twice ({versions})")
        return self

    def ordered(self) -> list[Release]:
        """Oldest first: by release date; an undated release ('whatever the URL serves now') last."""
        return sorted(self.releases, key=lambda r: (r.release_date is None, r.release_date or date.min))

    @property
    def newest(self) -> Release:
        return self.ordered()[-1]

    def latest_two(self) -> list[Release]:
        """The two newest releases, older first (one when only one is listed)."""
        return self.ordered()[-2:]

    def release(self, version: str) -> Release:
        for r in self.releases:
            if r.version == version:
                return r
        raise SourceConfigError(
            f"{self.id}: no release {version!r}; known releases: {[r.version for r in self.ordered()]}"
        )


class UserSource(BaseModel):
    """An entry of the user sources file: releases to add to (or fields to override in) a listed source."""

    model_config = ConfigDict(extra="forbid")

    id: str
    max_bytes: int | None = Field(default=None, gt=0)
    max_row_fall: float | None = Field(default=None, ge=0, le=1)
    releases: list[dict] = Field(default_factory=list)


# --- Loading --------------------------------------------------------------------------------------------


def _read_yaml(text: str, where: str) -> list[dict]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourceConfigError(f"{where}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourceConfigError(f"{where}: expected a mapping with a `sources:` list")
    return data["sources"]


def _error(where: str, entry: dict, exc: ValidationError) -> SourceConfigError:
    first = exc.errors()[0]
    at = ".".join(str(p) for p in first["loc"])
    return SourceConfigError(f"{where}: source {entry.get('id')!r}: {at}: {first['msg']}")


@functools.cache
def packaged_entries() -> tuple[dict, ...]:
    """The packaged sources.yaml as plain dicts (read once per process)."""
    text = resources.files("bcm_pipeline.sources").joinpath(PACKAGED).read_text(encoding="utf-8")
    return tuple(_read_yaml(text, PACKAGED))


def _merge_release(base: dict, override: dict) -> dict:
    """A user entry repeating a version: its fields replace the packaged ones; files merge by name."""
    merged = {**base, **{k: v for k, v in override.items() if k != "files"}}
    files = {f["name"]: dict(f) for f in base.get("files", [])}
    for f in override.get("files", []):
        old = files.get(f.get("name"), {})
        new = {**old, **f}
        if "url" in f and f["url"] != old.get("url") and "sha256" not in f:
            new.pop("sha256", None)  # the packaged pin was for the packaged URL
        files[f.get("name")] = new
    merged["files"] = list(files.values())
    return merged


def load_sources(sources_file: Path | None = None) -> dict[str, SourceEntry]:
    """Every source with its releases: the packaged list, plus the user file's releases and overrides."""
    entries = {e["id"]: dict(e) for e in packaged_entries()}
    if sources_file is not None:
        where = str(sources_file)
        try:
            text = Path(sources_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise SourceConfigError(f"{ENV_SOURCES_FILE}={where}: cannot read it: {exc}") from exc
        for raw in _read_yaml(text, where):
            try:
                user = UserSource.model_validate(raw)
            except ValidationError as exc:
                raise _error(where, raw if isinstance(raw, dict) else {}, exc) from exc
            if user.id not in entries:
                raise SourceConfigError(
                    f"{where}: unknown source {user.id!r} (a new source needs a parser); known: {sorted(entries)}"
                )
            entry = dict(entries[user.id])
            if user.max_bytes:
                entry["max_bytes"] = user.max_bytes
            if user.max_row_fall is not None:
                entry["max_row_fall"] = user.max_row_fall
            releases = {str(r["version"]): dict(r) for r in entry["releases"]}
            for r in user.releases:
                version = r.get("version")
                if not isinstance(version, str):
                    raise SourceConfigError(
                        f"{where}: source {user.id!r}: a release needs a quoted `version`"
                    )
                releases[version] = _merge_release(releases[version], r) if version in releases else r
            entry["releases"] = list(releases.values())
            entries[user.id] = entry
    out = {}
    for source_id, entry in entries.items():
        try:
            out[source_id] = SourceEntry.model_validate(entry)
        except ValidationError as exc:
            raise _error(str(sources_file or PACKAGED), entry, exc) from exc
    return out


def user_listed(sources_file: Path | None) -> set[tuple[str, str]]:
    """(source_id, version) of every release the user sources file names (added or overridden)."""
    if sources_file is None:
        return set()
    entries = _read_yaml(Path(sources_file).read_text(encoding="utf-8"), str(sources_file))
    return {(e.get("id"), r.get("version")) for e in entries for r in e.get("releases") or []}


# --- What a run uses ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseOptions:
    """The user's choices about releases: a user sources file and per-source pins (source_id -> version)."""

    sources_file: Path | None = None
    pins: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, settings: Settings) -> ReleaseOptions:
        """From the run's settings (BCM_SOURCES_FILE, BCM_RELEASE_<SOURCE_ID>, or their explicit values)."""
        return cls(sources_file=settings.sources_file, pins=dict(settings.releases))


@dataclass(frozen=True)
class Source:
    """One file of one release of a source: what download.fetch() brings into data/raw/<id>/<filename>."""

    id: str
    title: str
    publisher: str
    licence: str
    citation: str
    url: str
    filename: str
    format: str  # "xlsx" | "zip" | "csv" | "json": drives the content check after download
    sha256: str | None = None
    max_bytes: int = 50_000_000
    how_to_get: str = ""  # shown when the file can be had neither by download nor on disk
    ends_with_line_end: bool = True  # csv: a last record without a line end is a cut file
    version: str = ""
    url_override: bool = True  # BCM_URL_<ID> replaces the URL (the used release's only file)

    @property
    def landing_hint(self) -> str:
        return self.how_to_get or f"download {self.url}"

    @property
    def raw_folder(self) -> str:
        """data/raw/<folder>/: the source id; the files of every release of a source sit there."""
        return self.id

    @property
    def mirror_path(self) -> str:
        """<source_id>/<file name> on a mirror, the name URL-encoded (spaces, &)."""
        return f"{self.id}/{quote(self.filename)}"


def file_source(entry: SourceEntry, release: Release, file: ReleaseFile, url_override: bool) -> Source:
    return Source(
        id=entry.id,
        title=entry.title,
        publisher=entry.publisher,
        licence=entry.licence,
        citation=release.citation or entry.citation,
        url=file.url,
        filename=file.name,
        format=file.format,
        sha256=file.sha256,
        max_bytes=entry.max_bytes,
        how_to_get=entry.how_to_get,
        ends_with_line_end=file.ends_with_line_end,
        version=release.version,
        url_override=url_override,
    )


@dataclass(frozen=True)
class Releases:
    """Every known source and release, and the one each source uses in this run."""

    sources: dict[str, SourceEntry]
    pins: Mapping[str, str]

    def used(self, source_id: str) -> Release:
        entry = self.sources[source_id]
        pin = self.pins.get(source_id)
        return entry.release(pin) if pin else entry.newest

    def is_pinned(self, source_id: str) -> bool:
        return bool(self.pins.get(source_id))

    def files(self, source_id: str, release: Release | None = None) -> list[Source]:
        """The files of `release` (default: the used one) as fetchable Sources. BCM_URL_<ID> applies only
        to the used release's file, and only when it has one."""
        entry = self.sources[source_id]
        used = self.used(source_id)
        release = release or used
        single = release.version == used.version and len(release.files) == 1
        return [file_source(entry, release, f, url_override=single) for f in release.files]

    def table_file(self, source_id: str, role: str | None = None, release: Release | None = None) -> Source:
        release = release or self.used(source_id)
        try:
            file = release.file(role)
        except SourceConfigError as exc:
            raise SourceConfigError(f"{source_id}: {exc}") from exc
        return file_source(self.sources[source_id], release, file, url_override=False)


def resolve(options: ReleaseOptions | None = None) -> Releases:
    """Load the sources (packaged + user file) and check the pins name a known source and release."""
    options = options or ReleaseOptions()
    sources = load_sources(options.sources_file)
    for source_id, version in options.pins.items():
        if source_id not in sources:
            raise SourceConfigError(f"release pin for unknown source {source_id!r}; known: {sorted(sources)}")
        sources[source_id].release(version)  # raises, naming the known releases
    return Releases(sources=sources, pins=dict(options.pins))


def url_override_env(source_id: str) -> str:
    return ENV_URL_PREFIX + source_id.upper()


@functools.cache
def default_sources() -> dict[str, Source]:
    """Each packaged source's newest release, as a Source (its only file; the first when several)."""
    releases = resolve(ReleaseOptions())
    return {sid: releases.files(sid)[0] for sid in releases.sources}


def __getattr__(name: str):
    # `SOURCES` as before: computed on first use, not at import.
    if name == "SOURCES":
        return default_sources()
    raise AttributeError(name)
