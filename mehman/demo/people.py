"""A synthetic population of Afghan refugee households as registered in Iran.

Deterministic (one ``random.Random(seed)`` drives everything) and streaming, so
benchmarks can draw a million people without holding them in memory. Names are
Persian script as Afghans write them in Iran, weighted Zipf-like so that a few
given names (محمد, علی, فاطمه, زهرا …) cover a large share of people, as in life.
Households follow the shape of refugee families: young couples with many
children, widow-headed households, single older people, a grandparent or a
married son's wife and children living with the head.

Pure standard library on purpose: registry, intake, housing, benchmarks and
duplicate detection reuse it with or without Django.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

ZWNJ: Final = "\u200c"

# --- Names ----------------------------------------------------------------
# Tables in rank order (most frequent first). "/" separates names, "+" stands
# for a zero-width non-joiner, ":o" marks a name mostly given to people born
# before ~1995, ":y" one mostly given to children born in Iran since.

_MALE = """
محمد/علی/احمد/حسین/محمد علی/غلام رضا:o/حسن/رضا/مهدی:y/محمد حسین/عبدالله/غلام حسین:o/
محمود/جواد/محمد رضا/علی احمد:o/نور محمد:o/غلام علی:o/ابراهیم/اسماعیل/یوسف/امیر حسین:y/
ابوالفضل:y/علی رضا:y/موسی/عیسی/مصطفی/مرتضی/قاسم/سید احمد/سید علی/عبدالرحیم:o/عبدالرحمن/
عبدالکریم:o/عبدالغفور:o/عبدالحمید:o/نعمت+الله:o/حبیب+الله:o/امان+الله:o/ذبیح+الله/روح+الله/
عزیزالله:o/نصرالله:o/سیف+الله:o/رحمت+الله:o/حمیدالله/نجیب+الله/عصمت+الله:o/اسدالله:o/
خداداد:o/گل محمد:o/گل احمد:o/شیر محمد:o/شیر علی:o/دوست محمد:o/جان محمد:o/خان محمد:o/
فیض محمد:o/دین محمد:o/غلام سخی:o/غلام حیدر:o/غلام سرور:o/غلام نبی:o/غلام محمد:o/
غلام فاروق:o/محمد ابراهیم:o/محمد اسحاق:o/محمد یعقوب:o/محمد یوسف/محمد اکبر:o/محمد قاسم/
محمد کاظم/محمد جواد:y/محمد امین:y/محمد مهدی:y/محمد طاها:y/امین/حمید/سعید/بشیر/نذیر:o/منیر/
فرید/جمشید/خلیل/جلیل/عبدالشکور:o/ظاهر/طاهر/ناصر/نادر/قادر/اکبر/اصغر/جعفر/کاظم/باقر/صادق/
هادی:y/سجاد:y/عباس/یعقوب/اسحاق/داوود/سلیمان/ایوب/یونس/ادریس/الیاس/زکریا/شریف/لطیف/رحیم/
کریم/فرهاد/شاه محمد:o/میر احمد:o/سرور/ضیاءالدین/نظام+الدین:o/علاءالدین:o/فضل احمد:o/عارف/
آصف/وحید/مجید/امید:y/یاسین:y/طاها:y/شفیق/رفیع/عبدالقادر:o/عبدالواحد:o/صالح/حامد:y/مسلم/
نبی/عرفان:y/محسن:y/میلاد:y
"""

_FEMALE = """
فاطمه/زهرا/معصومه/مریم/زینب/سکینه:o/خدیجه/رقیه/لیلا/نرگس/کبری:o/صغری:o/طاهره/کلثوم:o/
ام+البنین/حلیمه:o/عایشه/آمنه/صدیقه/شکریه:o/بی+بی گل:o/ملالی:o/نازیه/فریبا/فرزانه/شبنم/
شیرین/حمیده/رحیمه:o/کریمه/نجیبه:o/حبیبه:o/لطیفه:o/شریفه:o/ناهید/نسرین/پروین:o/ثریا:o/
زرمینه:o/زرغونه:o/گلالی:o/گل+پری:o/نسیمه/وحیده/فهیمه/سمیه/سمیرا/ملیحه/مرضیه/مینا/هاجر/
حوا:o/ساره/سارا:y/راضیه/عزیزه:o/نفیسه/فریده/شمیلا/شکیلا/مژگان/محبوبه/زکیه:o/رابعه/ربابه:o/
شهناز/گلناز/نازنین:y/نیلوفر/یلدا:y/یاسمین:y/هستی:y/ستایش:y/فاطمه زهرا:y/محدثه:y/کوثر:y/
ریحانه:y/الهام/الهه:y/اعظم:o/اشرف:o/بتول:o/طیبه/عفت:o/گوهر:o/مهتاب/زلیخا:o/زرینه/نوریه:o/
صالحه/فرشته/پری:o/پریسا:y/پروانه/عاطفه:y/حکیمه:o/جمیله/نادیه/مهسا:y/زهره/عالیه/شکوفه/
صبا:y/بهار:y/حدیثه:y
"""

_FAMILY = """
حسینی/محمدی/رضایی/احمدی/جعفری/نوری/رحیمی/سادات/کریمی/صدیقی/امیری/قاسمی/یوسفی/حیدری/
عزیزی/رحمانی/هاشمی/موسوی/سلطانی/نظری/اکبری/شریفی/صادقی/ابراهیمی/یعقوبی/مرادی/فرهادی/
عطایی/رستمی/صالحی/نادری/غفوری/خاوری/جاغوری/مالستانی/بهسودی/غزنوی/هراتی/کابلی/بلخی/
بامیانی/شهرستانی/ارزگانی/احمدزی/یوسفزی/پوپلزی/محمدزی/ستانکزی/وردک/نیازی/اچکزی/شینواری/
صافی/مومند/نورزی/علیزی/حبیبی/نوابی/پنجشیری/بدخشی/اندرابی/سروری/فیضی/عظیمی/نعیمی/ظاهری/
ناصری/وحیدی/جلالی/مجددی/صمدی/شاکری/قربانی/چنگیزی/محقق/دانش/اخلاقی/عرفانی/رسولی/کاظمی/
باقری/علوی/فاضلی/توحیدی/اسدی/رحمتی/نیکزاد/سلیمانی/یاوری/جاوید/حکیمی/امینی/سروش/طالبی
"""

# Latin spellings as on UNHCR and passport records, most common first. Keys are
# the space-separated words of the names above; compound names are spelt word
# by word ("محمد علی" → "Mohammad Ali").
_LATIN = """
محمد=Mohammad,Mohammed,Muhammad,Mohamad|علی=Ali|احمد=Ahmad,Ahmed|حسین=Hussain,Hossein,Husain,Hussein
غلام=Ghulam,Gholam|رضا=Reza,Raza|حسن=Hassan,Hasan|مهدی=Mahdi,Mehdi|عبدالله=Abdullah,Abdollah,Abdulla
محمود=Mahmood,Mahmoud,Mahmud|جواد=Jawad,Javad|نور=Noor,Nur|ابراهیم=Ebrahim,Ibrahim
اسماعیل=Esmail,Ismail|یوسف=Yousuf,Yousef,Yusuf|امیر=Amir|ابوالفضل=Abolfazl,Abulfazl
موسی=Musa,Mousa|عیسی=Isa,Eisa|مصطفی=Mustafa,Mostafa|مرتضی=Murtaza,Morteza|قاسم=Qasim,Ghasem,Qasem
سید=Sayed,Seyed,Syed|عبدالرحیم=Abdul Rahim,Abdulrahim,Abdorrahim
عبدالرحمن=Abdul Rahman,Abdulrahman,Abdorrahman|عبدالکریم=Abdul Karim,Abdulkarim
عبدالغفور=Abdul Ghafoor,Abdulghafur|عبدالحمید=Abdul Hamid,Abdolhamid
نعمت+الله=Nematullah,Nematollah,Nimatullah|حبیب+الله=Habibullah,Habibollah
امان+الله=Amanullah,Amanollah|ذبیح+الله=Zabihullah,Zabihollah|روح+الله=Rohullah,Ruhollah,Rouhollah
عزیزالله=Azizullah,Azizollah|نصرالله=Nasrullah,Nasrollah|سیف+الله=Saifullah,Seyfollah
رحمت+الله=Rahmatullah,Rahmatollah|حمیدالله=Hamidullah|نجیب+الله=Najibullah
عصمت+الله=Esmatullah,Ismatullah|اسدالله=Asadullah,Asadollah|خداداد=Khodadad,Khudadad|گل=Gul,Gol
شیر=Sher,Shir|دوست=Dost,Dust|جان=Jan|خان=Khan|فیض=Faiz,Feyz|دین=Din,Deen|سخی=Sakhi
حیدر=Haidar,Heydar|سرور=Sarwar,Sarvar|نبی=Nabi|فاروق=Farooq,Faruq|اسحاق=Ishaq,Eshagh
یعقوب=Yaqub,Yaghoub,Yakub|اکبر=Akbar|کاظم=Kazim,Kazem|امین=Amin|طاها=Taha|حمید=Hamid
سعید=Saeed,Said|بشیر=Bashir|نذیر=Nazir|منیر=Munir,Monir|فرید=Farid|جمشید=Jamshid|خلیل=Khalil
جلیل=Jalil|عبدالشکور=Abdul Shakoor,Abdulshakur|ظاهر=Zahir,Zaher|طاهر=Tahir,Taher|ناصر=Nasir,Naser
نادر=Nadir,Nader|قادر=Qadir,Ghader|اصغر=Asghar|جعفر=Jafar,Jaafar|باقر=Baqir,Bagher|صادق=Sadiq,Sadegh
هادی=Hadi|سجاد=Sajjad,Sajad|عباس=Abbas|داوود=Dawood,Davood,Dawud|سلیمان=Sulaiman,Soleiman
ایوب=Ayub,Ayoub|یونس=Younus,Yunus,Younes|ادریس=Idrees,Edris|الیاس=Ilyas,Elyas
زکریا=Zakaria,Zakariya|شریف=Sharif|لطیف=Latif|رحیم=Rahim|کریم=Karim|فرهاد=Farhad|شاه=Shah|میر=Mir
ضیاءالدین=Ziauddin,Ziaoddin|نظام+الدین=Nizamuddin,Nezamoddin|علاءالدین=Alauddin,Alaeddin
فضل=Fazal,Fazl|عارف=Arif,Aref|آصف=Asif,Asef|وحید=Wahid,Vahid|مجید=Majid|امید=Omid
یاسین=Yasin,Yaseen|شفیق=Shafiq|رفیع=Rafi|عبدالقادر=Abdul Qadir,Abdulqader
عبدالواحد=Abdul Wahid,Abdolvahed|صالح=Saleh,Salih|حامد=Hamed|مسلم=Muslim,Moslem|عرفان=Erfan,Irfan
محسن=Mohsen,Muhsin|میلاد=Milad
فاطمه=Fatima,Fatemeh,Fatema|زهرا=Zahra|معصومه=Masooma,Masoumeh,Masuma|مریم=Maryam,Mariam
زینب=Zainab,Zeinab|سکینه=Sakina,Sakineh|خدیجه=Khadija,Khadijeh|رقیه=Ruqia,Roghayeh,Roqia
لیلا=Laila,Leila,Lila|نرگس=Nargis,Narges|کبری=Kubra,Kobra|صغری=Sughra,Soghra|طاهره=Tahira,Tahereh
کلثوم=Kulsoom,Kolsoum,Kulsum|ام+البنین=Ommolbanin,Umulbanin|حلیمه=Halima,Halimeh|عایشه=Aisha,Ayesha
آمنه=Amina,Ameneh|صدیقه=Sadiqa,Sedigheh|شکریه=Shukria,Shokriyeh|بی+بی=Bibi|ملالی=Malalai
نازیه=Nazia|فریبا=Fariba|فرزانه=Farzana,Farzaneh|شبنم=Shabnam|شیرین=Shirin,Sheerin
حمیده=Hamida,Hamideh|رحیمه=Rahima|کریمه=Karima|نجیبه=Najiba|حبیبه=Habiba|لطیفه=Latifa
شریفه=Sharifa|ناهید=Nahid|نسرین=Nasrin|پروین=Parwin,Parvin|ثریا=Soraya,Suraya|زرمینه=Zarmina
زرغونه=Zarghona,Zarghuna|گلالی=Gulalai|گل+پری=Gulpari,Golpari|نسیمه=Nasima|وحیده=Wahida,Vahideh
فهیمه=Fahima,Fahimeh|سمیه=Somaya,Somayeh,Sumaya|سمیرا=Samira|ملیحه=Maliha,Malihe
مرضیه=Marzia,Marziyeh|مینا=Mina|هاجر=Hajar|حوا=Hawa,Hava|ساره=Sara,Sareh|سارا=Sara
راضیه=Razia,Raziyeh|عزیزه=Aziza|نفیسه=Nafisa,Nafiseh|فریده=Farida|شمیلا=Shamila|شکیلا=Shakila
مژگان=Mozhgan,Muzhgan|محبوبه=Mahbooba,Mahboubeh|زکیه=Zakia|رابعه=Rabia|ربابه=Rubaba,Robabeh
شهناز=Shahnaz|گلناز=Gulnaz,Golnaz|نازنین=Nazanin|نیلوفر=Nilofar,Niloufar|یلدا=Yalda|یاسمین=Yasmin
هستی=Hasti|ستایش=Setayesh|محدثه=Mohadese,Muhaddisa|کوثر=Kawsar,Kowsar|ریحانه=Raihana,Reyhaneh
الهام=Elham,Ilham|الهه=Elaheh|اعظم=Azam|اشرف=Ashraf|بتول=Batool,Batul|طیبه=Tayyeba,Tayebeh
عفت=Iffat,Efat|گوهر=Gawhar,Gohar|مهتاب=Mahtab|زلیخا=Zulaikha,Zoleikha|زرینه=Zarina|نوریه=Nooria,Nuria
صالحه=Saliha|فرشته=Fereshta,Fereshteh|پری=Pari|پریسا=Parisa|پروانه=Parwana,Parvaneh|عاطفه=Atefeh
حکیمه=Hakima|جمیله=Jamila|نادیه=Nadia|مهسا=Mahsa|زهره=Zohra,Zohreh|عالیه=Alia,Aliyeh
شکوفه=Shukufa,Shokoofeh|صبا=Saba|بهار=Bahar|حدیثه=Hadisa,Hadiseh
حسینی=Hussaini,Hosseini,Husaini|محمدی=Mohammadi,Muhammadi|رضایی=Rezaei,Rezaie,Razai|احمدی=Ahmadi
جعفری=Jafari,Jafary|نوری=Noori,Nouri,Nuri|رحیمی=Rahimi|سادات=Sadat|کریمی=Karimi|صدیقی=Siddiqi,Sediqi
امیری=Amiri|قاسمی=Qasimi,Ghasemi|یوسفی=Yousufi,Yousefi|حیدری=Haidari,Heydari|عزیزی=Azizi
رحمانی=Rahmani|هاشمی=Hashimi,Hashemi|موسوی=Musawi,Mousavi|سلطانی=Sultani,Soltani|نظری=Nazari
اکبری=Akbari|شریفی=Sharifi|صادقی=Sadiqi,Sadeghi|ابراهیمی=Ebrahimi,Ibrahimi|یعقوبی=Yaqubi,Yaghoubi
مرادی=Muradi,Moradi|فرهادی=Farhadi|عطایی=Ataie,Atayee|رستمی=Rustami,Rostami|صالحی=Salehi
نادری=Naderi,Nadiri|غفوری=Ghafoori,Ghafouri|خاوری=Khawari,Khavari|جاغوری=Jaghori
مالستانی=Malistani|بهسودی=Behsudi|غزنوی=Ghaznawi,Ghaznavi|هراتی=Herati|کابلی=Kabuli|بلخی=Balkhi
بامیانی=Bamyani|شهرستانی=Shahristani|ارزگانی=Urozgani,Orozgani|احمدزی=Ahmadzai|یوسفزی=Yousufzai
پوپلزی=Popalzai|محمدزی=Mohammadzai|ستانکزی=Stanikzai|وردک=Wardak|نیازی=Niazi|اچکزی=Achakzai
شینواری=Shinwari|صافی=Safi|مومند=Mohmand|نورزی=Noorzai|علیزی=Alizai|حبیبی=Habibi|نوابی=Nawabi
پنجشیری=Panjshiri|بدخشی=Badakhshi|اندرابی=Andarabi|سروری=Sarwari|فیضی=Faizi|عظیمی=Azimi
نعیمی=Naimi|ظاهری=Zahiri|ناصری=Nasiri,Naseri|وحیدی=Wahidi,Vahidi|جلالی=Jalali|مجددی=Mujaddidi
صمدی=Samadi|شاکری=Shakeri|قربانی=Qurbani,Ghorbani|چنگیزی=Changezi|محقق=Mohaqiq|دانش=Danish
اخلاقی=Akhlaqi|عرفانی=Erfani|رسولی=Rasuli,Rasouli|کاظمی=Kazimi,Kazemi|باقری=Baqiri,Bagheri
علوی=Alawi,Alavi|فاضلی=Fazili,Fazeli|توحیدی=Tawhidi,Tohidi|اسدی=Asadi|رحمتی=Rahmati|نیکزاد=Nikzad
سلیمانی=Sulaimani,Soleimani|یاوری=Yawari|جاوید=Jawid,Javid|حکیمی=Hakimi|امینی=Amini
سروش=Sorosh,Soroush|طالبی=Talebi
"""


def _parse_names(text: str) -> tuple[tuple[str, str], ...]:
    items = (item.strip() for item in text.replace("\n", "").split("/"))
    parsed = (item.partition(":") for item in items if item)
    return tuple((name.replace("+", ZWNJ), era) for name, _, era in parsed)


def _parse_latin(text: str) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for item in text.replace("\n", "|").split("|"):
        if item.strip():
            word, _, spellings = item.strip().partition("=")
            table[word.replace("+", ZWNJ)] = tuple(spellings.split(","))
    return table


_MALE_TABLE: Final = _parse_names(_MALE)
_FEMALE_TABLE: Final = _parse_names(_FEMALE)
_FAMILY_TABLE: Final = _parse_names(_FAMILY)

MALE_GIVEN_NAMES: Final = tuple(name for name, _ in _MALE_TABLE)
FEMALE_GIVEN_NAMES: Final = tuple(name for name, _ in _FEMALE_TABLE)
FAMILY_NAMES: Final = tuple(name for name, _ in _FAMILY_TABLE)
LATIN_WORDS: Final = _parse_latin(_LATIN)

# Zipf exponents: weight ∝ 1 / rank**s. Family names are drawn from a short
# list, so a gentler slope keeps one surname from covering a fifth of people.
GIVEN_NAME_ZIPF: Final = 1.0
FAMILY_NAME_ZIPF: Final = 0.8
# Weight multipliers by generation for names marked old (":o") or young (":y").
_ERA_FACTOR: Final = {
    "old": {"o": 2.5, "y": 0.15, "": 1.0},
    "young": {"o": 0.3, "y": 3.0, "": 1.0},
}
_YOUNG_FROM_YEAR: Final = 1995


@dataclass(frozen=True, slots=True)
class _Weighted:
    names: tuple[str, ...]
    cum: tuple[float, ...]

    @classmethod
    def zipf(cls, names: Sequence[str], s: float, factors: Sequence[float] = ()) -> _Weighted:
        factors = factors or [1.0] * len(names)
        weights = [f / (rank**s) for rank, f in enumerate(factors, start=1)]
        return cls(tuple(names), tuple(itertools.accumulate(weights)))

    def shares(self) -> dict[str, float]:
        """Each name's probability of being drawn."""
        total, previous, out = self.cum[-1], 0.0, {}
        for name, c in zip(self.names, self.cum, strict=True):
            out[name] = (c - previous) / total
            previous = c
        return out


def _given_table(table: tuple[tuple[str, str], ...], era: str) -> _Weighted:
    factor = _ERA_FACTOR[era]
    return _Weighted.zipf([n for n, _ in table], GIVEN_NAME_ZIPF, [factor[e] for _, e in table])


_GIVEN: Final = {
    ("M", "old"): _given_table(_MALE_TABLE, "old"),
    ("M", "young"): _given_table(_MALE_TABLE, "young"),
    ("F", "old"): _given_table(_FEMALE_TABLE, "old"),
    ("F", "young"): _given_table(_FEMALE_TABLE, "young"),
}
_FAMILY_WEIGHTED: Final = _Weighted.zipf(FAMILY_NAMES, FAMILY_NAME_ZIPF)


def name_shares(sex: str, *, born: int = 1980) -> dict[str, float]:
    """Probability of each given name for a person of ``sex`` born in year ``born``."""
    return _GIVEN[(sex, "young" if born >= _YOUNG_FROM_YEAR else "old")].shares()


def family_name_shares() -> dict[str, float]:
    """Probability of each family name among people who have one."""
    return _FAMILY_WEIGHTED.shares()


# --- Latin transliteration -------------------------------------------------

_SPELLING_WEIGHTS: Final = (0.6, 0.25, 0.1, 0.05)


def latin_spellings(name: str) -> tuple[str, ...]:
    """Every Latin spelling of a canonical name, most common first; () when unknown."""
    words = name.split(" ")
    options = [LATIN_WORDS.get(word) for word in words]
    if not all(options):
        return ()
    combos = itertools.product(*(o for o in options if o))
    return tuple(dict.fromkeys(" ".join(parts) for parts in combos))


def _latin_picker(name: str) -> tuple[tuple[str, ...], tuple[float, ...]] | None:
    words = name.split(" ")
    options = [LATIN_WORDS.get(word) for word in words]
    if not all(options):
        return None
    # Each word is spelt independently, the usual spelling most often.
    combos: list[tuple[str, float]] = [("", 1.0)]
    for spellings in options:
        assert spellings
        weights = _SPELLING_WEIGHTS[: len(spellings)]
        total = sum(weights)
        combos = [
            ((f"{text} {s}" if text else s), p * w / total)
            for text, p in combos
            for s, w in zip(spellings, weights, strict=False)
        ]
    return tuple(t for t, _ in combos), tuple(itertools.accumulate(p for _, p in combos))


_LATIN_PICKERS: Final = {
    name: picker
    for name in (*MALE_GIVEN_NAMES, *FEMALE_GIVEN_NAMES, *FAMILY_NAMES)
    if (picker := _latin_picker(name)) is not None
}


# --- Spelling variants ------------------------------------------------------

ARABIC_YEH: Final = "ي"
ARABIC_ALEF_MAKSURA: Final = "ى"
ARABIC_KAF: Final = "ك"
PERSIAN_YEH: Final = "ی"
KEHEH: Final = "ک"
SHADDA: Final = "\u0651"

# Spellings that differ by more than a character class, seen in real records.
_KNOWN_VARIANTS: Final = {
    "موسی": ("موسا",),
    "عیسی": ("عیسا",),
    "مصطفی": ("مصطفا",),
    "مرتضی": ("مرتضا",),
    "کبری": ("کبرا",),
    "صغری": ("صغرا",),
    "لیلا": ("لیلی",),
    "عایشه": ("عائشه",),
    "داوود": ("داود",),
    "طاها": ("طه",),
    "اسماعیل": ("اسمعیل",),
    "اسحاق": ("اسحق",),
    "کلثوم": ("گلثوم",),
    "زکریا": ("ذکریا",),
    "ثریا": ("ثریّا",),
    "ضیاءالدین": ("ضیاالدین", "ضیاء الدین"),
    "علاءالدین": ("علاالدین", "علاء الدین"),
    "رضایی": ("رضائی",),
    "عطایی": ("عطائی",),
    "نیکزاد": ("نیک‌زاد", "نیک زاد"),
}
_JOINED_PREFIXES: Final = ("عبد", "ابو")
_JOINED_SUFFIXES: Final = ("الله", "الدین")


def spelling_variants(name: str) -> list[str]:
    """Plausible other spellings of ``name`` as clerks and keyboards produce them.

    Arabic yeh/kaf, separators in compound names (space, ZWNJ, none), joined
    prefixes and suffixes split apart, "اله" for "الله", a dropped madda, a
    shadda, a final teh marbuta, and known orthographic doublets. Every variant
    normalises back to the same key except the orthographic doublets.
    """
    out: list[str] = []
    if PERSIAN_YEH in name:
        out.append(name.replace(PERSIAN_YEH, ARABIC_YEH))
        if name.endswith(PERSIAN_YEH):
            out.append(name[:-1] + ARABIC_ALEF_MAKSURA)
    if KEHEH in name:
        out.append(name.replace(KEHEH, ARABIC_KAF))
    for sep, others in ((" ", (ZWNJ, "")), (ZWNJ, (" ", ""))):
        if sep in name:
            out.extend(name.replace(sep, other) for other in others)
    if " " not in name and ZWNJ not in name:
        for prefix in _JOINED_PREFIXES:
            if name.startswith(prefix) and len(name) > len(prefix) + 2:
                out.append(f"{prefix} {name[len(prefix) :]}")
        for suffix in _JOINED_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                stem = name[: -len(suffix)]
                out.extend((f"{stem} {suffix}", f"{stem}{ZWNJ}{suffix}"))
    if name.endswith("الله") and not name.startswith("الله"):
        out.append(name[:-4] + "اله")
    if name.startswith("آ"):
        out.append("ا" + name[1:])
    if "محمد" in name:
        out.append(name.replace("محمد", "محمّد", 1))
    if name.endswith("ه") and not name.endswith("الله"):
        out.append(name[:-1] + "ة")
    out.extend(_KNOWN_VARIANTS.get(name, ()))
    return [v for v in dict.fromkeys(out) if v != name]


def spelling_variant(name: str, rng: random.Random) -> str:
    """One plausible other spelling of ``name`` (``name`` itself when it has none)."""
    variants = spelling_variants(name)
    return rng.choice(variants) if variants else name


# --- Calendar ---------------------------------------------------------------


def _jalali_to_ordinal(jy: int, jm: int, jd: int) -> int:
    """Gregorian ordinal of a Jalali date (the 33-year arithmetic jdatetime uses)."""
    y = jy - 979
    days = 365 * y + (y // 33) * 8 + (y % 33 + 3) // 4
    days += 31 * min(jm - 1, 6) + 30 * max(jm - 7, 0) + jd - 1
    return date(1600, 1, 1).toordinal() + days + 79


_NOWRUZ: Final = {jy + 621: _jalali_to_ordinal(jy, 1, 1) for jy in range(1250, 1500)}
# 1 Mehr opens the second half of the Jalali year (six months of 31 days before it).
_MEHR_1: Final = {jy: _jalali_to_ordinal(jy, 7, 1) for jy in range(1250, 1500)}


def jalali_year(day: date) -> int:
    """The Jalali (Solar Hijri) year containing ``day``."""
    return day.year - 621 if day.toordinal() >= _NOWRUZ[day.year] else day.year - 622


def jalali_midyear(jy: int) -> date:
    """1 Mehr of Jalali year ``jy``: the date recorded when only that year is known."""
    return date.fromordinal(_MEHR_1[jy])


# --- People and households ----------------------------------------------------

RELATIONSHIPS: Final = (
    "head",
    "spouse",
    "son",
    "daughter",
    "father",
    "mother",
    "brother",
    "sister",
    "grandchild",
    "other_relative",
)
MARITAL_STATUSES: Final = ("single", "married", "widowed", "divorced")
MAX_HOUSEHOLD_SIZE: Final = 14
MAX_SERIAL: Final = 9_999_999  # identifiers stay unique up to here


@dataclass(slots=True)
class Person:
    given_name: str
    family_name: str  # "" when the person has none (about a third)
    father_name: str
    grandfather_name: str
    sex: str  # "F" or "M"
    birth_date: date
    birth_date_estimated: bool  # only the year was known
    relationship: str  # to the head of household, one of RELATIONSHIPS
    marital_status: str  # one of MARITAL_STATUSES
    latin_given: str = ""
    latin_family: str = ""
    phone: str = ""
    amayesh_number: str = ""
    fida_code: str = ""

    def age_on(self, day: date) -> int:
        """Age in completed years on ``day``."""
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


@dataclass(slots=True)
class Household:
    reference: str  # settlement code + serial of at least 6 digits, e.g. "TJ-004512"
    settlement_code: str
    members: list[Person]  # the head first

    @property
    def head(self) -> Person:
        return self.members[0]


# --- Identifiers ---------------------------------------------------------------


class _Scrambler:
    """A seeded bijection of range(modulus): unique numbers that look random."""

    def __init__(self, modulus: int, rng: random.Random) -> None:
        self.m = modulus
        self.a1, self.a2 = (self._unit(rng) for _ in range(2))
        self.b1, self.b2 = rng.randrange(modulus), rng.randrange(modulus)
        low = modulus & -modulus  # xor inside the power-of-two blocks stays a bijection
        self.mask = rng.randrange(low)

    def _unit(self, rng: random.Random) -> int:
        while True:
            a = rng.randrange(self.m // 3, self.m)
            if math.gcd(a, self.m) == 1:
                return a

    def __call__(self, x: int) -> int:
        x = (self.a1 * x + self.b1) % self.m
        return (self.a2 * (x ^ self.mask) + self.b2) % self.m


# Iranian mobile prefixes (MCI 091x/099x, Irancell 090x/093x/0941, RighTel 092x, Shatel 0998).
_PHONE_PREFIXES: Final = (
    *(f"091{d}" for d in range(10)),
    *(f"099{d}" for d in range(5)),
    *(f"090{d}" for d in range(1, 6)),
    "0930",
    "0933",
    "0935",
    "0936",
    "0937",
    "0938",
    "0939",
    "0941",
    "0920",
    "0921",
    "0922",
    "0998",
)
_PERSON_SLOTS: Final = 16  # person key = serial * 16 + index in household


# --- Generation -------------------------------------------------------------------

_DAYS_PER_YEAR: Final = 365.2425
_HOUSEHOLD_TYPES: Final = (
    ("nuclear", 0.79),
    ("female_head", 0.108),
    ("couple", 0.035),
    ("single_elder", 0.042),
    ("single_young", 0.025),
)
# (low, high, weight) brackets of a married woman's age in a male-headed household.
_WIFE_AGES: Final = (
    (17, 20, 3),
    (20, 25, 11),
    (25, 30, 15),
    (30, 35, 16),
    (35, 40, 15),
    (40, 45, 13),
    (45, 50, 10),
    (50, 55, 7),
    (55, 60, 5),
    (60, 66, 3),
)
_WIDOW_AGES: Final = ((22, 30, 4), (30, 40, 10), (40, 50, 10), (50, 60, 6), (60, 72, 3))
# Probability that a daughter / son of a given age has married (and, for a
# daughter, left for her husband's household).
_DAUGHTER_MARRIED: Final = (
    (15, 0.0),
    (16, 0.05),
    (17, 0.1),
    (18, 0.2),
    (20, 0.4),
    (22, 0.55),
    (25, 0.72),
    (30, 0.85),
)
_SON_MARRIED: Final = ((18, 0.0), (19, 0.08), (21, 0.25), (24, 0.5), (27, 0.72), (30, 0.87))


def _step(table: Sequence[tuple[int, float]], age: float) -> float:
    p = 0.0
    for threshold, value in table:
        if age >= threshold:
            p = value
    return p


class _Generator:
    def __init__(self, seed: int, settlement_code: str, reference_date: date) -> None:
        self.rng = rng = random.Random(seed)
        self.random = rng.random
        self.settlement_code = settlement_code
        self.ref_ord = reference_date.toordinal()
        self.ref_year = reference_date.year + (reference_date.timetuple().tm_yday - 1) / 365.25
        self.young_cut = (self.ref_ord - date(_YOUNG_FROM_YEAR, 1, 1).toordinal()) / _DAYS_PER_YEAR
        self.amayesh = _Scrambler(9 * 10**8, rng)  # 9 digits, no leading zero
        self.fida = _Scrambler(9 * 10**11, rng)  # 12 digits, no leading zero
        self.phone = _Scrambler(len(_PHONE_PREFIXES) * 10**7, rng)
        self.type_cum = tuple(itertools.accumulate(w for _, w in _HOUSEHOLD_TYPES))
        self.type_names = tuple(t for t, _ in _HOUSEHOLD_TYPES)
        self.wife_cum = tuple(itertools.accumulate(w for _, _, w in _WIFE_AGES))
        self.widow_cum = tuple(itertools.accumulate(w for _, _, w in _WIDOW_AGES))

    # -- small draws

    def pick(self, table: _Weighted) -> str:
        cum = table.cum
        return table.names[bisect.bisect(cum, self.random() * cum[-1])]

    def given(self, sex: str, age: float, avoid: set[str] | None = None) -> str:
        table = _GIVEN[(sex, "young" if age < self.young_cut else "old")]
        name = self.pick(table)
        if avoid:
            for _ in range(6):
                if name not in avoid:
                    break
                name = self.pick(table)
            avoid.add(name)
        return name

    def old_male(self) -> str:
        return self.pick(_GIVEN[("M", "old")])

    def family(self) -> str:
        """A family name, or "" for the third of families who have none."""
        return "" if self.random() < 0.33 else self.pick(_FAMILY_WEIGHTED)

    def age_in(self, table: Sequence[tuple[int, int, int]], cum: tuple[float, ...]) -> float:
        low, high, _ = table[bisect.bisect(cum, self.random() * cum[-1])]
        return low + (high - low) * self.random()

    def birth(self, age: float) -> tuple[date, bool]:
        """Birth date for a true age; most adults know only the year."""
        ordinal = self.ref_ord - int(age * _DAYS_PER_YEAR)
        day = date.fromordinal(ordinal)
        p_estimated = 0.8 if age >= 18 else (0.3 if age >= 5 else 0.05)
        if self.random() < p_estimated:
            if self.random() < 0.5:
                estimate = date(day.year, 7, 1)
            else:
                estimate = date.fromordinal(_MEHR_1[jalali_year(day)])
            if estimate.toordinal() <= self.ref_ord:
                return estimate, True
        return day, False

    def person(
        self,
        given: str,
        family: str,
        father: str,
        grandfather: str,
        sex: str,
        age: float,
        relationship: str,
        marital: str,
        born: tuple[date, bool] | None = None,
    ) -> tuple[Person, float]:
        birth_date, estimated = born or self.birth(age)
        p = Person(
            given, family, father, grandfather, sex, birth_date, estimated, relationship, marital
        )
        return p, age

    # -- children

    def births(self, mother_age: float, start: float, stop: float, parity: int) -> list[float]:
        """Ages of the children a woman bore between her ages ``start`` and ``stop``."""
        random = self.random
        expo = self.rng.expovariate
        ages: list[float] = []
        t = start + 0.8 + expo(1 / 0.9)
        stop = min(stop, mother_age, 45.0)
        while t < stop and len(ages) < parity:
            age = mother_age - t
            ages.append(age)
            if random() < 0.013:  # twins (about 1.3 % of deliveries)
                ages.append(age)
            t += 1.3 + expo(1 / 1.4)
        return ages

    def parity(self, mother_age: float) -> int:
        born = self.ref_year - mother_age
        mean = 7.5 if born < 1980 else (6.0 if born < 1995 else 4.5)
        return max(0, round(self.rng.gauss(mean, 1.9)))

    def children(
        self,
        ages: Iterable[float],
        *,
        family: str,
        father: str,
        grandfather: str,
        avoid: set[str],
        married_son_may_stay: bool,
    ) -> tuple[list[tuple[Person, float]], tuple[Person, float] | None]:
        """The children still at home, eldest first, and a married son who stayed."""
        random = self.random
        out: list[tuple[Person, float]] = []
        stayed: tuple[Person, float] | None = None
        previous_age, previous_birth = -1.0, None
        for age in sorted(ages, reverse=True):
            born = previous_birth if age == previous_age else self.birth(age)
            previous_age, previous_birth = age, born
            if random() < 0.512:
                if age >= 18 and random() < _step(_SON_MARRIED, age):
                    if married_son_may_stay and stayed is None and random() < 0.45:
                        name = self.given("M", age, avoid)
                        stayed = self.person(
                            name, family, father, grandfather, "M", age, "son", "married", born
                        )
                        out.append(stayed)
                    continue
                if age >= 22 and random() < 0.1:  # gone to work elsewhere
                    continue
                name = self.given("M", age, avoid)
                out.append(
                    self.person(name, family, father, grandfather, "M", age, "son", "single", born)
                )
            else:
                if age >= 15 and random() < _step(_DAUGHTER_MARRIED, age):
                    continue
                name = self.given("F", age, avoid)
                out.append(
                    self.person(
                        name, family, father, grandfather, "F", age, "daughter", "single", born
                    )
                )
        return out, stayed

    # -- household types

    def nuclear(self, family: str) -> list[tuple[Person, float]]:
        random = self.random
        wife_age = self.age_in(_WIFE_AGES, self.wife_cum)
        head_age = wife_age + self.rng.triangular(0.0, 16.0, 4.0)
        head_age = max(head_age, 18.0 + random())
        head_name = self.given("M", head_age)
        head_father, head_grandfather = self.old_male(), self.old_male()
        head = self.person(
            head_name, family, head_father, head_grandfather, "M", head_age, "head", "married"
        )
        wife_family = family if random() < 0.4 else self.family()
        wife = self.person(
            self.given("F", wife_age),
            wife_family,
            self.old_male(),
            self.old_male(),
            "F",
            wife_age,
            "spouse",
            "married",
        )
        married_at = min(wife_age - 0.2, self.rng.triangular(15.5, 26.0, 18.0))
        ages = self.births(wife_age, married_at, wife_age, self.parity(wife_age))
        avoid = {head_name, head_father}
        kids, married_son = self.children(
            ages,
            family=family,
            father=head_name,
            grandfather=head_father,
            avoid=avoid,
            married_son_may_stay=True,
        )
        members = [head, wife, *kids]
        if married_son is not None:
            members.extend(self.sons_family(married_son, family, head_name))
        members.extend(self.elders_and_siblings(head, family, avoid))
        return members

    def sons_family(
        self, son: tuple[Person, float], family: str, head_name: str
    ) -> list[tuple[Person, float]]:
        """A married son's wife and children living in his father's household."""
        person, son_age = son
        wife_age = max(16.0 + self.random(), son_age - self.rng.triangular(0.0, 9.0, 3.0))
        wife = self.person(
            self.given("F", wife_age),
            family if self.random() < 0.4 else self.family(),
            self.old_male(),
            self.old_male(),
            "F",
            wife_age,
            "other_relative",
            "married",
        )
        married_at = wife_age - self.rng.uniform(0.0, min(8.0, wife_age - 15.5))
        ages = self.births(wife_age, married_at, wife_age, self.parity(wife_age))
        avoid = {person.given_name, head_name}
        out = [wife]
        previous_age, previous_birth = -1.0, None
        for age in sorted(ages, reverse=True):
            born = previous_birth if age == previous_age else self.birth(age)
            previous_age, previous_birth = age, born
            sex = "M" if self.random() < 0.512 else "F"
            name = self.given(sex, age, avoid)
            out.append(
                self.person(
                    name,
                    family,
                    person.given_name,
                    head_name,
                    sex,
                    age,
                    "grandchild",
                    "single",
                    born,
                )
            )
        return out

    def elders_and_siblings(
        self, head: tuple[Person, float], family: str, avoid: set[str]
    ) -> list[tuple[Person, float]]:
        """The head's widowed mother or both parents, and young unmarried siblings."""
        random = self.random
        person, head_age = head
        p_parent = 0.16 if head_age < 45 else (0.08 if head_age < 55 else 0.0)
        out: list[tuple[Person, float]] = []
        if random() >= p_parent:
            if random() < 0.02:  # an orphaned nephew or niece
                age = 3 + 14 * random()
                sex = "M" if random() < 0.5 else "F"
                out.append(
                    self.person(
                        self.given(sex, age, avoid),
                        family,
                        self.old_male(),
                        person.father_name,
                        sex,
                        age,
                        "other_relative",
                        "single",
                    )
                )
            return out
        mother_age = head_age + self.rng.uniform(17.0, 30.0)
        if mother_age > 88:
            return out
        both = random() < 0.3
        if both:
            father_age = mother_age + self.rng.triangular(0.0, 14.0, 5.0)
            out.append(
                self.person(
                    person.father_name,
                    family,
                    person.grandfather_name,
                    self.old_male(),
                    "M",
                    father_age,
                    "father",
                    "married",
                )
            )
        out.append(
            self.person(
                self.given("F", mother_age),
                self.family(),
                self.old_male(),
                self.old_male(),
                "F",
                mother_age,
                "mother",
                "married" if both else "widowed",
            )
        )
        if head_age < 35 and random() < 0.5:
            sibling_avoid = {person.given_name, person.father_name}
            for _ in range(1 + int(3 * random())):
                age = head_age - self.rng.uniform(1.5, 15.0)
                if age < 5 or mother_age - age < 17:
                    continue
                sex = "M" if random() < 0.5 else "F"
                if sex == "F" and age >= 17 and random() < 0.6:
                    continue  # married and gone
                out.append(
                    self.person(
                        self.given(sex, age, sibling_avoid),
                        family,
                        person.father_name,
                        person.grandfather_name,
                        sex,
                        age,
                        "brother" if sex == "M" else "sister",
                        "single",
                    )
                )
        return out

    def female_head(self, family: str) -> list[tuple[Person, float]]:
        """A widow (or a divorced woman) with her children."""
        rng = self.rng
        age = self.age_in(_WIDOW_AGES, self.widow_cum)
        marital = "divorced" if self.random() < 0.15 else "widowed"
        head = self.person(
            self.given("F", age),
            family,
            self.old_male(),
            self.old_male(),
            "F",
            age,
            "head",
            marital,
        )
        married_at = min(age - 1.0, rng.triangular(15.5, 26.0, 18.0))
        husband_gone = age - min(age - married_at - 0.5, rng.expovariate(1 / 6.0))
        husband = self.given("M", age + 6)
        husband_father = self.old_male()
        ages = self.births(age, married_at, husband_gone + 0.7, self.parity(age))
        kids, _ = self.children(
            ages,
            family=family,
            father=husband,
            grandfather=husband_father,
            avoid={husband, husband_father},
            married_son_may_stay=False,
        )
        return [head, *kids]

    def couple(self, family: str) -> list[tuple[Person, float]]:
        """Newly-weds, or an older couple whose children have all left."""
        rng = self.rng
        wife_age = rng.uniform(16.5, 26.0) if self.random() < 0.5 else rng.uniform(55.0, 78.0)
        head_age = wife_age + rng.triangular(0.0, 12.0, 4.0)
        head_age = max(head_age, 18.0 + self.random())
        head = self.person(
            self.given("M", head_age),
            family,
            self.old_male(),
            self.old_male(),
            "M",
            head_age,
            "head",
            "married",
        )
        wife = self.person(
            self.given("F", wife_age),
            family if self.random() < 0.4 else self.family(),
            self.old_male(),
            self.old_male(),
            "F",
            wife_age,
            "spouse",
            "married",
        )
        return [head, wife]

    def single_elder(self, family: str) -> list[tuple[Person, float]]:
        age = self.rng.uniform(58.0, 88.0)
        sex = "F" if self.random() < 0.6 else "M"
        r = self.random()
        marital = "widowed" if r < 0.78 else ("single" if r < 0.88 else "divorced")
        if sex == "M" and r >= 0.95:
            marital = "married"  # his wife lives with a son elsewhere
        return [
            self.person(
                self.given(sex, age),
                family,
                self.old_male(),
                self.old_male(),
                sex,
                age,
                "head",
                marital,
            )
        ]

    def single_young(self, family: str) -> list[tuple[Person, float]]:
        """A young man alone; some are married with the family still in Afghanistan."""
        age = self.rng.uniform(18.0, 36.0)
        marital = "married" if self.random() < 0.3 else "single"
        return [
            self.person(
                self.given("M", age),
                family,
                self.old_male(),
                self.old_male(),
                "M",
                age,
                "head",
                marital,
            )
        ]

    # -- documents and the household

    def household(self, serial: int) -> Household:
        random = self.random
        kind = self.type_names[bisect.bisect(self.type_cum, random() * self.type_cum[-1])]
        family = self.family()
        members = getattr(self, kind)(family)[:MAX_HOUSEHOLD_SIZE]

        has_latin = random() < 0.3
        has_amayesh = random() < 0.86
        has_fida = random() < 0.55
        latin_family: dict[str, str] = {}
        key = serial * _PERSON_SLOTS
        people: list[Person] = []
        for index, (p, age) in enumerate(members):
            k = key + index
            if has_latin:
                p.latin_given = self.latin(p.given_name)
                if p.family_name:
                    if p.family_name not in latin_family:
                        latin_family[p.family_name] = self.latin(p.family_name)
                    p.latin_family = latin_family[p.family_name]
            if has_amayesh:
                p_card = 0.5 if age < 1 else (0.85 if p.relationship == "other_relative" else 0.97)
                if random() < p_card:
                    p.amayesh_number = str(10**8 + self.amayesh(k))
            if has_fida and random() < 0.92:
                p.fida_code = str(10**11 + self.fida(k))
            if age >= 18 and random() < (0.8 if index == 0 else 0.5):
                n = self.phone(k)
                p.phone = f"{_PHONE_PREFIXES[n // 10**7]}{n % 10**7:07d}"
            people.append(p)
        return Household(f"{self.settlement_code}-{serial:06d}", self.settlement_code, people)

    def latin(self, name: str) -> str:
        picker = _LATIN_PICKERS.get(name)
        if picker is None:
            return ""
        spellings, cum = picker
        return spellings[bisect.bisect(cum, self.random() * cum[-1])]


def generate(
    n_households: int,
    *,
    seed: int,
    settlement_code: str = "TJ",
    start_serial: int = 1,
    reference_date: date = date(2026, 11, 1),
    progress: Callable[[int], object] | None = None,
) -> Iterator[Household]:
    """Yield ``n_households`` synthetic households, the same ones for the same seed.

    References run from ``start_serial``; identifiers (Amayesh number, FIDA
    code, phone) are unique within a seed. ``progress(k)`` is called with the
    number of households finished since its previous call (every 100
    households and at the end), so ``tqdm.update`` or ``Reporter.advance`` fit.
    """
    if n_households < 0:
        raise ValueError("n_households must not be negative")
    if start_serial < 1 or start_serial + n_households - 1 > MAX_SERIAL:
        raise ValueError(f"serials must stay within 1..{MAX_SERIAL}")
    return _generate(n_households, seed, settlement_code, start_serial, reference_date, progress)


def _generate(
    n_households: int,
    seed: int,
    settlement_code: str,
    start_serial: int,
    reference_date: date,
    progress: Callable[[int], object] | None,
) -> Iterator[Household]:
    generator = _Generator(seed, settlement_code, reference_date)
    pending = 0
    for serial in range(start_serial, start_serial + n_households):
        yield generator.household(serial)
        pending += 1
        if progress is not None and pending == 100:
            progress(pending)
            pending = 0
    if progress is not None and pending:
        progress(pending)


# --- Flat rows ------------------------------------------------------------------

FIELDS: Final = [
    "household",
    "settlement",
    "person_index",
    "is_head",
    "relationship",
    "given_name",
    "family_name",
    "father_name",
    "grandfather_name",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "marital_status",
    "latin_given",
    "latin_family",
    "phone",
    "amayesh_number",
    "fida_code",
]


def to_rows(households: Iterable[Household]) -> Iterator[dict[str, str]]:
    """One row per person, keyed by FIELDS; index 0 is the head, booleans are "1"/"0"."""
    for household in households:
        for index, p in enumerate(household.members):
            yield {
                "household": household.reference,
                "settlement": household.settlement_code,
                "person_index": str(index),
                "is_head": "1" if index == 0 else "0",
                "relationship": p.relationship,
                "given_name": p.given_name,
                "family_name": p.family_name,
                "father_name": p.father_name,
                "grandfather_name": p.grandfather_name,
                "sex": p.sex,
                "birth_date": p.birth_date.isoformat(),
                "birth_date_estimated": "1" if p.birth_date_estimated else "0",
                "marital_status": p.marital_status,
                "latin_given": p.latin_given,
                "latin_family": p.latin_family,
                "phone": p.phone,
                "amayesh_number": p.amayesh_number,
                "fida_code": p.fida_code,
            }
