"""Words dates are written with: month names and time-zone abbreviations.

Data only, shared by every date parser (pages, sitemaps, feeds), so one
abbreviation means one offset everywhere in the crawler.
"""

from __future__ import annotations

# month names and usual abbreviations in the languages regional sites write in
_MONTH_WORDS = {
    1: "january jan januar jänner janvier enero gennaio januari janeiro januar styczeń stycznia "
    "leden ledna ocak ene gen janv sty led oca tammikuu",
    2: "february feb februar février fevrier febrero febbraio februari fevereiro lutego luty "
    "únor února şubat subat feb févr fév lut úno şub fev",
    3: "march mar märz maerz mars marzo maart março marca marzec březen března mart mär mrt bře",
    4: "april apr avril abril aprile kwietnia kwiecień duben dubna nisan avr abr kwi dub nis",
    5: "may mai mayo maggio mei maio maja maj květen května mayıs mayis mag kvě",
    6: "june jun juni juin junio giugno junho czerwca czerwiec červen června haziran giu "
    "cze čen haz",
    7: "july jul juli juillet julio luglio julho lipca lipiec červenec července temmuz "
    "juil lug lip čvc tem",
    8: "august aug août aout agosto augustus sierpnia sierpień srpen srpna ağustos agustos "
    "ago sie srp ağu",
    9: "september sep sept septembre septiembre settembre setembro września wrzesień září eylül "
    "set wrz zář eyl",
    10: "october oct oktober octobre octubre ottobre outubro października październik říjen října "
    "ekim okt ott out paź říj eki",
    11: "november nov novembre noviembre novembro listopada listopad listopadu kasım kasim lis kas",
    12: "december dec dezember décembre decembre diciembre dicembre dezembro grudnia grudzień "
    "prosinec prosince aralık aralik dez déc dic gru pro ara des",
}
# more Latin-script languages: Romanian, Hungarian, Finnish, Croatian (its "listopad" is
# October, Czech and Polish November: left out), Serbian/Bosnian, Slovak, Lithuanian,
# Estonian, Catalan, Indonesian, Scandinavian
_MONTH_WORDS_LATIN = {
    1: "ianuarie január tammikuuta tammikuu siječnja siječanj sausio jaanuar gener",
    2: "februarie február helmikuuta helmikuu veljače veljača vasario veebruar febrer februára",
    3: "martie március maaliskuuta maaliskuu ožujka ožujak kovo märts març maret marts",
    4: "aprilie április huhtikuuta huhtikuu travnja travanj balandžio aprill apríla",
    5: "május toukokuuta toukokuu svibnja svibanj gegužės maig mája",
    6: "iunie június kesäkuuta kesäkuu lipnja lipanj birželio juuni juny júna",
    7: "iulie július heinäkuuta heinäkuu srpnja srpanj liepos juuli juliol júla",
    8: "avgust avgusta augusti elokuuta elokuu kolovoza kolovoz rugpjūčio agost agustus augusta",
    9: "septembrie szeptember syyskuuta syyskuu rujna rujan rugsėjo setembre septembar septembra",
    10: "octombrie október lokakuuta lokakuu spalio oktoober octubre oktobar októbra",
    11: "noiembrie marraskuuta marraskuu studenoga studenog studeni lapkričio novembar novembra",
    12: "decembrie joulukuuta joulukuu prosinca prosinac gruodžio detsember desember desembre "
    "decembar decembra",
}
# Cyrillic (Russian and Ukrainian with their genitives, Bulgarian, Serbian), Greek, Arabic
_MONTH_WORDS_OTHER_SCRIPTS = {
    1: "января январь янв січня січень січ януари јануар јануара ιανουαρίου ιανουάριος ιαν يناير",
    2: "февраля февраль фев лютого лютий лют февруари фебруар фебруара φεβρουαρίου φεβρουάριος "
    "φεβ فبراير",
    3: "марта март мар березня березень бер μαρτίου μάρτιος مارس",
    4: "апреля апрель апр квітня квітень кві април απριλίου απρίλιος απρ أبريل إبريل",
    5: "мая май травня травень тра мај маја μαΐου μάιος مايو",
    6: "июня июнь июн червня червень чер юни јун јуна ιουνίου ιούνιος ιουν يونيو",
    7: "июля июль июл липня липень лип юли јул јула ιουλίου ιούλιος ιουλ يوليو",
    8: "августа август авг серпня серпень сер αυγούστου αύγουστος αυγ أغسطس",
    9: "сентября сентябрь сен вересня вересень вер септември септембар септембра σεπτεμβρίου "
    "σεπτέμβριος σεπ سبتمبر",
    10: "октября октябрь окт жовтня жовтень жов октомври октобар октобра οκτωβρίου οκτώβριος "
    "οκτ أكتوبر",
    11: "ноября ноябрь ноя листопада листопад лис ноември новембар новембра νοεμβρίου νοέμβριος "
    "νοε نوفمبر",
    12: "декабря декабрь дек грудня грудень гру декември децембар децембра δεκεμβρίου δεκέμβριος "
    "δεκ ديسمبر",
}
MONTH_TABLES = (_MONTH_WORDS, _MONTH_WORDS_LATIN, _MONTH_WORDS_OTHER_SCRIPTS)
MONTHS = {word: num for table in MONTH_TABLES for num, words in table.items() for word in words.split()}

# Zone abbreviations: minutes east of UTC, or an IANA zone when the name is
# generic and follows daylight saving ("ET" is -05:00 in January, -04:00 in
# July). RFC 822 names keep their RFC meaning (CST is US Central); an
# ambiguous name is read as the site's own zone when that zone uses it on
# that date (CST on a Shanghai site, IST on a Dublin one), see dates.zone_for.
TZ_ABBREVIATIONS: dict[str, int | str] = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
    "BST": 60, "CET": 60, "MET": 60, "MEZ": 60, "WAT": 60,
    "CEST": 120, "MEST": 120, "MESZ": 120, "EET": 120, "SAST": 120, "CAT": 120,
    "EEST": 180, "MSK": 180, "EAT": 180, "IRST": 210, "GST": 240, "AFT": 270,
    "PKT": 300, "IST": 330, "NPT": 345, "BDT": 360, "ICT": 420, "WIB": 420,
    "HKT": 480, "SGT": 480, "PHT": 480, "MYT": 480, "AWST": 480, "JST": 540, "KST": 540,
    "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
    "ART": -180, "BRT": -180, "ADT": -180, "AST": -240,
    "EDT": -240, "EST": -300, "CDT": -300, "CST": -360, "MDT": -360, "MST": -420,
    "PDT": -420, "PST": -480, "AKDT": -480, "AKST": -540, "HST": -600,
    "AT": "America/Halifax", "ET": "America/New_York", "CT": "America/Chicago",
    "MT": "America/Denver", "PT": "America/Los_Angeles",
}

# RFC 822 one-letter military zones: RFC 2822 section 4.3 says their meaning is
# unpredictable (822 got the signs backwards) and to read them as -0000: UTC.
MILITARY_ZONES = frozenset("ABCDEFGHIKLMNOPQRSTUVWXYZ")

# words that label a page's publication date ("Veröffentlicht am 16.08.2019",
# "Datum: 03.02.2022", "PUBLISHED: 8 Nov 2023"), read by metadata.labelled_date;
# a word for the last change ("Aktualisiert", "Updated") is deliberately absent
PUBLISHED_LABELS = (
    "published posted date publication "  # en
    "veröffentlicht erschienen datum "  # de, nl/sv/da/no "datum"
    "publié publiée publication date "  # fr
    "publicado publicada fecha data "  # es, pt, it/pl/ro "data"
    "pubblicato pubblicata "  # it
    "gepubliceerd publicerad publiserad publisert udgivet julkaistu "  # nl, sv, no, da, fi
    "opublikowano publikováno zveřejněno objavljeno publicat "  # pl, cs, hr/sl/bs, ro
    "yayınlanma yayınlandı tarih "  # tr
    "дата опубликовано опубліковано"  # ru, uk
).split()
