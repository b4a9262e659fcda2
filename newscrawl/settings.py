"""Scrapy settings for newscrawl: Scrapy's own keys, then NEWSCRAWL_* keys.

Every value here can be overridden on the command line with ``-s KEY=VALUE``;
command-line values also win over a registry entry's politeness values.
"""

from __future__ import annotations

import warnings

from newscrawl.items import export_fields

# spidermon calls the deprecated Spider.log() on every run: not ours to fix, not the user's to read
warnings.filterwarnings("ignore", message=r"Spider\.log\(\) is deprecated", module="spidermon")

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"
COMMANDS_MODULE = "newscrawl.commands"  # our `crawl` (lock, exit codes) and `sites` commands

# --- politeness ---------------------------------------------------------------
NEWSCRAWL_CONTACT = "https://github.com/newscrawl/newscrawl"  # who to contact about the bot
# USER_AGENT is set at the end, from NEWSCRAWL_CONTACT
ROBOTSTXT_OBEY = True  # robots.txt obeyed (Protego); an unreachable one means disallow
ROBOTSTXT_PARSER = "newscrawl.middlewares.robots.Utf8ProtegoParser"
CONCURRENT_REQUESTS = 32  # across all sites
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # per site (scheme + host + port), never more by default
DOWNLOAD_DELAY = 1.0  # seconds between requests to one site (registry/robots may raise it)
AUTOTHROTTLE_ENABLED = True  # back off when a site slows down
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = False  # news pages need no session; no cookie can leak across sites

# --- limits -------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30  # seconds per request
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024  # bytes, decompressed (Scrapy's default is 1 GiB)
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
# Bytes of responses whose callbacks have not finished (pages waiting for or in an extraction
# worker) over which Scrapy stops sending any request, for every site. Scrapy's 5 MB let two
# 3.4 MB sitemaps of one site halt all the others' downloads for as long as they were parsed
# (4-12 s measured). DOWNLOAD_MAXSIZE: no one page, however big, does that alone; a fast
# one-site crawl fills it with pages waiting for a worker (each MB here is ~1 MB of peak RSS).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = DOWNLOAD_MAXSIZE
REDIRECT_MAX_TIMES = 5
RETRY_TIMES = 2
DEPTH_LIMIT = 6  # link hops from a homepage (sitemaps and feeds count as one hop)
DNS_TIMEOUT = 20

# --- the flow -------------------------------------------------------------------
ITEM_PIPELINES = {
    "newscrawl.pipelines.CleanPipeline": 100,  # sanitise strings, normalise text, word count, hash
    "newscrawl.pipelines.ValidatePipeline": 200,  # drop half-empty or schema-invalid items
    "newscrawl.pipelines.EncodablePipeline": 250,  # drop an item no feed could encode (counted)
    "newscrawl.pipelines.DeduplicatePipeline": 300,  # URL, body hash, near-duplicates, versions
    "newscrawl.pipelines.ArticleLimitPipeline": 900,  # -a max_articles=N: at most N items
}
DOWNLOADER_MIDDLEWARES = {
    "newscrawl.middlewares.replay.ReplayMiddleware": 10,  # -a warc=: stored responses, no fetch
    # never touch file:/ftp:/LAN/cloud-metadata targets or off-site redirect targets
    "newscrawl.middlewares.safety.TargetFilterMiddleware": 60,
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "newscrawl.middlewares.safety.DomainsOffsiteMiddleware": 50,  # only with spider.allowed_domains
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    # unreachable or 5xx robots.txt => disallow the site (RFC 9309); Crawl-delay applied
    "newscrawl.middlewares.robots.StrictRobotsTxtMiddleware": 100,
    "newscrawl.middlewares.budget.SiteBudgetMiddleware": 120,  # NEWSCRAWL_MAX_PAGES_PER_SITE
    "newscrawl.middlewares.first_contact.FirstContactMiddleware": 340,  # short timeout until a site answered once
    "newscrawl.middlewares.retry_after.RetryAfterMiddleware": 560,  # 429/503 before RetryMiddleware
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newscrawl.middlewares.refresh.HeadMetaRefreshMiddleware": 580,  # reads the page head only
    "newscrawl.middlewares.content.ContentTypeFilterMiddleware": 585,  # non-HTML pages skipped
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "newscrawl.middlewares.limits.BoundedHttpCompressionMiddleware": 590,  # decompressed-size cap
    "newscrawl.middlewares.limits.SizeLimitStatsMiddleware": 595,  # size aborts counted, not retried
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "newscrawl.middlewares.safety.SafeRedirectMiddleware": 600,  # loops / max / non-HTTP counted
    "newscrawl.middlewares.redirects.RedirectAliasMiddleware": 650,  # sees 3xx before the redirect middleware
    "newscrawl.middlewares.archive.WarcArchiveMiddleware": 950,  # NEWSCRAWL_WARC: bodies as received
}
EXTENSIONS = {
    "spidermon.contrib.scrapy.extensions.Spidermon": 50,  # exit-code monitors at close
    "newscrawl.extensions.ledger.LedgerExtension": 100,  # the run's dedup ledger over the state store
    "newscrawl.export.writer.FeedWriter": 500,  # atomic default feed; commits articles once durable
    "newscrawl.export.user_feeds.UserFeedCommitter": 500,  # -o/-O: commits once every feed is stored
    "scrapy.extensions.feedexport.FeedExporter": None,
    "newscrawl.export.user_feeds.WatchedFeedExporter": 0,  # -o/-O: a failed feed takes no more items
    "newscrawl.extensions.summary.RunSummary": 900,  # per-site summary; X.stats.json beside the feed X.jsonl
    "newscrawl.extensions.gctune.GcTuning": 0,  # freeze start-up objects, rarer young-generation GC passes
}
ADDONS = {"newscrawl.scaleout.RedisScaleOut": 0}  # scrapy-redis settings, only with NEWSCRAWL_REDIS_URL
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["newscrawl.extensions.monitors.RunMonitors"]  # sets newscrawl/exit_code
CONCURRENT_ITEMS = 8  # tasks per response; Scrapy's 100 cost ~9 ms/page for our one item per page
FEED_EXPORT_FIELDS = export_fields()  # public Article fields only, in schema order
FEED_EXPORT_ENCODING = "utf-8"  # -o/-O feeds in UTF-8, not ASCII-escaped
FEED_STORAGES = {  # -o/-O/-o -: failures reported (exit 8, nothing seen), stored files fsynced
    "": "newscrawl.export.user_feeds.WatchedFileStorage",
    "file": "newscrawl.export.user_feeds.WatchedFileStorage",
    "stdout": "newscrawl.export.user_feeds.WatchedStdoutStorage",
}
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
LOG_FORMATTER = "newscrawl.logformat.QuietLogFormatter"  # drops as URL + reason, not the whole item
STATS_CLASS = "newscrawl.stats.DirectStatsCollector"  # Scrapy's, minus a per-access wrapper
STATS_DUMP = False  # the run summary is the last word; the full stats dump is logged at DEBUG

# --- newscrawl --------------------------------------------------------------------
NEWSCRAWL_SITES = ""  # registry file when no -a sites= is given (empty: the bundled default.yaml)
NEWSCRAWL_OUTPUT_DIR = "output"  # default feeds: <dir>/<spider>/<UTC timestamp>.jsonl
NEWSCRAWL_STATE_DIR = ".newscrawl"  # SQLite state (seen URLs, hashes, validators, health)
NEWSCRAWL_REDIS_URL = ""  # redis://host:port/db: share frontier and state across machines
NEWSCRAWL_REDIS_NEARDUP_KEY = ""  # set by the scale-out add-on: the crawl's shared near-dup log
NEWSCRAWL_NEAR_DUPLICATES = "mark"  # "mark" (duplicate_of + story_id) or "drop"
NEWSCRAWL_FSYNC_EVERY = 50  # items between fsync+state commits of the default feed
NEWSCRAWL_GC_THRESHOLD = 50000  # allocations between young-generation GC passes (0: Python's default)
NEWSCRAWL_EXTRACT_WORKERS = 2  # extraction processes beside the reactor (0: inline)
# article verdict (README "Article or not"): body words, counted script-aware, a page needs
NEWSCRAWL_MIN_WORDS = 40  # ... when JSON-LD/og:type say article, or a byline/date and an article URL
NEWSCRAWL_MIN_WORDS_ARTICLE_URL = 120  # ... when only the URL looks like an article
NEWSCRAWL_MIN_WORDS_NO_EVIDENCE = 250  # ... when nothing but the text says so
NEWSCRAWL_RECHECK_DAYS = 14  # a page judged not-an-article is refetched after this many days (0: every run)
NEWSCRAWL_MAX_CHILD_SITEMAPS = 1000  # children read per sitemap index, newest first; the rest counted
NEWSCRAWL_MAX_PAGES_PER_SITE = 5000  # page budget per site per run (0: none)
NEWSCRAWL_MAX_LISTING_PAGES = 200  # listing pages per site per run (spider-trap bound)
NEWSCRAWL_MAX_ERROR_RATE = 0.25  # exit 4 above this share of requests failed for good (refusals excluded)
NEWSCRAWL_ERROR_RATE_MIN_REQUESTS = 20  # smaller runs are not judged on error rate
NEWSCRAWL_MAX_FAILED_PAGES = 0.5  # exit 4 when a site's failed pages (HTTP or processing) exceed this share
NEWSCRAWL_FAILED_PAGES_MIN = 5  # a site is judged on failed pages only with this many pages tried
NEWSCRAWL_SILENT_MIN_PAGES = 5  # exit 5: a productive site fetched this many pages, none an article
NEWSCRAWL_MAX_INVALID_ITEMS = 0  # schema-invalid items tolerated before exit 7
NEWSCRAWL_HEALTH_MIN_WORDS = 40  # "body" coverage counts items with at least this many words
NEWSCRAWL_HEALTH_MIN_ITEMS = 5  # a site's run is judged, and used as baseline, only with this many items
NEWSCRAWL_HEALTH_RUNS = 5  # baseline = median coverage over the site's last N recorded runs
NEWSCRAWL_HEALTH_WARN_DROP = 0.2  # warn when a field's coverage falls this far below the baseline
NEWSCRAWL_HEALTH_FAIL_DROP = 0.5  # exit 6 when it falls this far
NEWSCRAWL_PROGRESS_INTERVAL = 60  # seconds between per-site progress lines (0: off)
NEWSCRAWL_FIRST_CONTACT_TIMEOUT = 10  # seconds per request until a site has answered once
NEWSCRAWL_FIRST_CONTACT_RETRIES = 1  # retries per request until a site has answered once
NEWSCRAWL_REDIS_HEARTBEAT = 30  # s; a silent worker is dead and its taken requests are requeued
NEWSCRAWL_REDIS_IDLE_GRACE = 10  # s a worker waits on a drained shared queue before closing
NEWSCRAWL_MAX_CRAWL_DELAY = 10  # cap (s) on robots Crawl-delay; -s DOWNLOAD_DELAY on the command line wins
NEWSCRAWL_MAX_RETRY_AFTER = 120  # longest Retry-After honoured (s); longer: site given up for this run
NEWSCRAWL_RETRY_AFTER_TIMES = 3  # Retry-After waits per URL before giving it up
NEWSCRAWL_RETRY_AFTER_DEFAULT = 5  # wait (s) for a 429 without Retry-After
NEWSCRAWL_WARC = False  # archive every fetched response with its request: <output>/warc/<stamp>.warc.gz
NEWSCRAWL_WARC_MAX_BYTES = 1024**3  # start a new archive file past this size (0: never)
NEWSCRAWL_WARC_ROBOTS = True  # archive robots.txt responses too
NEWSCRAWL_REPLAY = False  # set by -a warc=PATH: serve stored responses, fetch nothing
NEWSCRAWL_TARGET_RESOLVE_HOSTS = True  # resolve host names; refuse those pointing at private addresses

# --- safety limits (README "Safety and limits") ----------------------------------------
TELNETCONSOLE_ENABLED = False  # no remote Python console (Scrapy's default logs its password)
NEWSCRAWL_EXTRACT_TIMEOUT = 20  # s per page in a worker; over it: page failed, worker replaced
NEWSCRAWL_MAX_PAGE_TAGS = 100_000  # pages with more '<' are failed unparsed (0: no cap)
NEWSCRAWL_MAX_PAGE_ATTRIBUTES = 100_000  # pages with more '=' are failed unparsed (0: no cap)
NEWSCRAWL_SITE_MAX_SECONDS = 1200  # wall-clock budget per site per run; later requests refused (0: none)
NEWSCRAWL_MAX_DISCOVERED_PER_SITE = 10_000  # page requests built per site per run (checked before building)
NEWSCRAWL_MAX_SITEMAPS_PER_SITE = 1000  # child sitemaps fetched per site per run, all indexes together
NEWSCRAWL_MAX_SITEMAP_FAILURES = 5  # failed sitemaps after which a site's remaining children are skipped
NEWSCRAWL_SITEMAP_SECONDS = 300  # s from a site's first child sitemap; later children skipped
NEWSCRAWL_MAX_RUN_SECONDS = 3300  # a run closes (feed + summary written) after this; below an hourly cron
NEWSCRAWL_RUN_GRACE = 120  # s after NEWSCRAWL_MAX_RUN_SECONDS before the process is ended hard (exit 9)
NEWSCRAWL_STOP_SECONDS = 10  # s after SIGTERM/SIGINT before the process is ended hard (exit 9)
NEWSCRAWL_UMASK = "077"  # octal umask of the crawl: log, state and feed files owner-only
NEWSCRAWL_MAX_LINKS_PER_PAGE = 5000  # <a> elements read per listing page (a big homepage has ~1,000)
REMOTE_CONTROL_ENABLED = False  # Scrapy's remote-control HTTP server stays off

NEWSCRAWL_TARGET_FILTER_ENABLED = True  # False: allow LAN/loopback/metadata targets (tests only)
NEWSCRAWL_RETRY_AFTER_ENABLED = True  # honour Retry-After on 429/503
NEWSCRAWL_SKIP_NON_HTML = True  # skip PDFs, images, ... before they are downloaded in full
NEWSCRAWL_SUMMARY_ENABLED = True  # per-site run summary in the log and X.stats.json beside the feed
NEWSCRAWL_REPORT_ENABLED = True  # static HTML report X.report.html beside the feed
NEWSCRAWL_REPORT_RUNS = 10  # runs of history charted per site in the report
NEWSCRAWL_WORKER_ID = ""  # scale-out worker name in Redis (empty: host-pid-random)

# NEWSCRAWL_* keys may also come from the environment (cron); -s on the command line wins.
# newscrawl.config checks every key and value before a crawl starts (exit 2 on a bad one).

# Cron sets NEWSCRAWL_* in the environment: such values win over the ones above.
from newscrawl.config import environment as _environment

globals().update(_environment())
USER_AGENT = f"newscrawl/0.1 (+{NEWSCRAWL_CONTACT})"  # names the project and a contact (-s: see config)
