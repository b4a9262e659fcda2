"""One check of every ``NEWSCRAWL_*`` setting, before a run sends its first request.

A typo in a setting must stop the run with one line naming it, not switch a
safeguard off (``NotConfigured`` means "off on purpose") or crash a monitor at
close. ``SETTINGS`` is the table: one line per key, giving how to read it and
what it may be. To add a key: declare it with a comment in ``settings.py`` and
add one line here; ``tests/test_config.py`` fails when the two disagree.

``SCRAPY_SETTINGS`` does the same for the Scrapy settings a user tunes (limits,
politeness, retries, logging): Scrapy reads them deep inside a component, so a
bad value is a traceback (``DOWNLOAD_DELAY=x``), a run that fetches nothing
(``DOWNLOAD_MAXSIZE=-5``: every response "too large") or one that never ends
(``CONCURRENT_REQUESTS_PER_DOMAIN=0``). A ``-s`` name one typo away from a known
setting (``DOWNLOAD_DELY``) would be stored and never read: it is refused too.
"""

from __future__ import annotations

import difflib
import importlib
import math
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

Check = Callable[[Any], str | None]  # returns what is wrong, or None
Spec = tuple[str, Check | None]  # (kind: int | float | bool | str, extra check)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """A setting, spider argument or path the run cannot work with (exit 2)."""


def at_least(low: float) -> Check:
    return lambda v: None if v >= low else f"must be >= {low:g}"


def share(v: float) -> str | None:
    return None if 0 <= v <= 1 else "must be a share between 0 and 1"


def one_of(*choices: str) -> Check:
    return lambda v: None if v in choices else f"must be one of {', '.join(choices)}"


def not_empty(v: str) -> str | None:
    return None if v.strip() else "must not be empty"


def log_level(v: str) -> str | None:
    ok = v in LOG_LEVELS or v.isdigit()
    return None if ok else f"must be one of {', '.join(LOG_LEVELS)} (upper case) or a number"


def redis_url(v: str) -> str | None:
    ok = not v or v.startswith(("redis://", "rediss://", "unix://"))
    return None if ok else "must be empty or a redis:// URL"


def octal_umask(v: str) -> str | None:
    try:
        int(str(v), 8)
    except ValueError:
        return "expected an octal umask such as 077"
    return None


SETTINGS: dict[str, Spec] = {
    "NEWSCRAWL_CONTACT": ("str", not_empty),
    "NEWSCRAWL_SITES": ("str", None),
    "NEWSCRAWL_OUTPUT_DIR": ("str", not_empty),
    "NEWSCRAWL_STATE_DIR": ("str", not_empty),
    "NEWSCRAWL_REDIS_URL": ("str", redis_url),
    "NEWSCRAWL_WORKER_ID": ("str", None),
    "NEWSCRAWL_NEAR_DUPLICATES": ("str", one_of("mark", "drop")),
    "NEWSCRAWL_FSYNC_EVERY": ("int", at_least(1)),
    "NEWSCRAWL_GC_THRESHOLD": ("int", at_least(0)),
    "NEWSCRAWL_EXTRACT_WORKERS": ("int", at_least(0)),
    "NEWSCRAWL_MIN_WORDS": ("int", at_least(0)),
    "NEWSCRAWL_MAX_PAGES_PER_SITE": ("int", at_least(0)),  # 0: no page budget
    "NEWSCRAWL_MAX_LISTING_PAGES": ("int", at_least(0)),
    "NEWSCRAWL_MAX_ERROR_RATE": ("float", share),
    "NEWSCRAWL_ERROR_RATE_MIN_REQUESTS": ("int", at_least(0)),
    "NEWSCRAWL_MAX_FAILED_PAGES": ("float", share),
    "NEWSCRAWL_FAILED_PAGES_MIN": ("int", at_least(1)),
    "NEWSCRAWL_SILENT_MIN_PAGES": ("int", at_least(0)),
    "NEWSCRAWL_MAX_INVALID_ITEMS": ("int", at_least(0)),
    "NEWSCRAWL_HEALTH_MIN_WORDS": ("int", at_least(0)),
    "NEWSCRAWL_HEALTH_MIN_ITEMS": ("int", at_least(0)),
    "NEWSCRAWL_HEALTH_RUNS": ("int", at_least(1)),
    "NEWSCRAWL_HEALTH_WARN_DROP": ("float", share),
    "NEWSCRAWL_HEALTH_FAIL_DROP": ("float", share),
    "NEWSCRAWL_PROGRESS_INTERVAL": ("float", at_least(0)),
    "NEWSCRAWL_FIRST_CONTACT_TIMEOUT": ("float", at_least(0.1)),
    "NEWSCRAWL_FIRST_CONTACT_RETRIES": ("int", at_least(0)),
    "NEWSCRAWL_REDIS_HEARTBEAT": ("float", at_least(1)),
    "NEWSCRAWL_REDIS_IDLE_GRACE": ("float", at_least(0)),
    "NEWSCRAWL_MAX_CRAWL_DELAY": ("float", at_least(0)),
    "NEWSCRAWL_MAX_RETRY_AFTER": ("float", at_least(0)),
    "NEWSCRAWL_RETRY_AFTER_TIMES": ("int", at_least(0)),
    "NEWSCRAWL_RETRY_AFTER_DEFAULT": ("float", at_least(0)),
    "NEWSCRAWL_TARGET_RESOLVE_HOSTS": ("bool", None),
    "NEWSCRAWL_TARGET_FILTER_ENABLED": ("bool", None),
    "NEWSCRAWL_RETRY_AFTER_ENABLED": ("bool", None),
    "NEWSCRAWL_SKIP_NON_HTML": ("bool", None),
    "NEWSCRAWL_SUMMARY_ENABLED": ("bool", None),
    "NEWSCRAWL_REPORT_ENABLED": ("bool", None),
    "NEWSCRAWL_REPORT_RUNS": ("int", at_least(1)),
    # discovery and the article verdict (README "Discovery", "since and max_articles")
    "NEWSCRAWL_MIN_WORDS_ARTICLE_URL": ("int", at_least(0)),
    "NEWSCRAWL_MIN_WORDS_NO_EVIDENCE": ("int", at_least(0)),
    "NEWSCRAWL_RECHECK_DAYS": ("float", at_least(0)),
    "NEWSCRAWL_MAX_CHILD_SITEMAPS": ("int", at_least(1)),
    # safety and limits (README "Safety and limits")
    "NEWSCRAWL_EXTRACT_TIMEOUT": ("float", at_least(0)),
    "NEWSCRAWL_MAX_PAGE_TAGS": ("int", at_least(0)),
    "NEWSCRAWL_MAX_PAGE_ATTRIBUTES": ("int", at_least(0)),
    "NEWSCRAWL_SITE_MAX_SECONDS": ("float", at_least(0)),
    "NEWSCRAWL_MAX_DISCOVERED_PER_SITE": ("int", at_least(0)),
    "NEWSCRAWL_MAX_SITEMAPS_PER_SITE": ("int", at_least(0)),
    "NEWSCRAWL_MAX_SITEMAP_FAILURES": ("int", at_least(0)),
    "NEWSCRAWL_SITEMAP_SECONDS": ("float", at_least(0)),
    "NEWSCRAWL_MAX_RUN_SECONDS": ("float", at_least(0)),
    "NEWSCRAWL_RUN_GRACE": ("float", at_least(0)),
    "NEWSCRAWL_STOP_SECONDS": ("float", at_least(0.1)),
    "NEWSCRAWL_UMASK": ("str", octal_umask),
    "NEWSCRAWL_MAX_LINKS_PER_PAGE": ("int", at_least(0)),
    # scale-out and archives
    "NEWSCRAWL_REDIS_NEARDUP_KEY": ("str", None),
    "NEWSCRAWL_WARC": ("bool", None),
    "NEWSCRAWL_WARC_MAX_BYTES": ("int", at_least(0)),
    "NEWSCRAWL_WARC_ROBOTS": ("bool", None),
    "NEWSCRAWL_REPLAY": ("bool", None),
}

# Scrapy's own settings that the README documents or a user tunes; each as Scrapy reads it
# (getint / getfloat / getbool), with the range in which the run still does its job.
SCRAPY_SETTINGS: dict[str, Spec] = {
    # how much at once, and how politely (README "Politeness")
    "CONCURRENT_REQUESTS": ("int", at_least(1)),
    "CONCURRENT_REQUESTS_PER_DOMAIN": ("int", at_least(1)),  # 0: nothing is ever sent
    "CONCURRENT_ITEMS": ("int", at_least(1)),
    "DOWNLOAD_DELAY": ("float", at_least(0)),
    "RANDOMIZE_DOWNLOAD_DELAY": ("bool", None),
    "AUTOTHROTTLE_ENABLED": ("bool", None),
    "AUTOTHROTTLE_START_DELAY": ("float", at_least(0)),
    "AUTOTHROTTLE_MAX_DELAY": ("float", at_least(0)),
    "AUTOTHROTTLE_TARGET_CONCURRENCY": ("float", at_least(0.01)),
    "ROBOTSTXT_OBEY": ("bool", None),
    # limits (README "Safety and limits"); 0 would switch Scrapy's size caps off
    "DOWNLOAD_TIMEOUT": ("float", at_least(0.1)),
    "DNS_TIMEOUT": ("float", at_least(0.1)),
    "DOWNLOAD_MAXSIZE": ("int", at_least(1)),
    "DOWNLOAD_WARNSIZE": ("int", at_least(0)),
    "SCRAPER_SLOT_MAX_ACTIVE_SIZE": ("int", at_least(1)),
    "DEPTH_LIMIT": ("int", at_least(0)),
    "REDIRECT_ENABLED": ("bool", None),
    "REDIRECT_MAX_TIMES": ("int", at_least(0)),
    "RETRY_ENABLED": ("bool", None),
    "RETRY_TIMES": ("int", at_least(0)),
    "COOKIES_ENABLED": ("bool", None),
    "CLOSESPIDER_TIMEOUT": ("float", at_least(0)),
    "CLOSESPIDER_ITEMCOUNT": ("int", at_least(0)),
    "CLOSESPIDER_PAGECOUNT": ("int", at_least(0)),
    "CLOSESPIDER_ERRORCOUNT": ("int", at_least(0)),
    "MEMUSAGE_ENABLED": ("bool", None),
    "MEMUSAGE_LIMIT_MB": ("int", at_least(0)),
    "HTTPCACHE_ENABLED": ("bool", None),
    "TELNETCONSOLE_ENABLED": ("bool", None),
    # logging (README "Run summary")
    "LOG_LEVEL": ("str", log_level),
    "LOG_ENABLED": ("bool", None),
    "LOGSTATS_INTERVAL": ("float", at_least(0)),
    # scale-out (README "Scale-out": scrapy-redis)
    "SCHEDULER_PERSIST": ("bool", None),
}

TRUE, FALSE = ("1", "true"), ("0", "false")  # what Scrapy's getbool() reads


def parse(kind: str, raw: Any) -> Any:
    """The value as its declared kind; ValueError when it is not one."""
    if kind == "bool":
        text = str(raw)
        if text in ("True", "False"):
            text = text.lower()
        if text in TRUE or text in FALSE:
            return text in TRUE
        raise ValueError("must be true or false (1/0)")
    if kind == "int":
        if isinstance(raw, bool) or not str(raw).strip().lstrip("-").isdigit():
            raise ValueError("must be a whole number")
        return int(raw)
    if kind == "float":
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise ValueError("must be a number") from None
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value
    return "" if raw is None else str(raw)


def check_value(name: str, raw: Any, spec: Spec) -> None:
    """ConfigError naming the setting when ``raw`` is not of its kind or out of its range."""
    kind, extra = spec
    try:
        value = parse(kind, raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r}: {exc}") from None
    problem = extra(value) if extra is not None else None
    if problem:
        raise ConfigError(f"{name}={raw!r}: {problem}")


def check_settings(values: Mapping[str, Any]) -> None:
    """Every ``NEWSCRAWL_*`` key known and of its declared kind; ConfigError otherwise."""
    for name, raw in values.items():
        if not name.startswith("NEWSCRAWL_"):
            continue
        if name not in SETTINGS:
            raise ConfigError(f"unknown setting {name} (see README: Settings)")
        check_value(name, raw, SETTINGS[name])


def known_setting_names() -> set[str]:
    """Every name Scrapy or scrapy-redis defines."""
    import scrapy_redis.defaults
    from scrapy.settings import default_settings

    modules = (default_settings, scrapy_redis.defaults)
    return {name for module in modules for name in vars(module) if name.isupper()}


def check_scrapy_settings(values: Mapping[str, Any], given: Iterable[str] = (),
                          defined: Iterable[str] = ()) -> None:
    """The Scrapy settings of ``SCRAPY_SETTINGS`` of their kind and range, and no name in
    ``given`` (the ones set with ``-s``) a near miss of a known one (Scrapy's, or one the
    project ``defined``); ConfigError otherwise."""
    for name, spec in SCRAPY_SETTINGS.items():
        if values.get(name) is not None:
            check_value(name, values[name], spec)
    known = known_setting_names() | set(SCRAPY_SETTINGS) | set(defined)
    for name in given:
        if name in known or name.startswith("NEWSCRAWL_"):
            continue
        near = difflib.get_close_matches(name, known, n=1, cutoff=0.85)
        if near:
            raise ConfigError(f"unknown setting {name} (did you mean {near[0]}?)")


def environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The declared ``NEWSCRAWL_*`` keys set in the environment (as cron users do)."""
    env = os.environ if env is None else env
    return {name: env[name] for name in SETTINGS if name in env}


def usable_dir(name: str, path: str) -> None:
    """Creates the folder if needed; ConfigError when it cannot hold our files."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{name}={path!r}: is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{name}={path!r}: cannot create the folder "
                          f"({exc.strerror or type(exc).__name__})") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(f"{name}={path!r}: the folder is not writable")


def redis_answers(url: str, timeout: float = 3.0) -> None:
    """A scale-out run without its Redis would fail on every request: check once, up front."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout).ping()
    except redis.RedisError as exc:
        raise ConfigError(f"NEWSCRAWL_REDIS_URL={url!r}: Redis does not answer ({exc})") from None


def check_values(settings: Any) -> None:
    """Every setting's value, before Scrapy's logging, components or first request read one."""
    from scrapy.settings import get_settings_priority

    check_settings({k: v for k, v in settings.items() if k.startswith("NEWSCRAWL_")})
    cmdline = get_settings_priority("cmdline")
    given = [k for k in settings if settings.getpriority(k) == cmdline]
    module = importlib.import_module(os.environ.get("SCRAPY_SETTINGS_MODULE", "newscrawl.settings"))
    check_scrapy_settings(settings, given, [k for k in vars(module) if k.isupper()])


def check_places(settings: Any) -> None:
    """The places a crawl writes to, once its values passed: state (or Redis), output."""
    if settings.get("NEWSCRAWL_REDIS_URL"):
        redis_answers(settings.get("NEWSCRAWL_REDIS_URL"))
    else:
        usable_dir("NEWSCRAWL_STATE_DIR", settings.get("NEWSCRAWL_STATE_DIR"))
    usable_dir("NEWSCRAWL_OUTPUT_DIR", settings.get("NEWSCRAWL_OUTPUT_DIR"))


def user_agent(settings: Any) -> None:
    """``NEWSCRAWL_CONTACT`` goes into the User-Agent unless USER_AGENT itself was set."""
    if settings.getpriority("USER_AGENT") < settings.getpriority("NEWSCRAWL_CONTACT"):
        contact = settings.get("NEWSCRAWL_CONTACT")
        settings.set("USER_AGENT", f"newscrawl/0.1 (+{contact})",
                     priority=settings.getpriority("NEWSCRAWL_CONTACT"))
