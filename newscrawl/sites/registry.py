"""Load and validate registry files (YAML with a top-level ``sites:`` list).

A bad file or entry fails fast with one line naming the file, the site and the
field, so a typo in a cron job's registry is fixed in seconds, not debugged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from newscrawl.dedup.canonical import site_key
from newscrawl.exceptions import RegistryError

DEFAULT_REGISTRY = Path(__file__).with_name("default.yaml")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
SELECTOR_FIELDS = frozenset({"title", "body", "authors", "published"})
FIELDS = frozenset({
    "name", "url", "feeds", "sitemaps", "allowed_domains", "article_url_pattern",
    "exclude_url_pattern", "language", "region", "timezone", "download_delay", "selectors",
})


@dataclass(frozen=True)
class Site:
    """One registry entry, validated. ``key`` (scheme://host:port) identifies the site."""

    name: str
    url: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    article_url_pattern: re.Pattern[str] | None = None
    exclude_url_pattern: re.Pattern[str] | None = None
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

    def pattern(self, fieldname: str) -> re.Pattern[str] | None:
        value = self.text(fieldname)
        try:
            return re.compile(value) if value else None
        except re.error as exc:
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
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise self.fail("download_delay", f"must be a number of seconds >= 0, got {value!r}")
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
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read registry: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{path}: not a UTF-8 text file (byte {exc.start})") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where else ""
        raise RegistryError(f"{path}: not valid YAML{line}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict) or not isinstance(data.get("sites"), list):
        raise RegistryError(f"{path}: field 'sites': the file must hold a top-level 'sites:' list")
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


def site_from_url(url: str) -> Site:
    """A registry entry for ``-a url=HOMEPAGE``: discovery alone, no site knowledge."""
    entry = _Entry(Path("-a url"), 0, {"name": "adhoc", "url": url})
    host = urlsplit(entry.http_url("url", url)).hostname or "adhoc"
    name = re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-")[:64] or "adhoc"
    return Site(name=name, url=url)
