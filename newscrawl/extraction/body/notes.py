"""Short lines around a story that are about its making or its site, not the story.

CJK newsrooms close a story with the editor's credit ("【责任编辑：…】",
"（编辑：… …）"); sites print their social accounts and payment handles as
"Facebook https://…" lines; templates print "Name | Place | date" above the
text. Each test here is a pattern of form (a role label and a colon, a line
that is mostly an account address, fields around a date), never a site's text.
"""

from __future__ import annotations

import re

from newscrawl.extraction.wordcount import count_words

# an editor credit is a line of names; longer text that opens with a role is a sentence
CREDIT_MAX_CHARS = 60
# Chinese/Japanese production roles followed by a colon (editor, reviewer, proof-reader …),
# optionally in the brackets news sites print them in; a closing bracket may be on a line of its own
_EDITOR_CREDIT = re.compile(
    r"^\W{0,3}[【\[（(〔]?\s*(责任编辑|責任編輯|责编|責編|编辑|編輯|编审|編審|审校|審校|审核|審核|校对|校對"
    r"|监制|監製|主编|主編|统筹|統籌|编导|編導|編集|校閲|デスク)\s*[:：]\s*\S[^\n]{0,40}$"
)

# accounts of social networks and payment services: a line that is little besides one
# is a "follow us"/"support us" line of the site
_ACCOUNT = re.compile(
    r"(?:https?://)?(?:www\.)?(?:facebook\.com|fb\.me|fb\.com|twitter\.com|x\.com|instagram\.com|t\.me"
    r"|telegram\.me|line\.me|youtube\.com|youtu\.be|tiktok\.com|linkedin\.com|wa\.me|whatsapp\.com"
    r"|paypal\.me|paypal\.com|patreon\.com|ko-fi\.com|buymeacoffee\.com|vk\.com|weibo\.com)(?:/\S*)?",
    re.IGNORECASE,
)
# a bare "@name" is an account when the line names a network or says "follow" (a credit
# "Account: @name" under a photo in a list of them is the story's own)
_HANDLE = re.compile(r"(?<![\w@.])@\w{2,30}")
_NETWORK = re.compile(
    r"\b(facebook|twitter|instagram|telegram|line|youtube|tiktok|threads|mastodon|bluesky|whatsapp|snapchat"
    r"|viber|kakao ?talk|follow|folgen|suivez|s[ií]guenos|seguici|volg)\b"
    r"|фейсбук|твиттер|инстаграм|телеграм|подписывайтесь|ไลน์|เฟซบุ๊ก|ทวิตเตอร์|อินสตาแกรม|ติดตาม",
    re.IGNORECASE,
)
# … a line of at most this many words besides the account (a label: "Twitter", "LINE ID =")
ACCOUNT_LABEL_MAX_WORDS = 4
# (an address is at most a line; longer paragraphs are not searched)
ACCOUNT_LINE_MAX_CHARS = 160
_SENTENCE_END = (".", "!", "?", "。", "！", "？")

# "Name | Place | 08/01/2014": a few short fields, one of them a date
# a run of spaces is tried from its first space only: linear on a hostile run of blanks
_FIELD_SEPARATOR = re.compile(r"(?<!\s)\s+[|•·]\s+")
FIELD_LINE_MAX_CHARS = 300  # five fields of six words
FIELDS_MIN, FIELDS_MAX = 2, 5
FIELD_MAX_WORDS = 6
_DATE_FIELD = re.compile(r"^\W*(\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2}|\d{4}年.*|\d{1,2}\.? \w+ \d{4})\W*$")


def is_editor_credit(para: str) -> bool:
    """'【责任编辑:张三】', '（编辑：张三 李四）': a production credit of a CJK story."""
    return len(para) <= CREDIT_MAX_CHARS and bool(_EDITOR_CREDIT.match(para))


def is_account_line(para: str) -> bool:
    """'Facebook https://fb.me/site', 'LINE ID = @site': a site's account, with a label."""
    if len(para) > ACCOUNT_LINE_MAX_CHARS or para.rstrip().endswith(_SENTENCE_END):
        return False
    if "." in para and _ACCOUNT.search(para):  # every address has a dot: most lines skip the search
        rest = _ACCOUNT.sub(" ", para)
    elif _HANDLE.search(para) and _NETWORK.search(para):
        rest = _HANDLE.sub(" ", para)
    else:
        return False
    label = " ".join(token for token in rest.split() if any(c.isalnum() for c in token))  # "--", "=" aside
    return count_words(label) <= ACCOUNT_LABEL_MAX_WORDS


def is_field_dateline(para: str) -> bool:
    """'Name | Place | 08/01/2014': short fields split by bars or dots, one a date."""
    if len(para) > FIELD_LINE_MAX_CHARS:
        return False
    fields = _FIELD_SEPARATOR.split(para.strip())
    if not FIELDS_MIN <= len(fields) <= FIELDS_MAX:
        return False
    if any(count_words(f) > FIELD_MAX_WORDS or f.rstrip().endswith(_SENTENCE_END) for f in fields):
        return False
    return any(_DATE_FIELD.match(f) for f in fields)


_WORD_CHAR = re.compile(r"\w")


# a wire story's end mark: "(END)", "(끝)", "【完】", "-30-"
_END_MARK = re.compile(r"^\s*(?:[(\[【（]\s*(?:end|fin|ende|끝|完)\s*[)\]】）]|-30-)\s*$", re.IGNORECASE)


def is_end_mark(para: str) -> bool:
    """The agency's end-of-story mark, printed as a line of its own."""
    return bool(_END_MARK.match(para))


# a stray bracket or dash is a character or three; a longer run ("|---|---|") is a table's rule
STRAY_MAX_CHARS = 3


def has_no_words(para: str) -> bool:
    """A stray bit of punctuation ('】', '-'): the rest of a line the engine split, or a divider.
    (An underscore rule '___' is a word character, as for the scorer's tokens: kept.)"""
    return len(para.strip()) <= STRAY_MAX_CHARS and _WORD_CHAR.search(para) is None
