"""The demo settlement's people's capacity: partners, volunteers, gifts and what reached
households.

Torbat-e Jam works with the provincial directorate, UNHCR, an international NGO,
a national NGO, two benefactors' charities, a students' volunteer group and a local
builder. Their memoranda and data-sharing agreements (one of them expired last
month), some 25 volunteers (a few not yet safeguarded), the pledges of the winter
and of the roof repairs, and the referrals, distributions, course attendance and
work orders that reached the registry's resident households all go through the
partners and assistance services, dated relative to today so the demo stays current.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation

from mehman.accounts.models import User
from mehman.assistance import services as assistance
from mehman.assistance.models import Referral
from mehman.core import dates
from mehman.core.digits import to_persian
from mehman.core.models import Settlement
from mehman.demo.people.households import jalali_year
from mehman.partners import services as partners
from mehman.partners.models import (
    BRACKET_TAGS,
    Activity,
    ActivityStatus,
    BackgroundCheck,
    DataCategory,
    GiftKind,
    HouseholdCriterion,
    Organisation,
    OrganisationStaff,
    OrganisationType,
    Sector,
    Volunteer,
    VolunteerAssignment,
    live_on,
)
from mehman.registry.models import (
    Household,
    HouseholdStatus,
    Individual,
    IndividualStatus,
    MaritalStatus,
)

SEED = 1406
STORE = "انبار مهمانشهر تربت جام"
KIT_PRICE = 45_000_000  # rials: two blankets, warm clothes, a hat and gloves
WIDOW_GRANT = 20_000_000  # rials per household

# --- Organisations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Org:
    key: str
    name_fa: str
    name_en: str
    org_type: str
    sectors: tuple[str, ...]
    acronym: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    website: str = ""
    notes: str = ""
    contacts: tuple[tuple[str, str, str, str], ...] = ()  # name, position, phone, email


ORGANISATIONS: tuple[Org, ...] = (
    Org(
        "gov",
        "اداره کل امور اتباع و مهاجرین خارجی استان خراسان رضوی",
        "Directorate-General for Foreign Nationals and Immigrants Affairs, Khorasan Razavi",
        OrganisationType.GOVERNMENT,
        (Sector.CCCM, Sector.LEGAL, Sector.PROTECTION, Sector.NFI),
        acronym="BAFIA-KR",
        phone="05131000100",
        address="مشهد، استانداری خراسان رضوی، اداره کل امور اتباع",
        notes="مسئول اداره مهمانشهر تربت جام و هماهنگی همه همکاران در آن.",
        contacts=(
            ("سید محمود علوی‌نژاد", "معاون امور مهمانشهرها", "05131000112", ""),
            ("فرشته کامرانی", "کارشناس مددکاری مهمانشهر تربت جام", "05152220140", ""),
        ),
    ),
    Org(
        "unhcr",
        "کمیساریای عالی سازمان ملل متحد در امور پناهندگان",
        "Office of the United Nations High Commissioner for Refugees",
        OrganisationType.UN,
        (Sector.PROTECTION, Sector.LEGAL, Sector.SOLUTIONS, Sector.NFI),
        acronym="UNHCR",
        phone="05131000200",
        email="mashhad.office@example.org",
        address="مشهد، دفتر فرعی کمیساریا",
        website="https://www.unhcr.org/ir/",
        contacts=(
            ("Nargess Amini", "Protection Associate, Mashhad sub-office", "05131000214", ""),
            ("Javid Rahimi", "Field Assistant", "09150002214", "field.mashhad@example.org"),
        ),
    ),
    Org(
        "ingo",
        "شورای پناهندگان نروژ",
        "Norwegian Refugee Council",
        OrganisationType.INGO,
        (Sector.LIVELIHOODS, Sector.SHELTER, Sector.LEGAL, Sector.EDUCATION),
        acronym="NRC",
        phone="05131000300",
        email="khorasan.area@example.org",
        address="مشهد، دفتر منطقه‌ای خراسان",
        website="https://www.nrc.no",
        contacts=(
            ("Sarah Lambert", "Area Manager, Khorasan", "09150003010", "sarah.lambert@example.org"),
            ("کاوه صالحی", "Shelter Engineer", "09150003022", ""),
        ),
    ),
    Org(
        "nngo",
        "جمعیت یاری کودکان مهاجر خراسان",
        "Khorasan Society for Migrant Children",
        OrganisationType.NNGO,
        (Sector.EDUCATION, Sector.PROTECTION),
        phone="05131000400",
        address="مشهد، خیابان دانشگاه",
        contacts=(("ریحانه موسوی", "هماهنگ‌کننده فضای دوستدار کودک", "09150004011", ""),),
    ),
    Org(
        "charity",
        "بنیاد نیکوکاری مهر رضوان مشهد",
        "Mehr-e Rezvan Charity Foundation, Mashhad",
        OrganisationType.CHARITY,
        (Sector.NFI, Sector.FOOD),
        phone="05131000500",
        address="مشهد، بلوار وکیل‌آباد",
        notes="هر سال پیش از زمستان بسته‌های زمستانی اهدا می‌کند.",
        contacts=(("حامد نیک‌نام", "مدیر اجرایی", "09150005012", "info.mehr@example.org"),),
    ),
    Org(
        "benefactors",
        "انجمن خیرین جام",
        "Jam Benefactors' Association, Torbat-e Jam",
        OrganisationType.CHARITY,
        (Sector.SHELTER, Sector.EDUCATION),
        phone="05152220600",
        address="تربت جام، خیابان امام",
        contacts=(("محمدحسین رضوانی", "رئیس هیئت مدیره", "09150006013", ""),),
    ),
    Org(
        "volunteers",
        "گروه داوطلبان دانشجویی تربت جام",
        "Torbat-e Jam Student Volunteers",
        OrganisationType.VOLUNTEER_GROUP,
        (Sector.SHELTER, Sector.NFI, Sector.EDUCATION),
        phone="09150007014",
        notes="دانشجویان دانشگاه‌های تربت جام؛ پس از دیدار با رئیس مهمانشهر برای "
        "توزیع‌ها و تعمیر سقف‌ها اعلام آمادگی کردند.",
        contacts=(("نگار رحمانی", "سرگروه داوطلبان", "09150007014", ""),),
    ),
    Org(
        "builder",
        "کارگاه ساختمانی جام‌سازه",
        "Jam-Sazeh Building Works",
        OrganisationType.PRIVATE,
        (Sector.SHELTER,),
        phone="05152220800",
        address="تربت جام، شهرک صنعتی",
        contacts=(("غلامعلی شاکری", "سرپرست کارگاه", "09150008015", ""),),
    ),
)

# Partner staff logins of the demo (settlement.USERS) and the organisation each works for.
PARTNER_LOGINS: dict[str, str] = {"partner": "ingo", "charity": "charity"}

# --- Volunteers ---------------------------------------------------------------------------

# Each organisation's volunteers: name, sex, skills, languages, availability and what
# their safeguarding still lacks ("psea", "lapsed" training, background "check",
# code of "conduct"); most have none missing.
AVAILABILITY = {
    "am": "شنبه تا چهارشنبه، صبح‌ها",
    "pm": "عصرها پس از کلاس",
    "we": "پنجشنبه‌ها و جمعه‌ها",
}
VOLUNTEERS: dict[str, tuple[tuple[str, str, str, str, str, str], ...]] = {
    "volunteers": (
        ("نگار رحمانی", "F", "آموزش کودکان، کمک‌های اولیه", "fa en", "we", ""),
        ("امیرحسین صفایی", "M", "بنایی، ایزوگام‌کاری", "fa", "we", ""),
        ("محمدجواد یزدانی", "M", "برق‌کاری، بنایی", "fa", "pm", ""),
        ("سارا قربانی", "F", "انبارداری، کار با رایانه", "fa en", "pm", ""),
        ("علی اکبری", "M", "رانندگی، انبارداری", "fa", "we", ""),
        ("فاطمه نیک‌پور", "F", "روان‌شناسی، کار با کودکان", "fa en", "pm", "psea"),
        ("حسین باقری", "M", "بنایی، نجاری", "fa", "we", "check"),
        ("زهرا صادقی", "F", "پرستاری، کمک‌های اولیه", "fa en", "am", ""),
        ("مهدی کریمی", "M", "عکاسی، کار با رایانه", "fa en", "we", "conduct"),
        ("مریم توکلی", "F", "آموزش زبان انگلیسی", "fa en", "pm", ""),
        ("رضا حیدری", "M", "ایزوگام‌کاری، نقاشی ساختمان", "fa", "we", ""),
    ),
    "unhcr": (
        ("عبدالله احمدزی", "M", "ترجمه پشتو، اطلاع‌رسانی", "fa dari pashto", "am", ""),
        ("شکریه حسینی", "F", "ترجمه دری، همراهی بانوان", "fa dari", "am", ""),
        ("نجیب‌الله صافی", "M", "ترجمه پشتو", "dari pashto", "am", "lapsed"),
    ),
    "ingo": (
        ("لیلا جعفری", "F", "خیاطی، آموزش بزرگسالان", "fa dari", "am", ""),
        ("طاهره محمدی", "F", "خیاطی", "fa dari", "am", ""),
        ("کاوه صالحی", "M", "مهندسی عمران، ارزیابی سرپناه", "fa en", "am", ""),
        ("سمیه عزیزی", "F", "حسابداری", "fa dari en", "am", "check"),
    ),
    "charity": (
        ("محمدرضا طاهری", "M", "انبارداری، رانندگی", "fa", "we", ""),
        ("منصوره فاضلی", "F", "بسته‌بندی، انبارداری", "fa", "we", "psea"),
        ("جواد سلطانی", "M", "انبارداری", "fa", "we", "check"),
        ("اعظم رستمی", "F", "آشپزی، مددکاری", "fa dari", "am", ""),
    ),
    "benefactors": (
        ("غلامرضا نوری", "M", "بنایی، سرپرستی کارگاه", "fa", "am", ""),
        ("مرضیه عطایی", "F", "مددکاری", "fa", "am", ""),
    ),
    "nngo": (("ریحانه موسوی", "F", "آموزش کودکان، نقاشی", "fa dari", "pm", ""),),
}

# --- What the demo builds on ----------------------------------------------------------------


@dataclass
class Demo:
    settlement: Settlement
    today: date
    rng: random.Random
    manager: Any
    clerk: Any
    caseworker: Any
    orgs: dict[str, Organisation] = field(default_factory=dict)
    staff: dict[str, Any] = field(default_factory=dict)  # organisation key → partner account
    volunteers: dict[str, Volunteer] = field(default_factory=dict)
    residents: list[Household] = field(default_factory=list)
    used: set[int] = field(default_factory=set)  # households already picked for a referral

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def pick(self, candidates: Iterable[Household], k: int) -> list[Household]:
        """``k`` households not picked before, in a seeded random order."""
        pool = [h for h in candidates if h.pk not in self.used]
        chosen = self.rng.sample(pool, k=min(k, len(pool)))
        self.used.update(h.pk for h in chosen)
        return chosen


def _active(household: Household) -> list[Individual]:
    return [m for m in household.members.all() if m.status == IndividualStatus.ACTIVE]


def _ages(household: Household, day: date) -> list[int]:
    return [m.age_on(day) or 0 for m in _active(household) if m.birth_date and m.birth_date <= day]


def _profile(households: Sequence[Household], day: date, *, rounding: int = 5) -> dict[str, int]:
    """Planned targets: the households and their members by sex and age bracket, rounded."""
    counts: dict[str, int] = {}
    for household in households:
        for person in _active(household):
            age = person.age_on(day) if person.birth_date and person.birth_date <= day else None
            tag = BRACKET_TAGS.get(dates.age_bracket(age))
            if tag is not None:
                key = f"{person.sex.lower()}_{tag}"
                counts[key] = counts.get(key, 0) + 1
    targets = {key: -(-n // rounding) * rounding for key, n in counts.items()}
    targets["hh"] = len(households)
    return targets


def load_partners(
    settlement: Settlement, *, by: Any, clerk: Any, caseworker: Any
) -> dict[str, int]:
    """Fill the settlement's partners once; a settlement that has partners is left alone."""
    if Organisation.objects.filter(settlements=settlement).exists():
        return {"organisations": 0}
    demo = Demo(
        settlement=settlement,
        today=dates.today(),
        rng=random.Random(SEED),
        manager=by,
        clerk=clerk,
        caseworker=caseworker,
    )
    demo.residents = list(
        Household.objects.filter(settlement=settlement, status=HouseholdStatus.RESIDENT)
        .select_related("head")
        .prefetch_related("members")
        .order_by("reference")
    )
    # Recorded as the settlement's staff would, in Persian (a cash pledge's item, say).
    with translation.override(settings.LANGUAGE_CODE):
        _load(demo)
    return {"organisations": len(demo.orgs), "volunteers": len(demo.volunteers)}


def _load(demo: Demo) -> None:
    with transaction.atomic():
        _organisations(demo)
        _agreements(demo)
        _volunteers(demo)
    with transaction.atomic():
        _winter_kits(demo)
    with transaction.atomic():
        _tailoring_course(demo)
    with transaction.atomic():
        _legal_aid(demo)
    with transaction.atomic():
        _roof_repairs(demo)
    with transaction.atomic():
        _widows_cash(demo)
        _child_friendly_space(demo)
        _other_pledges(demo)
        _other_referrals(demo)


# --- Organisations, agreements, staff ---------------------------------------------------------


def _organisations(demo: Demo) -> None:
    for spec in ORGANISATIONS:
        organisation = partners.register_organisation(
            by=demo.manager,
            name_fa=spec.name_fa,
            name_en=spec.name_en,
            org_type=spec.org_type,
            settlements=[demo.settlement],
            acronym=spec.acronym,
            sectors=spec.sectors,
            phone=spec.phone,
            email=spec.email,
            address=spec.address,
            website=spec.website,
            notes=spec.notes,
        )
        for name, title, phone, email in spec.contacts:
            partners.add_contact(
                organisation=organisation,
                by=demo.manager,
                name=name,
                title=title,
                phone=phone,
                email=email,
            )
        demo.orgs[spec.key] = organisation
    for username, key in PARTNER_LOGINS.items():
        account = User.objects.filter(username=username).first()
        if account is not None:
            partners.link_staff(organisation=demo.orgs[key], user=account, by=demo.manager)
            demo.staff[key] = account


# (organisation, title, scope, sectors, from, to) in days relative to today.
MOUS: tuple[tuple[str, str, str, tuple[str, ...], int, int], ...] = (
    (
        "unhcr",
        "تفاهم‌نامه حمایت حقوقی و مستندسازی در مهمانشهر تربت جام",
        "مشاوره حقوقی هفتگی، پیگیری تمدید مدارک و ثبت ولادت، ارجاع موارد حمایتی.",
        (Sector.LEGAL, Sector.PROTECTION),
        -250,
        115,
    ),
    (
        "ingo",
        "Winter response MoU — تفاهم‌نامه واکنش زمستانی",
        "Cash for winterisation and insulation of housing units in the settlement.",
        (Sector.NFI, Sector.SHELTER),
        -500,
        -135,
    ),
    (
        "ingo",
        "Livelihoods and shelter programme — برنامه معیشت و سرپناه",
        "Vocational courses for women and youth, shelter assessments, legal counselling.",
        (Sector.LIVELIHOODS, Sector.SHELTER, Sector.LEGAL),
        -120,
        245,
    ),
    (
        "nngo",
        "تفاهم‌نامه فضای دوستدار کودک",
        "اداره فضای دوستدار کودک و کلاس‌های جبرانی برای کودکان ۶ تا ۱۲ سال.",
        (Sector.EDUCATION, Sector.PROTECTION),
        -200,
        165,
    ),
    (
        "charity",
        "تفاهم‌نامه کمک‌های زمستانی",
        "اهدای بسته‌های زمستانی و کمک نقدی به خانوارهای نیازمند مهمانشهر.",
        (Sector.NFI, Sector.FOOD),
        -90,
        275,
    ),
    (
        "benefactors",
        "تفاهم‌نامه بازسازی سقف واحدهای مسکونی",
        "تأمین هزینه تعمیر سقف واحدهای فرسوده پیش از فصل بارندگی.",
        (Sector.SHELTER,),
        -60,
        305,
    ),
    (
        "volunteers",
        "تفاهم‌نامه همکاری داوطلبان دانشجویی",
        "همکاری داوطلبانه در توزیع‌ها، تعمیرات سبک و کلاس‌های تقویتی، با رعایت آیین‌نامه رفتاری.",
        (Sector.SHELTER, Sector.NFI, Sector.EDUCATION),
        -45,
        140,
    ),
)

# (organisation, purpose, from, to): UNHCR and NRC live, the Mashhad charity's expired.
DATA_AGREEMENTS: tuple[tuple[str, str, int, int], ...] = (
    ("unhcr", "Legal aid and documentation follow-up of referred households", -250, 115),
    ("ingo", "Livelihoods and shelter services to referred households", -120, 245),
    ("charity", "بسته غذایی برای خانوارهای معرفی‌شده", -395, -25),
)


def _agreements(demo: Demo) -> None:
    year = jalali_year(demo.today)
    for number, (key, title, scope, sectors, start, end) in enumerate(MOUS, start=1):
        partners.record_agreement(
            organisation=demo.orgs[key],
            by=demo.manager,
            title=title,
            scope=scope,
            settlements=[demo.settlement],
            sectors=sectors,
            valid_from=demo.ago(-start),
            valid_to=demo.ago(-end),
            signed_on=demo.ago(-start + 7),
            reference=f"MOU-TJ-{year}-{number:02d}",
        )
    for number, (key, purpose, start, end) in enumerate(DATA_AGREEMENTS, start=1):
        partners.record_data_agreement(
            organisation=demo.orgs[key],
            by=demo.manager,
            purpose=purpose,
            categories=[DataCategory.IDENTITY, DataCategory.CONTACT],
            settlements=[demo.settlement],
            valid_from=demo.ago(-start),
            valid_to=demo.ago(-end),
            signed_on=demo.ago(-start + 5),
            reference=f"DSA-TJ-{year}-{number:02d}",
        )


def _volunteers(demo: Demo) -> None:
    for key, people in VOLUNTEERS.items():
        for name, sex, skills, languages, availability, lacks in people:
            demo.volunteers[name] = partners.register_volunteer(
                organisation=demo.orgs[key],
                settlement=demo.settlement,
                by=demo.manager,
                name=name,
                sex=sex,
                phone=f"0915000{demo.rng.randrange(1000, 10_000)}",
                skills=skills.split("، "),
                languages=languages.split(),
                availability=AVAILABILITY[availability],
                **_safeguarding(demo, lacks),
            )


def _safeguarding(demo: Demo, lacks: str) -> dict[str, Any]:
    days = demo.rng.randint(40, 300)
    record: dict[str, Any] = {
        "code_of_conduct_signed_on": demo.ago(days),
        "psea_trained_on": demo.ago(days - 5),
        "background_check": BackgroundCheck.CLEARED,
        "background_checked_on": demo.ago(days - 10),
    }
    if lacks == "psea":
        record["psea_trained_on"] = None
    elif lacks == "lapsed":
        record["psea_trained_on"] = dates.add_months(demo.today, -30)
    elif lacks == "check":
        record.update(background_check=BackgroundCheck.PENDING, background_checked_on=None)
    elif lacks == "conduct":
        record.update(
            code_of_conduct_signed_on=None,
            psea_trained_on=None,
            background_check=BackgroundCheck.NOT_STARTED,
            background_checked_on=None,
        )
    return record


def _activity(
    demo: Demo,
    key: str,
    *,
    sector: str,
    name: str,
    starts: int,
    ends: int | None = None,
    funder: str | None = None,
    under_way: bool = True,
    **fields: Any,
) -> Activity:
    """An activity starting ``starts`` days ago (in the future when negative), under way
    unless it has not started."""
    activity = partners.plan_activity(
        organisation=demo.orgs[key],
        settlement=demo.settlement,
        by=demo.manager,
        sector=sector,
        name=name,
        starts_on=demo.ago(starts),
        ends_on=demo.ago(ends) if ends is not None else None,
        funder=demo.orgs[funder] if funder else None,
        **fields,
    )
    if not under_way:
        return activity
    return partners.change_activity_status(
        activity=activity, status=ActivityStatus.ONGOING, by=demo.manager
    )


def _staff(
    demo: Demo,
    activity: Activity,
    names: Sequence[str],
    *,
    role: str,
    days: Iterable[date],
    hours: tuple[int, int] = (3, 6),
) -> list[VolunteerAssignment]:
    """Volunteers assigned from the first working day, and the hours each gave."""
    worked = sorted(days)
    assignments = []
    for name in names:
        assignment = partners.assign_volunteer(
            volunteer=demo.volunteers[name],
            activity=activity,
            by=demo.manager,
            starts_on=worked[0] if worked else activity.starts_on,
            role=role,
        )
        for day in worked:
            partners.record_hours(
                assignment=assignment,
                by=demo.manager,
                worked_on=day,
                hours=Decimal(demo.rng.randint(*hours)),
            )
        assignments.append(assignment)
    return assignments


# --- Winter kits: an in-kind pledge, stored, then distributed by blocks ----------------------


DISTRIBUTORS = (
    *("نگار رحمانی", "سارا قربانی", "علی اکبری", "زهرا صادقی", "مریم توکلی"),
    *("محمدرضا طاهری", "اعظم رستمی"),  # the charity's own volunteers
)


def _winter_kits(demo: Demo) -> None:
    year = to_persian(str(jalali_year(demo.today)))
    pledge = partners.record_pledge(
        donor=demo.orgs["charity"],
        settlement=demo.settlement,
        by=demo.manager,
        kind=GiftKind.IN_KIND,
        item="بسته زمستانی خانوار (۲ پتو، لباس گرم، کلاه و دستکش)",
        unit="بسته",
        quantity=400,
        value=400 * KIT_PRICE,
        pledged_on=demo.ago(80),
        expected_on=demo.ago(55),
        restricted_sector=Sector.NFI,
        restriction_note="اولویت با خانوارهای دارای کودک زیر پنج سال و سالمندان",
    )
    donation = partners.receive_donation(
        pledge=pledge, by=demo.manager, quantity=400, received_on=demo.ago(52)
    )
    donation = partners.store_donation(
        donation=donation, by=demo.manager, place=STORE, stored_on=demo.ago(52)
    )
    packing = _activity(
        demo,
        "charity",
        sector=Sector.NFI,
        name="بسته‌بندی و انبارگردانی بسته‌های زمستانی",
        starts=51,
        ends=42,
        works_with_residents=False,
        description="در انبار مهمانشهر؛ بدون تماس با ساکنان.",
    )
    _staff(
        demo,
        packing,
        ["سارا قربانی", "منصوره فاضلی", "جواد سلطانی"],
        role="بسته‌بندی",
        days=[demo.ago(50), demo.ago(47), demo.ago(44)],
    )
    partners.change_activity_status(
        activity=packing, status=ActivityStatus.COMPLETED, by=demo.manager
    )

    # Households with a child under five or an older person first, then the others.
    day = demo.ago(38)
    shuffled = demo.rng.sample(demo.residents, k=len(demo.residents))
    priority = [h for h in shuffled if any(a <= 4 or a >= 60 for a in _ages(h, day))]
    first = {h.pk for h in priority}
    ordered = priority + [h for h in shuffled if h.pk not in first]
    budget, kits = 388, 0  # a dozen kits or so stay in store for new arrivals
    chosen: list[Household] = []
    for household in ordered:
        each = 2 if household.size >= 8 else 1
        if len(chosen) == 300 or kits + each > budget:
            break
        chosen.append(household)
        kits += each
    distribution = _activity(
        demo,
        "gov",
        funder="charity",
        sector=Sector.NFI,
        name=f"توزیع بسته‌های زمستانی {year}",
        starts=40,
        ends=20,
        description="توزیع بلوک به بلوک؛ خانوارهای ۸ نفره و بیشتر دو بسته دریافت می‌کنند.",
        targets=_profile(chosen, day),
    )
    days = {1: demo.ago(38), 2: demo.ago(31), 3: demo.ago(24)}
    _staff(
        demo,
        distribution,
        DISTRIBUTORS,
        role="توزیع و ثبت تحویل",
        days=days.values(),
        hours=(4, 7),
    )
    for part, day in days.items():
        # Blocks 1 to 8 on the first day, 9 to 16 on the second, 17 to 24 on the third.
        of_day = [h for h in chosen if min(3, (int(h.block or 1) - 1) // 8 + 1) == part]
        for each in (1, 2):
            batch = [h for h in of_day if (2 if h.size >= 8 else 1) == each]
            if batch:
                assistance.distribute_donation(
                    donation=donation,
                    activity=distribution,
                    households=batch,
                    by=demo.clerk,
                    quantity_each=each,
                    delivered_on=day,
                )
    partners.change_activity_status(
        activity=distribution, status=ActivityStatus.COMPLETED, by=demo.manager
    )


# --- NRC's tailoring course: referrals accepted by the partner, attendance by session -------


def _tailoring_course(demo: Demo) -> None:
    day = demo.ago(50)
    women: list[Individual] = []
    for household in demo.rng.sample(demo.residents, k=len(demo.residents)):
        if len(women) == 25:
            break
        if household.pk in demo.used:
            continue
        for person in _active(household):
            age = person.age_on(day) if person.birth_date else None
            if person.sex == "F" and age is not None and 18 <= age <= 45:
                women.append(person)
                demo.used.add(household.pk)
                break
    course = _activity(
        demo,
        "ingo",
        sector=Sector.LIVELIHOODS,
        name="دوره آموزش خیاطی زنان — Women's tailoring course",
        starts=42,
        ends=-30,
        description="Two sessions a week in the settlement's women's centre; sewing "
        "machines and fabric provided by NRC.",
        targets={"hh": 25, "f_age18_59": 25},
    )
    partner = demo.staff.get("ingo", demo.clerk)
    for person in women:
        referral = assistance.refer_household(
            household=person.household,
            organisation=demo.orgs["ingo"],
            by=demo.caseworker,
            sector=Sector.LIVELIHOODS,
            service="دوره خیاطی زنان — Women's tailoring course",
            reason="زن سرپرست یا همسر علاقه‌مند به کسب درآمد از خانه.",
            consent_given=True,
            referred_on=demo.ago(demo.rng.randint(46, 55)),
            due_on=demo.ago(-30),
        )
        assistance.accept_referral(referral=referral, by=partner)
    sessions = [demo.ago(42 - offset) for offset in range(42) if offset % 7 in (0, 3)]
    _staff(
        demo,
        course,
        ["لیلا جعفری", "طاهره محمدی"],
        role="کمک‌مربی خیاطی",
        days=sessions,
        hours=(3, 4),
    )
    for number, session in enumerate(sessions):
        present = [w for w in women if demo.rng.random() < 0.87]
        # The partner records the later sessions herself, through the portal.
        recorder = partner if number >= len(sessions) - 4 else demo.clerk
        if present:
            assistance.record_attendance(
                activity=course, people=present, by=recorder, attended_on=session
            )


# --- UNHCR's legal aid: referrals, weekly counselling, some closed -------------------------


LEGAL_SERVICES = (
    ("تمدید کارت آمایش", "کارت آمایش تمدید شد."),
    ("ثبت ولادت نوزاد", "گواهی ولادت صادر و در پرونده ثبت شد."),
    ("مشاوره درباره برگه تردد", "برگه تردد برای سفر درمانی به مشهد صادر شد."),
    ("پیگیری پرونده اسکان مجدد", "پرونده برای بررسی به دفتر تهران فرستاده شد."),
    ("مشاوره حقوقی اجاره و کار", "مشاوره داده شد؛ نیازی به پیگیری بیشتر نیست."),
)


def _legal_aid(demo: Demo) -> None:
    clinic = _activity(
        demo,
        "unhcr",
        sector=Sector.LEGAL,
        name="مشاوره حقوقی و مستندسازی — Legal aid and documentation counselling",
        starts=90,
        description="Weekly clinic in the settlement office with Dari and Pashto interpreters.",
        targets={"hh": 60},
    )
    clinic_days = [demo.ago(days) for days in range(84, 0, -7)]
    _staff(
        demo,
        clinic,
        ["عبدالله احمدزی", "شکریه حسینی"],
        role="مترجم و راهنما",
        days=clinic_days,
        hours=(4, 5),
    )
    for number, household in enumerate(demo.pick(demo.residents, 16)):
        service, outcome = LEGAL_SERVICES[number % len(LEGAL_SERVICES)]
        new = number < 3  # newly referred, not yet answered
        referred = demo.ago(demo.rng.randint(2, 6) if new else demo.rng.randint(20, 80))
        referral = assistance.refer_household(
            household=household,
            organisation=demo.orgs["unhcr"],
            by=demo.caseworker,
            sector=Sector.LEGAL,
            service=service,
            consent_given=True,
            referred_on=referred,
            due_on=referred + timedelta(days=14) if new else demo.ago(-demo.rng.randint(7, 30)),
        )
        if new:
            continue
        assistance.accept_referral(referral=referral, by=demo.caseworker)
        seen = [d for d in clinic_days if d >= referred][:2]
        for day in seen:
            assistance.record_delivery(
                household=household,
                activity=clinic,
                by=demo.clerk,
                item="جلسه مشاوره حقوقی",
                unit="جلسه",
                delivered_on=day,
            )
        if number >= 10 and seen:
            assistance.close_referral(referral=referral, by=demo.caseworker, outcome=outcome)


# --- Roof repairs: a benefactor's cash for shelter, spent on work orders --------------------

ROOF_WORKS = (
    (240, "builder", "عایق‌کاری دوباره سقف با ایزوگام و تعویض ناودان"),
    (310, "builder", "تعویض تیرچه‌های پوسیده و بتن‌ریزی بخشی از سقف"),
    (185, "volunteers", "درزگیری و قیرگونی سقف (مصالح خریداری شد، کار داوطلبانه)"),
    (275, "builder", "عایق‌کاری سقف و ترمیم دیوار جان‌پناه"),
    (220, "volunteers", "ایزوگام سقف آشپزخانه و حمام (کار داوطلبانه)"),
    (260, "builder", "عایق‌کاری کامل سقف واحد"),
    (295, "builder", "ترمیم ترک‌های سقف و عایق‌کاری"),
    (205, "volunteers", "تعویض ایزوگام فرسوده (کار داوطلبانه)"),
)


def _roof_repairs(demo: Demo) -> None:
    pledge = partners.record_pledge(
        donor=demo.orgs["benefactors"],
        settlement=demo.settlement,
        by=demo.manager,
        kind=GiftKind.CASH,
        quantity=2_400_000_000,
        pledged_on=demo.ago(70),
        expected_on=demo.ago(45),
        restricted_sector=Sector.SHELTER,
        restriction_note="برای تعمیر سقف‌ها",
    )
    tranches = [
        partners.receive_donation(
            pledge=pledge, by=demo.manager, quantity=amount, received_on=demo.ago(days)
        )
        for amount, days in ((1_500_000_000, 40), (900_000_000, 20))
    ]
    repairs = _activity(
        demo,
        "volunteers",
        funder="benefactors",
        sector=Sector.SHELTER,
        name="تعمیر سقف واحدهای مسکونی پیش از بارندگی",
        starts=30,
        description="واحدهای فرسوده با بازدید کارشناس سرپناه انتخاب شدند.",
        targets={"hh": 10},
    )
    day_of = [demo.ago(days) for days in (28, 25, 21, 18, 15, 12, 8, 4)]
    _staff(
        demo,
        repairs,
        ["امیرحسین صفایی", "محمدجواد یزدانی", "رضا حیدری", "غلامرضا نوری"],
        role="کمک بنا",
        days=day_of[::2],
        hours=(5, 8),
    )
    _staff(demo, repairs, ["کاوه صالحی"], role="بازدید فنی", days=day_of[:1], hours=(2, 3))
    older_first = sorted(
        demo.pick(demo.residents, 30), key=lambda h: -max(_ages(h, demo.today), default=0)
    )
    year = jalali_year(demo.today)
    for number, (household, (million, contractor, work), day) in enumerate(
        zip(older_first, ROOF_WORKS, day_of, strict=False), start=1
    ):
        assistance.record_expenditure(
            donation=tranches[0] if number <= 5 else tranches[1],
            by=demo.manager,
            work_order=f"WO-TJ-{year}-{number:03d}",
            description=work,
            sector=Sector.SHELTER,
            amount=million * 1_000_000,
            spent_on=day,
            household=household,
            contractor=demo.orgs[contractor],
        )
        assistance.record_delivery(
            household=household,
            activity=repairs,
            by=demo.clerk,
            item="تعمیر سقف",
            unit="واحد",
            delivered_on=day,
        )
    demo.used.difference_update(h.pk for h in older_first[len(ROOF_WORKS) :])


# --- The rest: widows' cash, the children's space, other pledges, other referrals -----------


def _widows_cash(demo: Demo) -> None:
    pledge = partners.record_pledge(
        donor=demo.orgs["charity"],
        settlement=demo.settlement,
        by=demo.manager,
        kind=GiftKind.CASH,
        quantity=30 * WIDOW_GRANT,
        pledged_on=demo.ago(35),
        restricted_to=HouseholdCriterion.WIDOW_HEAD,
        restriction_note="فقط برای خانوارهایی که سرپرستشان زن بیوه است",
    )
    donation = partners.receive_donation(
        pledge=pledge, by=demo.manager, quantity=30 * WIDOW_GRANT, received_on=demo.ago(30)
    )
    widows = [
        h
        for h in demo.residents
        if h.head is not None
        and h.head.sex == "F"
        and h.head.marital_status == MaritalStatus.WIDOWED
        and h.head.status == IndividualStatus.ACTIVE
    ]
    chosen = demo.rng.sample(widows, k=min(24, len(widows)))
    grants = _activity(
        demo,
        "gov",
        funder="charity",
        sector=Sector.FOOD,
        name="کمک نقدی معیشتی به خانوارهای زن‌سرپرست بیوه",
        starts=28,
        targets={"hh": 30},
    )
    _staff(demo, grants, ["مرضیه عطایی"], role="مددکار همراه", days=[demo.ago(21)])
    if chosen:
        assistance.distribute_donation(
            donation=donation,
            activity=grants,
            households=chosen,
            by=demo.clerk,
            quantity_each=WIDOW_GRANT,
            delivered_on=demo.ago(21),
        )


def _child_friendly_space(demo: Demo) -> None:
    space = _activity(
        demo,
        "nngo",
        sector=Sector.EDUCATION,
        name="فضای دوستدار کودک و کلاس‌های جبرانی",
        starts=-14,
        under_way=False,
        description="سه عصر در هفته در کانون فرهنگی مهمانشهر، برای کودکان ۶ تا ۱۲ سال.",
        targets={"f_age5_11": 40, "m_age5_11": 40},
    )
    _staff(demo, space, ["ریحانه موسوی", "نگار رحمانی"], role="مربی", days=[])


def _other_pledges(demo: Demo) -> None:
    partners.record_pledge(
        donor=demo.orgs["benefactors"],
        settlement=demo.settlement,
        by=demo.manager,
        kind=GiftKind.IN_KIND,
        item="بسته لوازم‌التحریر دانش‌آموزی",
        unit="بسته",
        quantity=500,
        value=500 * 6_000_000,
        pledged_on=demo.ago(10),
        expected_on=demo.ago(-40),
        restricted_sector=Sector.EDUCATION,
        restriction_note="برای دانش‌آموزان مهمانشهر در آغاز سال تحصیلی",
    )
    machines = partners.record_pledge(
        donor=demo.orgs["benefactors"],
        settlement=demo.settlement,
        by=demo.manager,
        kind=GiftKind.IN_KIND,
        item="چرخ خیاطی",
        unit="دستگاه",
        quantity=20,
        value=20 * 150_000_000,
        pledged_on=demo.ago(60),
        restricted_sector=Sector.LIVELIHOODS,
    )
    partners.cancel_pledge(
        pledge=machines,
        by=demo.manager,
        reason="خیّر نتوانست چرخ‌ها را تهیه کند؛ شورای پناهندگان نروژ چرخ‌های دوره را داد.",
    )


def _other_referrals(demo: Demo) -> None:
    """NRC's portal shows new, overdue and answered referrals; the Mashhad charity's shows
    none, its data-sharing agreement having expired."""
    ingo, partner = demo.orgs["ingo"], demo.staff.get("ingo", demo.caseworker)
    shelter = "بازدید فنی سرپناه — Shelter assessment (leaking roof)"
    for household in demo.pick(demo.residents, 4):
        referred = demo.ago(demo.rng.randint(2, 6))
        assistance.refer_household(
            household=household,
            organisation=ingo,
            by=demo.caseworker,
            sector=Sector.SHELTER,
            service=shelter,
            reason="سقف واحد در بارندگی اخیر نشت کرده است.",
            consent_given=True,
            referred_on=referred,
            due_on=referred + timedelta(days=14),
        )
    for overdue in demo.pick(demo.residents, 1):
        assistance.refer_household(
            household=overdue,
            organisation=ingo,
            by=demo.caseworker,
            sector=Sector.LIVELIHOODS,
            service="کار در برابر پول — Cash for work (construction)",
            reason="سرپرست خانوار بیکار است و مهارت بنایی دارد.",
            consent_given=True,
            referred_on=demo.ago(35),
            due_on=demo.ago(14),
        )
    for household in demo.pick(demo.residents, 3):
        referral = assistance.refer_household(
            household=household,
            organisation=ingo,
            by=demo.caseworker,
            sector=Sector.LIVELIHOODS,
            service="بسته ابزار حرفه‌ای — Vocational toolkit",
            consent_given=True,
            referred_on=demo.ago(demo.rng.randint(30, 60)),
        )
        assistance.accept_referral(referral=referral, by=partner)
        assistance.close_referral(
            referral=referral, by=partner, outcome="Toolkit handed over to the household head."
        )
    for household in demo.pick(demo.residents, 1):
        referral = assistance.refer_household(
            household=household,
            organisation=ingo,
            by=demo.caseworker,
            sector=Sector.LIVELIHOODS,
            service="کمک هزینه راه‌اندازی کسب‌وکار — Business start-up grant",
            consent_given=False,
            consent_override="سرپرست خانوار در سفر درمانی است؛ همسرش شفاهی موافقت کرد.",
            referred_on=demo.ago(25),
        )
        assistance.decline_referral(
            referral=referral, by=partner, reason="Outside this year's programme criteria."
        )
    for household in demo.pick(demo.residents, 3):
        assistance.refer_household(
            household=household,
            organisation=demo.orgs["charity"],
            by=demo.caseworker,
            sector=Sector.FOOD,
            service="بسته غذایی ماهانه",
            consent_given=True,
            referred_on=demo.ago(demo.rng.randint(40, 60)),
        )


# --- What the demo command prints beside the logins ------------------------------------------


def partner_logins() -> dict[str, str]:
    """Each demo partner login's organisation, and whether it shares any household today."""
    described = {}
    links = OrganisationStaff.objects.filter(
        user__username__in=PARTNER_LOGINS, is_active=True
    ).select_related("user", "organisation")
    for link in links:
        organisation = link.organisation
        shares = organisation.data_agreements.filter(live_on(dates.today())).exists()
        state = "live data-sharing agreement" if shares else "data-sharing agreement expired"
        shared = Referral.objects.shared_with(link.user).count()
        name = organisation.acronym or organisation.name_en.split(",")[0]
        described[link.user.username] = f"{name} ({state}; sees {shared} referred households)"
    return described
