"""Near-duplicate detection on hand-written stories.

Positives: syndicated copies of one story (new boilerplate, trimmed last
paragraph, small copy edits).  Hard negatives: two different stories on the
same topic with the same names and places.  Precision and recall are printed.
"""

from __future__ import annotations

import random

import pytest

from newscrawl.dedup.fingerprint import content_hash, normalise_body, shingles, story_id
from newscrawl.dedup.neardup import NearDuplicateIndex

# Each topic holds two *different* stories sharing vocabulary and named entities.
STORIES: dict[str, list[str]] = {
    "quake-toll": [
        ("BEIJING (Wire) - A magnitude 6.8 earthquake struck Sichuan province early on Tuesday, "
         "killing at least 46 people and injuring more than 300, state media said."),
        ("The quake hit at 4:12 a.m. local time at a depth of 10 kilometres near the town of "
         "Luding, according to the China Earthquake Networks Center. Buildings collapsed in "
         "several villages and landslides blocked the main road into the valley."),
        ("Rescuers pulled 12 survivors from the rubble of a collapsed school dormitory by noon, "
         "the provincial emergency bureau said. Power was cut to about 50,000 households."),
        ("President Xi Jinping ordered all-out efforts to rescue those trapped and to minimise "
         "casualties, the official Xinhua news agency reported."),
        ("Sichuan sits on the edge of the Tibetan plateau and is frequently hit by strong "
         "earthquakes. A 2008 quake in the province killed nearly 90,000 people."),
    ],
    "quake-relief": [
        ("BEIJING (Wire) - Relief supplies began reaching remote villages in Sichuan province on "
         "Wednesday, a day after a magnitude 6.8 earthquake, as the government pledged 50 "
         "million yuan in emergency funds."),
        ("Trucks carrying tents, blankets and bottled water crossed a temporary bridge built by "
         "soldiers overnight near Luding, where the main road had been cut by landslides."),
        ("The Ministry of Emergency Management said 2,000 firefighters and 800 medical workers "
         "had been sent to the area, and helicopters were flying the injured to hospitals in "
         "Chengdu."),
        ("Residents who spent the night outdoors queued for hot meals at a school playground. "
         "A farmer said his family had lost their house and two pigs but were all alive."),
        ("Aftershocks of up to magnitude 4.5 continued to rattle the region, complicating the "
         "repair of water pipes and power lines, officials said."),
    ],
    "rates-decision": [
        ("KARACHI (Wire) - The State Bank of Pakistan cut its key policy rate by 150 basis points "
         "to 17.5 percent on Monday, its third reduction in a row, citing a sharp fall in "
         "inflation."),
        ("Consumer prices rose 9.6 percent in the year to May, down from a peak of 38 percent last "
         "year, and the central bank said it expected inflation to settle within its 5 to 7 "
         "percent target range by next September."),
        ("The monetary policy committee noted that the current account had stayed in surplus for "
         "four months and that foreign exchange reserves had risen to 9 billion dollars."),
        ("Analysts had expected a cut of 100 basis points. The decision came two weeks before the "
         "government presents its budget for the next fiscal year to parliament."),
        ("The bank said risks remained from global oil prices and from the budget, which must "
         "meet the conditions of an IMF loan programme."),
    ],
    "rates-markets": [
        ("KARACHI (Wire) - Pakistani stocks jumped to a record high on Tuesday and the rupee held "
         "steady after the State Bank of Pakistan delivered a larger than expected rate cut."),
        ("The benchmark KSE-100 index closed 2.3 percent higher at 78,410 points, led by banks, "
         "cement makers and fertiliser companies, with trading volumes at a six-month high."),
        ("Brokers said investors were moving money from fixed income into equities as yields on "
         "treasury bills fell by up to 120 basis points at Monday's auction."),
        ("The rupee traded at 278.2 to the dollar in the interbank market, little changed, as "
         "exporters sold dollars ahead of the month's end."),
        ("Some analysts warned the rally could fade if the budget raises taxes on capital gains, "
         "a step the IMF has urged the government to consider."),
    ],
    "match-report": [
        ("LAHORE (Wire) - Babar Azam scored an unbeaten 112 as Pakistan beat New Zealand by six "
         "wickets in the first one-day international at the Gaddafi Stadium on Friday."),
        ("Chasing 289 for victory, Pakistan lost both openers inside the first ten overs before "
         "Babar and Mohammad Rizwan added 154 for the third wicket."),
        ("Rizwan fell for 77 when he was caught at deep midwicket off spinner Ish Sodhi, but Agha "
         "Salman hit three sixes in a quickfire 41 to take the hosts home with nine balls left."),
        ("Earlier Daryl Mitchell made 98 for New Zealand, who were 210 for three before losing "
         "their last seven wickets for 78 runs. Shaheen Shah Afridi took four for 51."),
        "The second match of the five-game series will be played in Rawalpindi on Sunday.",
    ],
    "match-reaction": [
        ("LAHORE (Wire) - New Zealand captain Tom Latham said his side let Pakistan off the hook "
         "after a late batting collapse at the Gaddafi Stadium on Friday."),
        ("We were in a great position at 210 for three and should have made 330, Latham told "
         "reporters. Credit to Shaheen, he came back well at the death, but we gave away too "
         "many wickets to poor shots."),
        ("Latham praised Daryl Mitchell, who missed a century by two runs, and said fast bowler "
         "Matt Henry had a minor hamstring strain and would be assessed before the second game."),
        ("Pakistan captain Babar Azam, who made an unbeaten century, said the dew had made "
         "bowling difficult in the evening and that chasing had been the right decision."),
        "The teams travel to Rawalpindi on Saturday for Sunday's match.",
    ],
    "flood-warning": [
        ("PESHAWAR (Wire) - Authorities ordered thousands of people living along the Swat river "
         "to leave their homes on Thursday as heavy monsoon rain raised water levels to a "
         "dangerous high."),
        ("The Provincial Disaster Management Authority said the river was flowing at 180,000 "
         "cubic feet per second at Khwazakhela, close to the level reached during the 2022 "
         "floods that submerged a third of the country."),
        ("Schools in the valley were closed and tourists were told to avoid hotels built on the "
         "river bank, several of which were swept away two years ago."),
        ("The Pakistan Meteorological Department forecast more rain in the north-west until "
         "Sunday and warned of flash floods and landslides in hilly areas."),
        "Rescue 1122 said boats and divers had been stationed at eight points along the river.",
    ],
    "flood-damage": [
        ("PESHAWAR (Wire) - Flood water receded from most of the Swat valley on Saturday, leaving "
         "behind damaged roads, destroyed crops and at least 17 dead, the provincial government "
         "said."),
        ("The Provincial Disaster Management Authority said 420 houses had been fully or partly "
         "destroyed and that the road to Kalam remained closed after a bridge was washed away "
         "near Bahrain."),
        ("Farmers said standing maize and rice crops had been flattened on thousands of acres. "
         "One said the water came at night and took everything in an hour."),
        ("The chief minister announced compensation of one million rupees for the family of each "
         "person killed and promised to rebuild the bridge within three months."),
        ("The Pakistan Meteorological Department said the monsoon was expected to weaken next "
         "week."),
    ],
    "cjk-launch": [
        "新华社北京电 记者从国家航天局获悉，嫦娥六号探测器于今日在文昌航天发射场成功发射，将首次从月球背面采集样品并返回地球。",
        "此次任务计划在月球背面的南极艾特肯盆地着陆，采样约两公斤，整个任务预计持续五十三天。",
        "专家表示，月球背面的样品对于研究月球的形成和演化具有重要的科学价值，也将为今后的载人登月任务积累经验。",
        "发射现场聚集了大量游客，许多家长带着孩子前来观看火箭升空。",
    ],
    "cjk-landing": [
        "新华社北京电 记者从国家航天局获悉，嫦娥六号着陆器今日在月球背面南极艾特肯盆地预选区域成功着陆，随后开始采样工作。",
        "着陆过程持续约十五分钟，探测器利用激光三维扫描避开了大型陨石坑和岩石，选择了安全的着陆点。",
        "按照计划，机械臂将在两天内完成表面取样和钻孔取样，样品随后由上升器送入环月轨道与返回器对接。",
        "国际同行对这一成果表示祝贺，欧洲航天局的科学载荷也随探测器一同工作。",
    ],
}

INTROS = ["", "Advertisement. Subscribe to our newsletter for the latest updates.",
          "Share this story on WhatsApp Facebook Twitter", "分享到微信 微博"]
OUTROS = ["", "Copyright 2024 The Wire Agency. All rights reserved.",
          "Follow us on Twitter and Instagram for breaking news. Download our app.",
          "责任编辑：王明 版权所有"]


def _variants(paras: list[str], rng: random.Random) -> list[str]:
    """The original plus two syndicated copies, as a second site would run them."""
    original = "\n\n".join(paras)
    edited = [p.replace(" said", " says", 1) if i == 1 else p for i, p in enumerate(paras)]
    trimmed = "\n\n".join([rng.choice(INTROS), *paras[:-1], rng.choice(OUTROS)]).strip()
    reworded = "\n\n".join([*edited[:-1], paras[-1].upper(), rng.choice(OUTROS)]).strip()
    return [original, trimmed, reworded]


def _corpus() -> list[tuple[str, str, str]]:
    """(doc_id, story, text) for every copy of every story."""
    rng = random.Random(7)
    docs = []
    for story, paras in STORIES.items():
        for i, text in enumerate(_variants(paras, rng)):
            docs.append((f"{story}#{i}", story, text))
    return docs


def test_normalise_body_ignores_form() -> None:
    a = "“Hello,”  she said —\u00a0ＦＵＬＬ width!\n\nNext   para."
    b = '"hello" SHE said - full width\nnext para'
    assert normalise_body(a) == normalise_body(b) == "hello she said full width next para"
    assert content_hash(a) == content_hash(b)
    assert len(content_hash(a)) == 40
    assert content_hash("one story") != content_hash("another story")


def test_soft_hyphen_and_zwnj_do_not_split_words() -> None:
    assert normalise_body("infor\u00admation") == "information"


def test_shingles_words_and_cjk_chars() -> None:
    assert shingles("a b c d e f", 5) == {"a b c d e", "b c d e f"}
    assert shingles("a b", 5) == {"a b"}
    assert shingles("", 5) == set()
    cjk = shingles("嫦娥六号探测器")
    assert "嫦娥六号" in cjk and len(cjk) == 4  # 7 chars -> 4 char 4-grams


def test_precision_recall_on_pairs() -> None:
    """Every pair of documents: a match must mean 'same story'."""
    docs = _corpus()
    tp = fp = fn = tn = 0
    for i, (id_a, story_a, text_a) in enumerate(docs):
        index = NearDuplicateIndex()
        index.add(id_a, text_a)
        for _id_b, story_b, text_b in docs[i + 1 :]:
            predicted = index.find(text_b) == id_a
            actual = story_a == story_b
            tp += predicted and actual
            fp += predicted and not actual
            fn += actual and not predicted
            tn += not predicted and not actual
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"\nnear-dup pairs: tp={tp} fp={fp} fn={fn} tn={tn} "
          f"precision={precision:.3f} recall={recall:.3f}")
    assert fp == 0
    assert recall >= 0.98


def test_stream_first_copy_wins() -> None:
    """Streamed in random order, each later copy points at the first copy of its story."""
    docs = _corpus()
    random.Random(3).shuffle(docs)
    index = NearDuplicateIndex()
    first: dict[str, str] = {}
    errors = []
    for doc_id, story, text in docs:
        found = index.find(text)
        expected = first.get(story)
        if found is not None and not found.startswith(story + "#"):
            errors.append((doc_id, found))
        if expected is not None and found is None:
            errors.append((doc_id, None))
        first.setdefault(story, doc_id)
        index.add(doc_id, text)
    assert errors == []


def test_dumps_loads_roundtrip_without_pickle() -> None:
    docs = _corpus()
    index = NearDuplicateIndex()
    for doc_id, _story, text in docs[::3]:
        index.add(doc_id, text)
    blob = index.dumps()
    assert blob.startswith(b"{") and b"pickle" not in blob
    again = NearDuplicateIndex.loads(blob)
    assert len(again) == len(index)
    for _doc_id, _story, text in docs:
        assert again.query(text) == index.query(text)


def test_signatures_are_deterministic_across_instances() -> None:
    text = "\n\n".join(STORIES["rates-decision"])
    a = NearDuplicateIndex().signature(text)
    b = NearDuplicateIndex().signature(text)
    assert a is not None and b is not None
    assert a.to_bytes() == b.to_bytes() and a.size == b.size


def test_empty_text_is_not_indexed() -> None:
    index = NearDuplicateIndex()
    index.add("x", "  ... ")
    assert len(index) == 0 and index.find("anything at all here") is None


def test_readding_a_key_replaces_it() -> None:
    index = NearDuplicateIndex()
    index.add("k", "\n\n".join(STORIES["flood-damage"]))
    index.add("k", "\n\n".join(STORIES["match-report"]))
    assert len(index) == 1
    assert index.find("\n\n".join(STORIES["flood-damage"])) is None
    assert index.find("\n\n".join(STORIES["match-report"])) == "k"


@pytest.mark.parametrize("bad", [b"{}", b'{"format": "other"}'])
def test_loads_rejects_foreign_dumps(bad: bytes) -> None:
    with pytest.raises(ValueError):
        NearDuplicateIndex.loads(bad)


def test_story_id_is_stable_and_short() -> None:
    a = story_id("http://127.0.0.1:8001/news/a")
    assert a == story_id("http://127.0.0.1:8001/news/a") and len(a) == 16
    assert a != story_id("http://127.0.0.1:8002/news/a")
