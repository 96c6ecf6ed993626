"""Afghan names in Persian script: frequency tables, Latin spellings, spelling variants.

Tables are in rank order and weighted Zipf-like, so that a few given names
(محمد, علی, فاطمه, زهرا …) cover a large share of people, as in life.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
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
