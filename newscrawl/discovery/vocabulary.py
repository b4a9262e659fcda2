"""Word lists for URL and page classification, kept apart from the logic.

Each list names a shape many CMSs share (WordPress, Drupal, tagDiv, Chinese
and South Asian portals); none names a particular site.
"""

from __future__ import annotations

# The one list of schema.org types that say "this page is one article", best first: the page
# verdict accepts any of them; JSON-LD reading prefers the earliest when a page has several.
ARTICLE_SCHEMA_TYPES = (
    "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
    "BackgroundNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle", "SatiricalArticle",
    "AdvertiserContentArticle", "LiveBlogPosting", "Article", "BlogPosting", "Report",
    "ScholarlyArticle", "TechArticle", "SocialMediaPosting", "Review",
)
ARTICLE_JSONLD_TYPES = frozenset(t.lower() for t in ARTICLE_SCHEMA_TYPES)

# Types that say "this page lists, profiles or describes": the page verdict rejects them.
# The site's own description (WebSite, its publisher as Organization or, on a personal
# blog, Person, its navigation) is on every page of a site, articles included, and says
# nothing about the page: it is not among them (a story whose one block is its
# publisher's Organization is judged by its URL and text).
LISTING_JSONLD_TYPES = frozenset(
    t.lower() for t in (
        "CollectionPage", "ItemList", "ProfilePage", "SearchResultsPage", "AboutPage",
        "ContactPage", "Blog",
    )
)

NON_ARTICLE_OG_TYPES = frozenset(
    [
        "profile", "book", "music.song", "music.album", "music.playlist", "music.radio_station",
        "video.movie", "video.tv_show", "video.episode", "video.other", "product", "place",
        "business.business",
    ]
)

SKIP_EXTENSIONS = frozenset(
    [
        "pdf", "jpg", "jpeg", "png", "gif", "webp", "svg", "ico", "bmp", "tif", "tiff", "avif",
        "heic", "mp3", "mp4", "m4a", "m4v", "avi", "mov", "wmv", "flv", "webm", "ogg", "ogv",
        "oga", "wav", "flac", "mkv", "3gp", "zip", "rar", "gz", "tgz", "tar", "7z", "bz2", "xz",
        "exe", "msi", "dmg", "apk", "deb", "rpm", "iso", "doc", "docx", "xls", "xlsx", "ppt",
        "pptx", "odt", "ods", "csv", "css", "js", "mjs", "json", "xml", "rss", "atom", "rdf",
        "woff", "woff2", "ttf", "otf", "eot", "swf", "txt", "ics", "vcf", "epub",
    ]
)

SKIP_SCHEMES = ("mailto:", "javascript:", "tel:", "sms:", "whatsapp:", "data:", "ftp:", "file:",
                 "viber:", "skype:", "intent:", "fb-messenger:")

SKIP_SEGMENTS = frozenset(
    [
        "wp-admin", "wp-login.php", "wp-json", "xmlrpc.php", "wp-content", "wp-includes",
        "cdn-cgi", "feed", "feeds", "rss", "atom", "login", "logout", "signin", "sign-in",
        "signup", "sign-up", "register", "registration", "account", "my-account", "cart",
        "checkout", "basket", "search", "share", "sharer", "print", "embed", "attachment",
        "trackback", "oembed", "amp-ad", "comment-page", "replytocom", "subscribe-form", "ajax",
        "api",
    ]
)

SKIP_QUERY_KEYS = frozenset(
    [
        "s", "q", "query", "search", "keyword", "keywords", "share", "print", "replytocom",
        "action", "output", "format", "feed", "redirect_to", "return_to", "login",
    ]
)

STATIC_WORDS = frozenset(
    [
        "about", "about-us", "aboutus", "who-we-are", "contact", "contact-us", "contactus",
        "contacts", "privacy", "privacy-policy", "privacypolicy", "terms", "terms-of-use",
        "terms-of-service", "terms-and-conditions", "termsofuse", "tos", "disclaimer",
        "cookie-policy", "cookies", "legal", "imprint", "impressum", "datenschutz", "kontakt",
        "agb", "advertise", "advertising", "advertise-with-us", "adverts", "media-kit",
        "subscribe", "subscription", "subscriptions", "newsletter", "newsletters", "careers",
        "career", "jobs", "vacancies", "faq", "faqs", "help", "support", "team", "our-team",
        "staff", "masthead", "editorial-policy", "ethics", "code-of-ethics", "code-of-conduct",
        "corrections-policy", "sitemap", "site-map", "copyright", "accessibility", "contacto",
        "aviso-legal", "politica-de-privacidad", "quienes-somos", "mentions-legales",
        "qui-sommes-nous", "nous-contacter", "chi-siamo", "contatti", "guanyu", "lianxi",
        "lianxiwomen", "guanyuwomen", "关于我们", "联系我们", "隐私政策", "免责声明",
        "ہمارے-بارے-میں", "رابطہ",
    ]
)

LISTING_SEGMENTS = frozenset(
    [
        "category", "categories", "tag", "tags", "topic", "topics", "author", "authors",
        "section", "sections", "archive", "archives", "label", "labels", "series", "columnist",
        "columnists", "list", "lists", "latest", "tagged", "index",
    ]
)

ARTICLE_CONTAINERS = frozenset(
    [
        "story", "stories", "article", "articles", "post", "posts", "p", "a", "blog", "blogs",
        "detail", "details", "read", "content", "view", "item", "entry", "doc", "node",
    ]
)

ARTICLE_QUERY_KEYS = frozenset(
    [
        "p", "id", "aid", "nid", "sid_article", "article", "articleid", "article_id", "story",
        "storyid", "story_id", "newsid", "news_id", "contentid", "content_id", "postid",
        "post_id", "itemid",
        # Korean CMSs' article views (articleView.html?idxno=, news_view.html?idx=) and
        # gnuboard's board posts (?bo_table=news&wr_id=)
        "idx", "idxno", "wr_id",
    ]
)
# of those, the one that names a category as often as a story (list.php?id=5&page=2)
GENERIC_QUERY_ID_KEYS = frozenset(["id"])

