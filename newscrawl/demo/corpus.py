"""The demo network's editorial plan: which site runs which story, by whom, when.

Titles, people and outlets are invented for this project; bodies come from
``textgen`` with a seed per article, so every page is distinct and stable
across runs. Wire stories are written once and copied (sometimes re-headlined
and trimmed) to several sites: that is what near-duplicate detection is
measured against.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from newscrawl.demo.base import DemoArticle
from newscrawl.demo.textgen import generate_body

logger = logging.getLogger(__name__)

ANCHOR = datetime(2026, 3, 16, 6, 0, tzinfo=UTC)
WIRE = "NRW"  # News Relay Wire, the fictional agency


@dataclass(frozen=True)
class Spec:
    """One site's own article: a headline plus the knobs the generator needs."""

    title: str
    section: str
    topic: str
    place: str
    hours_ago: int
    words: int
    author: str
    tags: tuple[str, ...] = ()
    subject: str = ""  # what the body is about, so it matches the headline


@dataclass(frozen=True)
class WireStory:
    key: str
    title: str
    topic: str
    place: str
    hours_ago: int
    words: int
    subject: str

    @property
    def paragraphs(self) -> list[str]:
        return generate_body(f"wire-{self.key}", self.topic, self.place,
                             f"{self.place.upper()} ({WIRE}):", self.words, self.subject)


WIRE_STORIES = {w.key: w for w in (
    WireStory("port-terminal", "Karachi port opens automated gates as cargo backlog eases",
              "port", "Karachi", 70, 430, "the automated gate system"),
    WireStory("battery-plant", "Nanjing battery maker doubles cell output in new plant",
              "tech", "Nanjing", 150, 380, "the new battery cell plant"),
    WireStory("smog-drive", "Lahore orders kilns shut as smog season returns early",
              "weather", "Lahore", 260, 340, "the kiln closure order"),
)}


def own_article(site: str, spec: Spec, path: str, tz: ZoneInfo) -> DemoArticle:
    """Materialise a Spec; the seed is the site plus the title, so texts never repeat."""
    published = (ANCHOR - timedelta(hours=spec.hours_ago, minutes=7 * len(spec.title))) \
        .astimezone(tz)
    modified = published + timedelta(minutes=40 + len(spec.title))
    dateline = f"{spec.place.upper()}:"
    body = generate_body(f"{site}/{spec.title}", spec.topic, spec.place, dateline, spec.words,
                         spec.subject or None)
    return DemoArticle(path, spec.title, [spec.author], published, modified, spec.section,
                       body, list(spec.tags))


def wire_copy(story: WireStory, path: str, tz: ZoneInfo, author: str, section: str,
              title: str | None = None, trim: bool = False, delay_minutes: int = 0,
              dateline: str | None = None) -> DemoArticle:
    """One site's copy of a wire story: same text, own headline/byline, maybe trimmed.

    No two copies are byte-identical (a trim or a reworded dateline differs), so
    each copy is a near-duplicate to link, never an exact duplicate to drop.
    """
    paragraphs = story.paragraphs
    if trim:
        paragraphs = paragraphs[:-1]
    if dateline:
        head = f"{story.place.upper()} ({WIRE}):"
        paragraphs = [paragraphs[0].replace(head, dateline, 1), *paragraphs[1:]]
    published = (ANCHOR - timedelta(hours=story.hours_ago) + timedelta(minutes=delay_minutes)) \
        .astimezone(tz)
    return DemoArticle(path, title or story.title, [author], published,
                       published + timedelta(minutes=15), section, paragraphs,
                       story=f"story-{story.key}")


LEDGER = (  # WordPress / tagDiv "Newspaper" style, Punjab
    Spec("Punjab cabinet approves canal lining for tail-end farmers", "National", "farm",
         "Lahore", 5, 420, "Hamid Rasheed", ("agriculture", "irrigation"),
         subject="the canal lining scheme"),
    Spec("Wheat procurement centres report payment delays in south Punjab", "Business", "farm",
         "Multan", 30, 310, "Sadia Noor", ("agriculture", "wheat"),
         subject="the wheat procurement drive"),
    Spec("Orange Line feeder buses to reach Shahdara by summer", "City", "transport",
         "Lahore", 55, 260, "Sadia Noor", ("transport",),
         subject="the Orange Line feeder bus service"),
    Spec("Mayo Hospital opens dialysis wing after two-year wait", "City", "health", "Lahore",
         96, 480, "Hamid Rasheed", ("health",), subject="the new dialysis wing"),
    Spec("Faisalabad textile exporters count cost of power cuts", "Business", "civic",
         "Faisalabad", 120, 350, "Hamid Rasheed", ("industry", "energy"),
         subject="the industrial power supply plan"),
    Spec("Sialkot under-19 side lifts inter-district cricket title", "Sports", "sport",
         "Sialkot", 170, 230, "Imtiaz Gondal", ("cricket",),
         subject="the inter-district cricket championship"),
    Spec("Walled City bazaar restoration enters second phase", "City", "civic", "Lahore", 210,
         540, "Sadia Noor", ("heritage",), subject="the bazaar restoration"),
    Spec("Air quality index crosses 400 in Lahore as farmers burn stubble", "National",
         "weather", "Lahore", 280, 300, "Imtiaz Gondal", ("environment", "smog"),
         subject="the anti-smog drive"),
    Spec("Multan university campus to add engineering faculty", "National", "education",
         "Multan", 330, 390, "Hamid Rasheed", ("education",),
         subject="the new engineering faculty"),
    Spec("Hockey turf in Gojra finally ready for provincial games", "Sports", "sport",
         "Gojra", 400, 200, "Imtiaz Gondal", ("hockey",), subject="the new hockey turf"),
)

HERALD = (  # JSON-LD NewsArticle + AMP, Jiangsu
    Spec("Suzhou industrial park hires 3,000 technicians for chip packaging", "Business", "tech",
         "Suzhou", 8, 360, "Zhou Ling", ("industry",), subject="the chip packaging plant"),
    Spec("Wuxi opens riverside library in restored silk warehouse", "Culture", "civic", "Wuxi",
         40, 300, "Xu Mei", ("culture",), subject="the riverside library"),
    Spec("Nantong farmers trial salt-tolerant rice on coastal land", "Society", "farm",
         "Nantong", 75, 410, "Chen Hao", ("agriculture",), subject="the salt-tolerant rice trial"),
    Spec("Nanjing metro line 11 extension cuts commute across the river", "Society",
         "transport", "Nanjing", 100, 280, "Chen Hao", ("transport",),
         subject="the metro line 11 extension"),
    Spec("Changzhou startup incubator graduates its first robotics firms", "Tech", "tech",
         "Changzhou", 130, 450, "Zhou Ling", ("startups", "robotics"),
         subject="the startup incubator"),
    Spec("Yangzhou hospitals share records on one provincial platform", "Society", "health",
         "Yangzhou", 190, 330, "Xu Mei", ("health",),
         subject="the shared medical records platform"),
    Spec("Plum rain season forecast to bring heavy downpours to Jiangsu", "Society",
         "weather", "Nanjing", 240, 250, "Chen Hao", ("weather",),
         subject="the flood preparedness plan"),
    Spec("Kunshan schools add evening science clubs for migrant children", "Society",
         "education", "Kunshan", 300, 370, "Xu Mei", ("education",),
         subject="the evening science clubs"),
    Spec("Jiangsu export orders for solar modules climb in first quarter", "Business", "tech",
         "Nanjing", 360, 520, "Zhou Ling", ("trade", "solar"),
         subject="the solar module export drive"),
)

COURIER = (  # feed-only, Sindh, local-time bylines
    Spec("Sukkur barrage gates repaired ahead of kharif season", "Sindh", "farm", "Sukkur", 12,
         380, "Gul Hassan Jatoi", subject="the barrage gate repairs"),
    Spec("Hyderabad water board promises daily supply to Latifabad", "Sindh", "civic",
         "Hyderabad", 48, 290, "Amna Soomro", subject="the daily water supply plan"),
    Spec("Thar coal trucks blamed for broken Mithi road", "Economy", "transport", "Mithi", 80,
         330, "Gul Hassan Jatoi", subject="the Mithi road reconstruction"),
    Spec("Larkana children's hospital runs short of incubators", "Sindh", "health", "Larkana",
         115, 410, "Amna Soomro", subject="the children's hospital expansion"),
    Spec("Badin fishermen report shrinking catch in creeks", "Environment", "weather", "Badin",
         180, 270, "Gul Hassan Jatoi", subject="the creek restoration plan"),
    Spec("Mirpurkhas mango growers look to new export markets", "Economy", "farm",
         "Mirpurkhas", 220, 350, "Amna Soomro", subject="the mango export scheme"),
    Spec("Shikarpur girls' college gets its first science laboratory", "Sindh", "education",
         "Shikarpur", 310, 240, "Amna Soomro", subject="the new science laboratory"),
    Spec("Keenjhar lake tourism plan worries local boatmen", "Environment", "civic", "Thatta",
         380, 460, "Gul Hassan Jatoi", subject="the lake tourism plan"),
)

COASTAL = (  # own template, syndicates wire copy, one Urdu article
    Spec("Korangi fish harbour auction hall reopens after repairs", "Business", "port",
         "Karachi", 20, 390, "Farah Memon", ("fisheries",),
         subject="the fish harbour auction hall"),
    Spec("Karachi commuters wait on Green Line's last leg", "Metro", "transport", "Karachi", 60,
         300, "Danish Baig", ("transport",), subject="the Green Line's last section"),
    Spec("Lyari football academy sends four players to national camp", "Sports", "sport",
         "Karachi", 90, 260, "Danish Baig", ("football",), subject="the football academy"),
    Spec("Heatwave centres set up at Karachi bus terminals", "Metro", "weather", "Karachi",
         140, 320, "Farah Memon", ("heatwave",), subject="the heatwave relief centres"),
    Spec("Clifton shopkeepers oppose parking plaza fee", "Metro", "civic", "Karachi", 200, 280,
         "Danish Baig", ("city",), subject="the parking plaza"),
    Spec("Keamari tanker drivers strike over new weighing rules", "Business", "port", "Karachi",
         270, 350, "Farah Memon", ("port",), subject="the new axle-load weighing rules"),
    Spec("Gulshan primary schools get solar panels for fans", "Metro", "education", "Karachi",
         350, 230, "Danish Baig", ("education",), subject="the school solarisation scheme"),
)

URDU_TITLE = "کراچی میں کتاب میلہ، ہزاروں شہریوں کی آمد"
URDU_AUTHOR = "نادیہ قریشی"
URDU_PARAGRAPHS = [
    ("کراچی: شہر کے ایکسپو سینٹر میں پانچ روزہ کتاب میلہ اتوار کے روز شروع ہو گیا جس میں "
    "ملک بھر سے ایک سو سے زائد ناشرین نے اپنے اسٹال لگائے ہیں۔ منتظمین کے مطابق پہلے ہی دن "
    "بیس ہزار سے زیادہ افراد نے میلے کا رخ کیا۔"),
    ("میلے میں بچوں کی کتابوں کے لیے ایک الگ حصہ بنایا گیا ہے جہاں کہانی سنانے کی نشستیں بھی "
    "منعقد کی جا رہی ہیں۔ ایک اسکول ٹیچر نے بتایا کہ وہ اپنی جماعت کے تیس بچوں کو ساتھ لائی "
    "ہیں تاکہ ان میں مطالعے کا شوق پیدا ہو۔"),
    ("ناشرین کا کہنا ہے کہ کاغذ کی قیمتوں میں اضافے کے باوجود انہوں نے کتابوں پر خصوصی رعایت "
    "دی ہے۔ ایک ناشر نے کہا کہ گزشتہ سال کے مقابلے میں اس بار اردو ناولوں اور شاعری کی مانگ "
    "زیادہ ہے، جبکہ نوجوان تاریخ اور سائنس کی کتابیں بھی خرید رہے ہیں۔"),
    ("میلے کے دوران روزانہ شام کو مصنفین کے ساتھ گفتگو کی محفلیں ہوں گی جن میں نئی کتابوں کی "
    "رونمائی بھی کی جائے گی۔ منتظمین نے بتایا کہ طلبہ کو داخلے کے لیے کوئی فیس ادا نہیں کرنی "
    "ہو گی اور شہر کے مختلف علاقوں سے مفت بس سروس بھی چلائی جا رہی ہے۔"),
    ("شہریوں نے میلے کے انتظامات کو سراہا تاہم بعض افراد نے پارکنگ کی کمی اور داخلی راستوں پر "
    "رش کی شکایت کی۔ انتظامیہ کا کہنا ہے کہ ہفتے کے آخری دنوں میں اضافی عملہ تعینات کیا "
    "جائے گا تاکہ آنے والوں کو پریشانی کا سامنا نہ کرنا پڑے۔"),
    "یہ میلہ جمعرات تک جاری رہے گا اور روزانہ صبح دس بجے سے رات نو بجے تک کھلا رہے گا۔",
]


def urdu_article(path: str, tz: ZoneInfo) -> DemoArticle:
    published = (ANCHOR - timedelta(hours=33)).astimezone(tz)
    return DemoArticle(path, URDU_TITLE, [URDU_AUTHOR], published,
                       published + timedelta(hours=2), "Urdu", list(URDU_PARAGRAPHS),
                       ["کتاب میلہ"], language="ur")
