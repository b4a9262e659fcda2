"""Deterministic news-like prose for the demo sites.

The demo must serve many distinct, plausible articles without shipping a
corpus: each body is composed from sentence frames filled from a topic's own
vocabulary with a seeded RNG, so the same seed always gives the same text and
two articles on one topic still read (and hash) differently.
"""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass
from functools import cache

logger = logging.getLogger(__name__)

FIRST = ("Ayesha", "Bilal", "Hina", "Imran", "Kamran", "Nadia", "Omar", "Rabia", "Saad", "Tariq",
         "Zara", "Faisal", "Mehwish", "Usman", "Sana", "Wang", "Li", "Zhou", "Chen", "Liu",
         "Xu", "Sun", "Farah", "Junaid", "Amna", "Danish", "Gul", "Yasir", "Noor", "Hamza")
LAST = ("Qureshi", "Malik", "Siddiqui", "Butt", "Chaudhry", "Mirza", "Baig", "Sheikh", "Rana",
        "Khokhar", "Jun", "Mei", "Hao", "Ling", "Tao", "Feng", "Abbasi", "Lodhi", "Hashmi",
        "Jatoi", "Memon", "Soomro", "Gill", "Bhatti", "Awan", "Yan", "Bo", "Kazmi", "Durrani")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LENDERS = ("a consortium of local banks", "the provincial development fund",
           "a regional infrastructure bank", "a group of private investors",
           "the federal public sector programme", "a municipal bond issue")


@dataclass(frozen=True)
class Topic:
    """The vocabulary one kind of story draws on; frames are shared, words are not."""

    key: str
    subjects: tuple[str, ...]
    agencies: tuple[str, ...]
    measures: tuple[str, ...]
    units: tuple[str, ...]
    groups: tuple[str, ...]
    problems: tuple[str, ...]
    roles: tuple[str, ...]
    quotes: tuple[str, ...]


TOPICS: dict[str, Topic] = {t.key: t for t in (
    Topic("port", ("the new container terminal", "the dredging of the outer channel",
                   "the expanded fish harbour", "the automated gate system"),
          ("the Port Authority", "the Maritime Affairs Department", "the Harbour Board"),
          ("cargo throughput", "container traffic", "the number of ship calls"),
          ("tonnes", "containers", "ship calls"),
          ("shipping agents", "truck drivers", "fishermen", "clearing agents"),
          ("congestion at the terminal gates", "silt in the approach channel",
           "long queues of trucks on the harbour road"),
          ("shipping agent", "dock worker", "transporter", "customs broker"),
          ("Every hour a ship waits at anchor costs someone money.",
           "We were promised the gates would be faster, and for once they are.",
           "The numbers look good on paper but the roads outside have not changed.")),
    Topic("farm", ("the wheat procurement drive", "the new canal lining scheme",
                   "the subsidised seed programme", "the cotton price support plan"),
          ("the Agriculture Department", "the Irrigation Department", "the Food Authority"),
          ("wheat output", "the area under cotton", "canal water supply"),
          ("tonnes", "acres", "cusecs"),
          ("growers", "tenant farmers", "seed dealers", "flour millers"),
          ("late water releases at the tail end of canals", "the rising price of fertiliser",
           "delays in payments at procurement centres"),
          ("grower", "farmer", "seed dealer", "village elder"),
          ("If the water comes on time, the rest takes care of itself.",
           "We sold our crop at a loss last year and cannot do that again.",
           "The scheme is good, but the forms are longer than the harvest.")),
    Topic("health", ("the new mother and child hospital", "the measles vaccination campaign",
                     "the district dengue response plan", "the free dialysis centre"),
          ("the Health Department", "the district health office", "the teaching hospital board"),
          ("patient admissions", "the number of vaccinated children", "outpatient visits"),
          ("patients", "children", "visits"),
          ("doctors", "nurses", "lady health workers", "patients' families"),
          ("a shortage of trained nurses", "crowded emergency wards",
           "medicines running out at rural dispensaries"),
          ("nurse", "doctor", "parent", "pharmacist"),
          ("The wards were full before the season even started.",
           "We reached villages that no team had visited in years.",
           "People trust a clinic when the medicine is actually there.")),
    Topic("transport", ("the bus rapid transit extension", "the ring road flyover",
                        "the new inter-city rail service", "the electric bus pilot"),
          ("the Mass Transit Authority", "the Communications and Works Department",
           "the city traffic police"),
          ("daily ridership", "traffic volume on the corridor", "the length of the network"),
          ("passengers", "vehicles", "kilometres"),
          ("commuters", "shopkeepers along the route", "rickshaw drivers", "students"),
          ("traffic jams at the main intersections", "unreliable bus timings",
           "dug-up roads along the construction corridor"),
          ("commuter", "shopkeeper", "student", "driver"),
          ("I used to leave home at six to reach work by nine.",
           "Business dropped for months while the road was dug up.",
           "A bus that comes every ten minutes changes how you plan your day.")),
    Topic("weather", ("the monsoon emergency plan", "the smog reduction drive",
                      "the urban flood drainage project", "the heatwave response"),
          ("the Disaster Management Authority", "the Meteorological Department",
           "the Environment Protection Agency"),
          ("rainfall", "the air quality index", "river discharge"),
          ("millimetres", "points", "cusecs"),
          ("residents of low-lying areas", "brick kiln owners", "schoolchildren", "labourers"),
          ("blocked storm drains", "crop burning in nearby districts",
           "unplanned construction on natural waterways"),
          ("resident", "kiln owner", "teacher", "labourer"),
          ("The water came into the house within an hour.",
           "Our eyes burn every morning on the way to school.",
           "We cannot stop working because the air is bad; we have to eat.")),
    Topic("tech", ("the provincial startup incubator", "the battery cell factory",
                   "the solar panel assembly line", "the semiconductor packaging plant"),
          ("the Industry Bureau", "the Science and Technology Commission",
           "the Special Economic Zone authority"),
          ("industrial output", "export orders", "the number of patents filed"),
          ("units", "orders", "patents"),
          ("engineers", "small suppliers", "graduates", "investors"),
          ("a shortage of skilled technicians", "the high cost of land in the industrial park",
           "slow approvals for new production lines"),
          ("engineer", "factory manager", "researcher", "supplier"),
          ("Our suppliers moved here because the customers are here.",
           "We hire every graduate who can pass the test, and still we are short.",
           "Three years ago this field grew rice.")),
    Topic("education", ("the school upgrade programme", "the new public university campus",
                        "the teacher training initiative", "the free textbook scheme"),
          ("the School Education Department", "the Higher Education Commission",
           "the district education authority"),
          ("enrolment", "the number of functioning schools", "teacher attendance"),
          ("students", "schools", "teachers"),
          ("parents", "teachers' unions", "headmasters", "students"),
          ("overcrowded classrooms", "schools without boundary walls or toilets",
           "vacant teaching posts in rural areas"),
          ("teacher", "parent", "headmistress", "student"),
          ("Sixty children in one room is not a class, it is a crowd.",
           "My daughter is the first girl in our street to reach college.",
           "The books arrived in March, which is early for once.")),
    Topic("civic", ("the old city heritage restoration", "the municipal water supply upgrade",
                    "the waste collection contract", "the new public library"),
          ("the Municipal Corporation", "the Walled City Authority",
           "the Water and Sanitation Agency"),
          ("water supply", "the amount of waste collected", "visitor numbers"),
          ("gallons", "tonnes", "visitors"),
          ("residents", "traders", "heritage groups", "councillors"),
          ("leaking water mains", "garbage piling up in open plots",
           "encroachments on historic streets"),
          ("resident", "trader", "councillor", "architect"),
          ("The street looks the way my grandfather described it.",
           "We pay the bill every month and the tap is still dry.",
           "Nobody asked the shopkeepers before they closed the road.")),
    Topic("sport", ("the inter-district cricket championship", "the new hockey turf",
                    "the provincial games", "the city marathon"),
          ("the Sports Board", "the district cricket association", "the Olympic association"),
          ("participation", "ticket sales", "the number of registered players"),
          ("players", "tickets", "players"),
          ("young players", "coaches", "club officials", "fans"),
          ("a lack of proper grounds", "delayed payments to players",
           "poor lighting at the stadium"),
          ("coach", "player", "club official", "fan"),
          ("These boys practise on a dirt pitch and still play like this.",
           "A proper turf means we can finally train in the evenings.",
           "The stands were full, which nobody expected on a weekday.")),
)}

LEADS = (
    ("{agency} [on {weekday} announced|said on {weekday}|confirmed on {weekday}] that {subject} "
    "would [move ahead|go ahead as planned|be fast-tracked], a decision [officials said|that "
    "insiders expect] would [affect|touch the lives of|matter to] thousands of {groups} "
    "[across|in and around] {place}."),
    ("[Work on|Progress on|The long-awaited start of] {subject} in {place} [entered a new "
    "phase|picked up pace|resumed] on {weekday}, {agency} [said|announced], after [months|more "
    "than a year] of delays [blamed on|caused by|linked to] {problem}."),
    ("{groups_cap} in {place} are [pinning their hopes on|watching closely|cautiously "
    "optimistic about] {subject}, which {agency} [said on {weekday}|insists] would be "
    "[ready|operational|in place] before the end of {month}."),
    ("Officials in {place} on {weekday} [defended|stood by|sought to reassure critics of] "
    "{subject}, [saying|arguing|insisting] the plan would [ease|reduce|tackle] {problem} "
    "within [a year|two years|eighteen months]."),
)
FRAMES = (
    ("[According to figures released by|In data published by|According to numbers shared by] "
    "{agency}, {measure} "
    "[rose|climbed|grew] {pct} percent [over the past year|in the last quarter|since {month}] "
    "to [about|roughly|nearly] {num} {unit}."),
    ("{person}, who [heads the relevant wing of|oversees the project at|is a director at] "
    "{agency}, said the first phase would be [completed|finished|wrapped up] by {month} and "
    "the rest within {small} months."),
    ("{groups_cap} have [complained|protested|raised concerns] for years about {problem}, and "
    "[several associations|a number of local bodies|their representatives] [wrote to|petitioned"
    "|met] the provincial government about it in {month}."),
    ("The [work|scheme|programme] is being [financed|funded|paid for] with {money} from "
    "{lender}, [while|and] the [remainder|balance|rest] will come from the [annual development "
    "budget|provincial budget|district's own revenue]."),
    ("[Critics|Opposition lawmakers|Some experts] [say|argue|point out] that {subject} [does "
    "little about|ignores|fails to address] {problem}, which they [call|describe as|see as] "
    "the real [reason behind|cause of|driver of] the [slowdown|problem|delays]."),
    "{person}, a {role} from {place}, [said|told this newspaper|put it simply]: “{quote}”",
    ("{person}, a {role} [in|from|based in] {place2}, said the change was [noticeable|real|"
    "already visible]. “{quote}”"),
    ("[A review committee|An independent panel|A parliamentary committee] will [report on|"
    "assess|examine] [progress|the results|the spending] after {small} months, [officials|"
    "the department|sources] said."),
    ("[Last|In] {month}, {measure} [fell|dropped|slipped] to {num} {unit}, the lowest [level|"
    "figure|reading] [recorded|seen|reported] since {year}."),
    ("The opposition in the [provincial|regional] assembly has [asked for|demanded|called for] the "
    "[full cost|detailed accounts|complete budget] of {subject} to be made public."),
    ("{agency} said it had [hired|recruited|deployed] {small2} [additional|extra|new] staff and "
    "[set up|opened|launched] a [complaints desk|helpline|grievance cell] for {groups}."),
    ("[Independent analysts|Private economists|Researchers] [estimate|believe|reckon] that "
    "{measure} could [double|rise sharply|grow by half] by {year2} if the plan [holds|is "
    "carried through|survives the next budget]."),
    ("In {place2}, where a similar [scheme|project|plan] [began|was launched|started] {small} "
    "years ago, [results have been mixed|the outcome was modest|it is still unfinished]."),
    ("A [spokesperson|spokesman|spokeswoman] for {agency} [declined to give|would not "
    "confirm|did not offer] a date for the [final phase|completion|handover]."),
    ("{person} told reporters that {problem} had been [discussed|raised|taken up] at a "
    "meeting [chaired by the chief secretary|of senior officials|at the civil secretariat] "
    "on {weekday}."),
    ("[Residents|People|Shoppers] [interviewed|approached|who spoke to this newspaper] on "
    "{weekday} were [divided|split|of two minds], with some [welcoming|praising] {subject} "
    "and others saying they had heard such promises before."),
    ("The budget for the current year [sets aside|allocates|earmarks] {money} for {subject}, "
    "[up from|compared with|against] {money2} last year."),
    ("Data [shared with|presented to|tabled in] the assembly showed {num} {unit} were "
    "[recorded|counted|logged] in {month} alone."),
    ("Officials [admitted|conceded|acknowledged] that {problem} [remained|was still] the "
    "[main|biggest|central] obstacle and said a [special team|task force|working group] had "
    "been formed to deal with it."),
    ("{agency} also [plans|intends|has promised] to publish [monthly|weekly|quarterly] "
    "[updates|figures|reports] on {measure} [on its website|for the public]."),
    ("{groups_cap} from {place2} have [asked|lobbied|applied] to be included in the [next|"
    "second|following] phase."),
    ("An earlier [attempt|effort|plan] to [address|fix|deal with] {problem} was [abandoned|"
    "shelved|quietly dropped] in {year} after [funds ran out|the contractor withdrew|a change "
    "of government]."),
    ("{person}, an economist at a university in {place}, said the figures should be read with "
    "[care|caution] because the base year was [unusually weak|distorted by floods|not "
    "typical]."),
    ("The [provincial minister|chief minister|divisional commissioner] is expected to [visit|"
    "tour|inspect] {place} [next week|later this month|on {weekday}] to [review|inspect|"
    "assess] {subject}."),
    ("[Consultants|Engineers|Planners] [hired for|working on|attached to] the project "
    "recommended that {small} pilot sites be [chosen|selected|tested] first."),
    ("Local traders said [footfall|sales|business] had [risen|gone up|improved] by {pct} "
    "percent since the first phase [opened|began|was completed]."),
    ("[Police said|Officials confirmed|It was reported] that {small2} {groups} had [gathered|"
    "assembled|staged a sit-in] outside the office of {agency} on {weekday}."),
    ("[On paper|In principle|Officially], {subject} [covers|includes|extends to] {small} "
    "districts, [but|although|though] only {place} has seen [visible|real|any] work so far."),
    ("{person} [said|added|noted] that {groups} would be [consulted|heard|given a say] before "
    "any [further|new|major] decision."),
    ("[The figure|That number|The total] [compares with|is well above|is close to] {num} "
    "{unit} [recorded|reported] in {year}, [records show|statistics show|officials said]."),
)
CLOSERS = (
    "The next progress report is [due|expected] in {month}.",
    "{agency} said [further|more] details would be [shared|released] after the cabinet meeting.",
    "Officials said they would hold public hearings in {place} before the second phase.",
    ("{person} said the department would publish the full figures by the end of the [month|"
    "quarter]."),
)
_ALTERNATION = re.compile(r"\[([^\[\]]*)\]")
CHINA = frozenset({"Nanjing", "Suzhou", "Wuxi", "Changzhou", "Nantong", "Yangzhou", "Kunshan"})
PLACES = ("Lahore", "Faisalabad", "Multan", "Gujranwala", "Sialkot", "Bahawalpur", "Karachi",
          "Hyderabad", "Sukkur", "Larkana", "Thatta", "Nanjing", "Suzhou", "Wuxi", "Changzhou",
          "Nantong", "Yangzhou", "Sahiwal", "Okara", "Jhelum", "Mirpurkhas", "Badin")


def person_name(rng: random.Random) -> str:
    """A fictional full name; the pools are large enough to rarely repeat in one article."""
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _pick(rng: random.Random, seq: tuple[str, ...] | list[str]) -> str:
    return seq[int(rng.random() * len(seq))]


def _num(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


_MAKERS = {
    "agency": lambda r, t: _pick(r, t.agencies), "subject": lambda r, t: _pick(r, t.subjects),
    "groups": lambda r, t: _pick(r, t.groups), "problem": lambda r, t: _pick(r, t.problems),
    "role": lambda r, t: _pick(r, t.roles), "quote": lambda r, t: _pick(r, t.quotes),
    "person": lambda r, t: f"{_pick(r, FIRST)} {_pick(r, LAST)}",
    "place2": lambda r, t: _pick(r, PLACES), "weekday": lambda r, t: _pick(r, WEEKDAYS),
    "month": lambda r, t: _pick(r, MONTHS), "pct": lambda r, t: f"{_num(r, 3, 48)}.{_num(r, 0, 9)}",
    "num": lambda r, t: f"{_num(r, 2, 950) * (1, 100, 1000)[_num(r, 0, 2)]:,}",
    "small": lambda r, t: str(_num(r, 2, 9)), "small2": lambda r, t: str(_num(r, 12, 400)),
    "year": lambda r, t: str(_num(r, 2009, 2022)), "year2": lambda r, t: str(_num(r, 2027, 2032)),
    "money": lambda r, t: f"{_num(r, 2, 90)}.{_num(r, 1, 9)} billion",
    "money2": lambda r, t: f"{_num(r, 1, 40)}.{_num(r, 1, 9)} billion",
    "lender": lambda r, t: _pick(r, LENDERS),
}


class _Slots(dict):  # type: ignore[type-arg]
    """Slot values drawn on first use: a sentence pays only for the slots it has.

    ``fixed`` holds what stays the same across one article (place, subject,
    agency, problem, currency) so the story reads as one story.
    """

    def __init__(self, rng: random.Random, topic: Topic, fixed: dict[str, str]) -> None:
        super().__init__(fixed)
        self.rng, self.topic = rng, topic

    def __missing__(self, key: str) -> str:
        if key in ("measure", "unit"):  # drawn together so the unit fits the measure
            pick = int(self.rng.random() * len(self.topic.measures))
            self["measure"], self["unit"] = self.topic.measures[pick], self.topic.units[pick]
        elif key == "groups_cap":
            groups = self["groups"]
            self[key] = groups[0].upper() + groups[1:]
        elif key in ("money", "money2"):
            amount = _MAKERS[key](self.rng, self.topic)
            self[key] = f"{amount} yuan" if self["yuan"] else f"Rs{amount}"
        else:
            self[key] = _MAKERS[key](self.rng, self.topic)
        return self[key]


@cache
def _parts(frame: str) -> tuple[str | tuple[str, ...], ...]:
    """A frame split once into fixed text and option tuples."""
    pieces = _ALTERNATION.split(frame)  # odd items are the captured option groups
    return tuple(p if n % 2 == 0 else tuple(p.split("|")) for n, p in enumerate(pieces))


def _vary(rng: random.Random, frame: str) -> str:
    """Resolve every ``[a|b|c]`` group to one option: cheap lexical variety."""
    parts = _parts(frame)
    if len(parts) == 1:
        return frame
    out = [parts[0]]
    rand = rng.random
    for k in range(1, len(parts), 2):
        options = parts[k]
        out.append(options[int(rand() * len(options))])
        out.append(parts[k + 1])  # type: ignore[arg-type]
    return "".join(out)  # type: ignore[arg-type]


def _fill(rng: random.Random, frame: str, topic: Topic, fixed: dict[str, str]) -> str:
    text = _vary(rng, frame).format_map(_Slots(rng, topic, fixed))
    return text[0].upper() + text[1:]


def generate_body(seed: int | str, topic_key: str, place: str, dateline: str,
                  words: int, subject: str | None = None) -> list[str]:
    """Paragraphs of about ``words`` words; the first starts with ``dateline`` (e.g. 'KARACHI:').

    ``subject`` (e.g. 'the new riverside library') ties the body to its headline.
    """
    rng = random.Random(f"{seed}")
    topic = TOPICS[topic_key]
    fixed = {"place": place, "subject": subject or _pick(rng, topic.subjects),
             "agency": _pick(rng, topic.agencies), "problem": _pick(rng, topic.problems),
             "yuan": "yes" if place in CHINA else ""}
    frames = list(FRAMES)
    rng.shuffle(frames)
    paragraphs = [f"{dateline} {_fill(rng, rng.choice(LEADS), topic, fixed)}".strip()]
    count = len(paragraphs[0].split())
    while count < words - 12:
        if not frames:
            frames = list(FRAMES)
            rng.shuffle(frames)
        sentences = [_fill(rng, frames.pop(), topic, fixed)
                     for _ in range(rng.choice((1, 1, 2, 2, 3))) if frames]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    paragraphs.append(_fill(rng, rng.choice(CLOSERS), topic, fixed))
    return paragraphs


def pick_subject(seed: int | str, topic_key: str) -> str:
    return _pick(random.Random(f"s{seed}"), TOPICS[topic_key].subjects)


def headline(seed: int | str, topic_key: str, place: str, subject: str) -> str:
    """A generated headline for bulk (large-site) articles; numbers keep them mostly unique."""
    rng = random.Random(f"h{seed}")
    topic = TOPICS[topic_key]
    subject = subject.removeprefix("the ")
    pct = f"{_num(rng, 3, 60)}.{_num(rng, 1, 9)}pc"
    money = f"Rs{_num(rng, 2, 99)}.{_num(rng, 1, 9)}bn"
    forms = (
        f"{place}: {subject} moves ahead despite {_pick(rng, topic.problems)}",
        f"{_pick(rng, topic.groups).capitalize()} in {place} weigh the {money} cost of {subject}",
        f"{_pick(rng, topic.measures).capitalize()} up {pct} in {place}, officials say",
        f"Questions over {subject} as {place} waits for {money}",
        f"{place} sets {_pick(rng, MONTHS)} {_num(rng, 1, 28)} deadline for {subject}",
        f"{_pick(rng, FIRST)} {_pick(rng, LAST)} to lead {place} review of {subject}",
        f"{place} {_pick(rng, topic.groups)} say {subject} is {_num(rng, 2, 30)} months late",
    )
    return _pick(rng, forms)
