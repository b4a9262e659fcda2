"""Load and validate registry files (YAML with a top-level ``sites:`` list).

A bad file or entry fails fast with one line naming the file, the site and the
field, so a typo in a cron job's registry is fixed in seconds, not debugged.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from newscrawl.dedup.canonical import site_key
from newscrawl.discovery.patterns import PatternError, UrlPattern, compile_pattern

DEFAULT_REGISTRY = Path(__file__).with_name("default.yaml")
MAX_REGISTRY_BYTES = 256 * 1024  # ~3,000 sites; bigger files are refused unread (parse < 1 s)
MAX_YAML_DEPTH = 10  # nesting of lists/mappings (an entry needs 4)
MAX_SITES = 10_000  # entries per registry file
MAX_DOWNLOAD_DELAY = 300.0  # seconds; a larger (or infinite) download_delay is a typo
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
SELECTOR_FIELDS = frozenset({"title", "body", "authors", "published"})
FIELDS = frozenset({
    "name", "url", "feeds", "sitemaps", "allowed_domains", "article_url_pattern",
    "exclude_url_pattern", "language", "region", "timezone", "download_delay", "selectors",
})


class RegistryError(ValueError):
    """A registry file or entry (or a site argument) is invalid; the message names file,
    site and field."""


@dataclass(frozen=True)
class Site:
    """One registry entry, validated. ``key`` (scheme://host:port) identifies the site."""

    name: str
    url: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    article_url_pattern: UrlPattern | None = None
    exclude_url_pattern: UrlPattern | None = None
    language: str | None = None
    region: str | None = None
    timezone: str | None = None
    download_delay: float | None = None
    selectors: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return site_key(self.url)

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


class _Entry:
    """Validates one raw mapping; every error names file, site and field."""

    def __init__(self, path: Path, index: int, raw: Any) -> None:
        self.path, self.raw = path, raw
        self.label = f"sites[{index}]"
        if isinstance(raw, dict) and isinstance(raw.get("name"), str):
            self.label = f"site '{raw['name']}'"

    def fail(self, fieldname: str, problem: str) -> RegistryError:
        return RegistryError(f"{self.path}: {self.label}: field '{fieldname}': {problem}")

    def http_url(self, fieldname: str, value: Any) -> str:
        if not isinstance(value, str) or urlsplit(value).scheme not in ("http", "https") \
                or not urlsplit(value).hostname:
            raise self.fail(fieldname, f"must be an http(s) URL, got {value!r}")
        return value

    def url_list(self, fieldname: str) -> tuple[str, ...]:
        value = self.raw.get(fieldname) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(fieldname, "must be a list of URLs")
        return tuple(self.http_url(fieldname, v) for v in value)

    def text(self, fieldname: str) -> str | None:
        value = self.raw.get(fieldname)
        if value is not None and not isinstance(value, str):
            raise self.fail(fieldname, f"must be a string, got {value!r}")
        return value

    def pattern(self, fieldname: str) -> UrlPattern | None:
        """Searched in the full URL; ``^/…`` is matched against the path (and query).
        Any other ``^`` anchor could never match a URL, so it is refused here."""
        value = self.text(fieldname)
        if value and value.startswith("^") and not value.startswith(("^/", "^http")):
            raise self.fail(fieldname, f"{value!r} is anchored with ^ but a URL starts with "
                                       "http(s):// — anchor a path as '^/…' or drop the ^")
        try:
            return compile_pattern(value) if value else None
        except PatternError as exc:
            raise self.fail(fieldname, f"invalid regex: {exc}") from None

    def build(self) -> Site:
        if not isinstance(self.raw, dict):
            raise self.fail("-", "entry must be a mapping with at least name and url")
        unknown = sorted(set(self.raw) - FIELDS)
        if unknown:
            raise self.fail(unknown[0], f"unknown field (known: {', '.join(sorted(FIELDS))})")
        name = self.raw.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise self.fail("name", f"required slug of a-z, 0-9, '-', '_', got {name!r}")
        if "url" not in self.raw:
            raise self.fail("url", "required")
        return Site(
            name=name,
            url=self.http_url("url", self.raw["url"]),
            feeds=self.url_list("feeds"),
            sitemaps=self.url_list("sitemaps"),
            allowed_domains=self.domains(),
            article_url_pattern=self.pattern("article_url_pattern"),
            exclude_url_pattern=self.pattern("exclude_url_pattern"),
            language=self.text("language"),
            region=self.text("region"),
            timezone=self.timezone(),
            download_delay=self.delay(),
            selectors=self.selectors(),
        )

    def domains(self) -> tuple[str, ...]:
        value = self.raw.get("allowed_domains") or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail("allowed_domains", "must be a list of host names")
        return tuple(v.lower() for v in value)

    def timezone(self) -> str | None:
        value = self.text("timezone")
        if value:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise self.fail("timezone", f"unknown IANA time zone {value!r}") from None
        return value

    def delay(self) -> float | None:
        value = self.raw.get("download_delay")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value) or not 0 <= value <= MAX_DOWNLOAD_DELAY:
            raise self.fail("download_delay", f"must be a number of seconds from 0 to "
                                              f"{MAX_DOWNLOAD_DELAY:g}, got {value!r}")
        return float(value)

    def selectors(self) -> dict[str, str]:
        value = self.raw.get("selectors") or {}
        if not isinstance(value, dict):
            raise self.fail("selectors", "must be a mapping of field -> CSS or XPath")
        for key, sel in value.items():
            if key not in SELECTOR_FIELDS:
                raise self.fail(f"selectors.{key}", f"unknown (known: {', '.join(sorted(SELECTOR_FIELDS))})")
            if not isinstance(sel, str) or not sel.strip():
                raise self.fail(f"selectors.{key}", "must be a non-empty CSS or XPath string")
        return dict(value)


def load_registry(path: str | Path | None = None) -> list[Site]:
    """Read and validate a registry; duplicate names and sites are rejected."""
    path = Path(path) if path else DEFAULT_REGISTRY
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("sites"), list):
        raise RegistryError(f"{path}: field 'sites': the file must hold a top-level 'sites:' list")
    if len(data["sites"]) > MAX_SITES:
        raise RegistryError(f"{path}: field 'sites': more than {MAX_SITES} entries")
    sites: list[Site] = []
    names: dict[str, str] = {}
    keys: dict[str, str] = {}
    for index, raw in enumerate(data["sites"]):
        entry = _Entry(path, index, raw)
        site = entry.build()
        if site.name in names:
            raise entry.fail("name", "duplicate name")
        if site.key in keys:
            raise entry.fail("url", f"same site as '{keys[site.key]}' ({site.key})")
        names[site.name] = site.key
        keys[site.key] = site.name
        sites.append(site)
    return sites


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: ~10x faster
_OPEN = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _check_events(text: str) -> None:
    """Refuse anchors/aliases and deep nesting from the event stream, before anything is built.

    Aliases are what makes a "billion laughs" file of a few hundred bytes expand to
    gigabytes (and its error message with it); a registry never needs them. Deep
    ``[[[...]]]`` nesting would otherwise end in a RecursionError traceback.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.YAMLError("anchors and aliases (&name, *name) are not allowed in a registry")
        if isinstance(event, _OPEN):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise yaml.YAMLError(f"nested deeper than {MAX_YAML_DEPTH} levels")
        elif isinstance(event, _CLOSE):
            depth -= 1


def _read_yaml(path: Path) -> Any:
    """The parsed file, or one-line :class:`RegistryError` (size checked before reading)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_REGISTRY_BYTES + 1)
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read registry: {exc.strerror or exc}") from None
    if len(raw) > MAX_REGISTRY_BYTES:
        raise RegistryError(f"{path}: registry larger than {MAX_REGISTRY_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
        _check_events(text)
        return yaml.load(text, Loader=_LOADER)
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{path}: not a UTF-8 text file (byte {exc.start})") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = f" (line {where.line + 1})" if where else ""
        problem = str(getattr(exc, "problem", None) or exc).splitlines()[0][:200]
        raise RegistryError(f"{path}: not valid YAML{line}: {problem}") from None


def site_from_url(url: str) -> Site:
    """A registry entry for ``-a url=HOMEPAGE``: discovery alone, no site knowledge."""
    entry = _Entry(Path("-a url"), 0, {"name": "adhoc", "url": url})
    host = urlsplit(entry.http_url("url", url)).hostname or "adhoc"
    name = re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-")[:64] or "adhoc"
    return Site(name=name, url=url)
