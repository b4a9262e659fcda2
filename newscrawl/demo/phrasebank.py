"""The words the demo's prose is made of: names, places, topics and sentence frames.

Data only (see ``textgen`` for how it is used). Frames take ``{slots}`` filled
per sentence and ``[a|b|c]`` groups resolved at random, so one frame yields
many distinct sentences; every text here was written for this project.
"""

from __future__ import annotations

from dataclasses import dataclass

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
CHINA = frozenset({"Nanjing", "Suzhou", "Wuxi", "Changzhou", "Nantong", "Yangzhou", "Kunshan"})
PLACES = ("Lahore", "Faisalabad", "Multan", "Gujranwala", "Sialkot", "Bahawalpur", "Karachi",
          "Hyderabad", "Sukkur", "Larkana", "Thatta", "Nanjing", "Suzhou", "Wuxi", "Changzhou",
          "Nantong", "Yangzhou", "Sahiwal", "Okara", "Jhelum", "Mirpurkhas", "Badin")
