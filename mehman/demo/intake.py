"""The demo settlement's intake: the applicant households' applications and the waitlist.

Torbat-e Jam's some 650 applicant households applied over the last two years, as
each registered: most at the office, some referred by UNHCR, NRC, the directorate
or the children's NGO, some met by the field team. Most are on the waitlist; the
newest wait for screening, some were found ineligible (no residence document of
the province, an expired card, a card of another province, a household too large),
a few appeal; the top of the list has been offered homes, a few accepted, a few
declined and came back, a few let the offer lapse or withdrew. A second version of
the weights was published by the manager.

With the housing demo's site (``homes``), each offer holds a real vacant unit that
fits the household, through housing's offer services: an acceptance admits the
household and moves it in, a decline frees the unit, and a lapsed offer is closed.

Everything goes through the intake, registry and housing services. Only the dates of the
past are written afterwards (submission time, waitlisting, offer and answer dates
and the timeline's timestamps), since the services stamp today: the submission
time is written before the application is ranked, so scores count the months
waited.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from mehman.core import dates
from mehman.core.digits import to_persian
from mehman.core.models import Settlement
from mehman.intake import events as intake_events
from mehman.intake import scoring, services
from mehman.intake.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Channel,
    CurrentHousing,
    RankingReason,
)
from mehman.intake.services.applications import offer_days
from mehman.intake.services.ranking import RANK_COLUMNS
from mehman.partners.models import Organisation
from mehman.registry import services as registry_services
from mehman.registry.models import (
    DocumentType,
    Household,
    HouseholdStatus,
    IdentityDocument,
    IndividualStatus,
)

if TYPE_CHECKING:
    from mehman.demo.housing import Homes

SEED = 1407
PROVINCE = "خراسان رضوی"
OTHER_PROVINCES = ("تهران", "اصفهان", "کرمان", "یزد", "قم")

# How many of every 650 applicant households stand where (the rest are screened).
NOT_YET_APPLIED = 10  # registered in the last days; no application yet
DRAFTS = 8
UNSCREENED = 40  # submitted, waiting for screening
ELIGIBLE = 3  # screened eligible, not yet placed
NO_DOCUMENT = 10  # screened households without any residence document
EXPIRED_CARDS = 9
OTHER_PROVINCE = 9
WITHDRAWN = 6  # from the waitlist
UNREACHABLE = 4  # waitlisted, could not be reached: expired
OFFERS = 24  # made in rank order; the oldest answered (ANSWERED), the others await an answer
# The answered offers, oldest first: what the household did, and how many days ago it was
# offered. Offers are due in 14 days; the last three were declined on their due day, after
# the newer offers were made, so those went to the households ranked next.
ANSWERED = (
    ("accept", 30),
    ("accept", 28),
    ("expire", 26),
    ("accept", 24),
    ("expire", 22),
    ("accept", 20),
    ("decline", 17),
    ("decline", 16),
    ("decline", 15),
)
NEWER_OFFERS = (12, 5)  # the others were made from 12 to 5 days ago

CHANNELS = ((Channel.WALK_IN, 62), (Channel.PARTNER, 22), (Channel.FIELD_TEAM, 16))
# Who refers households, and how often (by organisation type).
REFERRERS = (("UN", 40), ("GOV", 30), ("INGO", 20), ("NNGO", 10))
HOUSING = (
    (CurrentHousing.RENTED, 52),
    (CurrentHousing.RELATIVES, 18),
    (CurrentHousing.WORKPLACE, 11),
    (CurrentHousing.INFORMAL, 10),
    (CurrentHousing.OTHER, 5),
    (CurrentHousing.HOMELESS, 4),
)
PLACES = {
    CurrentHousing.RENTED: (
        "مشهد، گلشهر",
        "مشهد، التیمور",
        "مشهد، شهرک شهید رجایی",
        "مشهد، قلعه ساختمان",
        "تربت جام، کوی ولیعصر",
        "تربت جام، محله سرآسیاب",
        "تایباد",
        "فریمان",
        "نیشابور",
    ),
    CurrentHousing.RELATIVES: (
        "نزد خانواده برادر، مشهد، گلشهر",
        "نزد پدر همسر، تربت جام",
        "نزد خویشاوندان، تایباد",
        "نزد خانواده خواهر، فریمان",
    ),
    CurrentHousing.WORKPLACE: (
        "کوره‌پزخانه‌ای در حاشیه تربت جام",
        "مرغداری در فریمان",
        "مزرعه‌ای در صالح‌آباد",
        "کارگاه ساختمانی در مشهد",
    ),
    CurrentHousing.INFORMAL: (
        "چادر در حاشیه تربت جام، جاده صالح‌آباد",
        "اتاقک نیمه‌ساخته در حاشیه مشهد",
        "خانه خشتی مخروبه در روستای نصرآباد",
    ),
    CurrentHousing.OTHER: ("اتاقی در حسینیه محله، به‌طور موقت", "انباری یک مغازه در تایباد"),
    CurrentHousing.HOMELESS: ("بی‌سرپناه؛ شب‌ها در مسجد محله می‌ماند", "بی‌سرپناه، تربت جام"),
}
REASONS = {
    CurrentHousing.RENTED: (
        "اجاره‌بها از درآمد خانوار بیشتر شده است.",
        "صاحبخانه قرارداد را تمدید نمی‌کند.",
        "خانه‌ای که اجاره کرده‌اند نم دارد و برای کودکان مناسب نیست.",
    ),
    CurrentHousing.RELATIVES: (
        "دو خانوار در یک اتاق زندگی می‌کنند.",
        "خویشاوندان دیگر نمی‌توانند خانوار را نگه دارند.",
    ),
    CurrentHousing.WORKPLACE: (
        "با پایان فصل کار باید جای خود را در کارگاه ترک کنند.",
        "اتاق کارگاه برای خانواده جا ندارد.",
    ),
    CurrentHousing.INFORMAL: ("سرپناه در زمستان گرم نمی‌شود.", "سرپناه آب و برق ندارد."),
    CurrentHousing.OTHER: ("جای فعلی موقت است.",),
    CurrentHousing.HOMELESS: ("خانوار سرپناهی ندارد.",),
}
EVICTION_RISK = {
    CurrentHousing.RENTED: 0.15,
    CurrentHousing.RELATIVES: 0.2,
    CurrentHousing.INFORMAL: 0.3,
    CurrentHousing.WORKPLACE: 0.1,
}
WITHDRAWALS = (
    "خانوار به افغانستان بازگشت.",
    "خانوار در شهر دیگری خانه اجاره کرد.",
    "سرپرست خانوار در استان دیگری کار پیدا کرد و خانوار به آنجا رفت.",
)
UNREACHABLE_REASON = "با خانوار در سه نوبت تماس گرفته شد و پاسخی نداد؛ نشانی تازه‌ای هم نداد."
LAPSED_OFFER = "پیشنهاد در مهلت پاسخ داده نشد."
DECLINES = (
    "واحد پیشنهادی از محل کار سرپرست خانوار دور است.",
    "خانوار واحد بزرگ‌تری می‌خواهد؛ هشت نفر در یک واحد دوخوابه جا نمی‌شوند.",
    "سرپرست خانوار تا پایان فصل کار کشاورزی نمی‌تواند جابه‌جا شود.",
)
GROUND_FLOOR = (
    "واحد همکف و مناسب ویلچر است؛ خانوارهای بالاتر در فهرست عضو دارای معلولیت جسمی ندارند "
    "و واحد مناسب بعدی به آنها پیشنهاد می‌شود."
)
WEIGHTS_V2 = {"eviction_risk": "15", "under_five": "4", "need:DS": "10"}
WEIGHTS_NOTE = (
    "به پیشنهاد کمیته اسکان پس از زمستان گذشته، وزن خطر تخلیه، کودکان زیر پنج سال "
    "و معلولیت بیشتر شد."
)


@dataclass
class Plan:
    """What happens to one applicant household, and when."""

    household: Household
    applied: date
    submitted: datetime
    screened: date
    stage: str  # none, draft, submitted, eligible or screened
    papers: str = "valid"  # valid, none, expired or province
    seen: list[str] = field(default_factory=list)  # documents seen at the interview
    application: Application | None = None


@dataclass
class Intake:
    settlement: Settlement
    today: date
    rng: random.Random
    manager: Any
    clerk: Any
    caseworker: Any
    total: int = 0  # applicant households
    referrers: list[tuple[Organisation, int]] = field(default_factory=list)
    homes: Homes | None = None  # the housing demo's vacant units, when the site is loaded
    # application id → the dates of its past: submitted, screened, waitlisted, offered, answered
    past: dict[int, dict[str, Any]] = field(default_factory=dict)

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def count(self, per_650: int) -> int:
        """How many of this demo's applicant households, for so many of every 650."""
        return max(round(self.total * per_650 / 650), 0)

    def at(self, day: date) -> datetime:
        """A moment of office hours on ``day``."""
        minute = self.rng.randrange(8 * 60, 14 * 60)
        return timezone.make_aware(datetime.combine(day, time(minute // 60, minute % 60)))


def _weighted(rng: random.Random, table: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _w in table], weights=[w for _v, w in table])[0]


def load_intake(
    settlement: Settlement,
    *,
    manager: Any,
    clerk: Any,
    caseworker: Any,
    homes: Homes | None = None,
) -> int:
    """Give the settlement's applicant households their applications once; a settlement
    that has applications is left alone. Returns the number of applications made.

    With ``homes``, the offers are of the housing demo's vacant units."""
    if Application.objects.filter(settlement=settlement).exists():
        return 0
    households = list(
        Household.objects.filter(settlement=settlement, status=HouseholdStatus.APPLICANT)
        .select_related("head", "settlement")
        .order_by("registered_on", "reference")
    )
    if not households:
        return 0
    demo = Intake(settlement, dates.today(), random.Random(SEED), manager, clerk, caseworker)
    demo.total = len(households)
    demo.referrers = _referrers(settlement)
    demo.homes = homes
    plans = _plan(demo, households)
    _papers(demo, plans)
    for plan in sorted(plans, key=lambda p: p.submitted):
        _apply(demo, plan)
    _place_on_waitlist(demo, plans)
    services.rerank(settlement=settlement, reason=RankingReason.WAITING)
    services.publish_weights(
        settlement=settlement, weights=WEIGHTS_V2, note=WEIGHTS_NOTE, by=manager
    )
    _leavers(demo)
    _appeals(demo, plans)
    _offers(demo)
    _backdate(demo)
    return Application.objects.filter(settlement=settlement).count()


def _referrers(settlement: Settlement) -> list[tuple[Organisation, int]]:
    by_type = {
        o.org_type: o for o in Organisation.objects.filter(settlements=settlement).order_by("-pk")
    }
    return [(by_type[kind], weight) for kind, weight in REFERRERS if kind in by_type]


# --- Who stands where, and when ---------------------------------------------------------------


def _plan(demo: Intake, households: list[Household]) -> list[Plan]:
    """Newest registrations have not applied or wait for screening; the rest were screened.

    Households apply when they register, or a few days later."""
    rng = demo.rng
    stages: list[str] = []
    for stage, per_650 in (
        ("none", NOT_YET_APPLIED),
        ("draft", DRAFTS),
        ("submitted", UNSCREENED),
        ("eligible", ELIGIBLE),
    ):
        stages += [stage] * demo.count(per_650)
    plans: list[Plan] = []
    for number, household in enumerate(reversed(households)):
        delay = timedelta(days=rng.choice((0, 0, 0, 1, 2, 5)))
        applied = min(household.registered_on + delay, demo.today)
        screened = min(applied + timedelta(days=rng.randint(7, 40)), demo.today)
        stage = stages[number] if number < len(stages) else "screened"
        plans.append(Plan(household, applied, demo.at(applied), screened, stage))
    return plans


def _holders(households: list[Household]) -> dict[int, list[IdentityDocument]]:
    """Each household's Amayesh cards, the head's first."""
    cards: dict[int, list[IdentityDocument]] = {}
    for card in (
        IdentityDocument.objects.filter(
            individual__household__in=households,
            individual__status=IndividualStatus.ACTIVE,
            doc_type=DocumentType.AMAYESH,
        )
        .select_related("individual__household")
        .order_by("individual__household_id", "individual_id", "id")
    ):
        cards.setdefault(card.individual.household_id, []).append(card)
    for household in households:
        found = cards.get(household.pk, [])
        found.sort(key=lambda c: c.individual_id != household.head_id)
    return cards


def _papers(demo: Intake, plans: list[Plan]) -> None:
    """The cards seen at the interview are recorded with their province and expiry: most
    valid in this province; a few expired or of another province; some households hold
    only a headcount slip, and a few nothing at all."""
    rng = demo.rng
    cards = _holders([p.household for p in plans])
    screened = [p for p in plans if p.stage == "screened"]
    with_cards = [p for p in screened if p.household.pk in cards]
    # The two latest screenings among card holders are appealed (one upheld, one pending).
    for plan, papers in zip(with_cards[:2], ("expired", "province"), strict=False):
        plan.papers = papers
        recently = max(plan.applied + timedelta(days=1), demo.ago(rng.randint(6, 18)))
        plan.screened = min(recently, demo.today)
    rest = with_cards[2:]
    for plan in rng.sample(rest, k=min(len(rest), max(demo.count(EXPIRED_CARDS) - 1, 0))):
        plan.papers = "expired"
    rest = [p for p in rest if p.papers == "valid"]
    for plan in rng.sample(rest, k=min(len(rest), max(demo.count(OTHER_PROVINCE) - 1, 0))):
        plan.papers = "province"
    without = [p for p in screened if p.household.pk not in cards]
    for plan in rng.sample(without, k=min(len(without), demo.count(NO_DOCUMENT))):
        plan.papers = "none"
    for plan in plans:
        held = cards.get(plan.household.pk, [])
        if plan.papers == "none":
            continue
        if held:
            for card in held if plan.papers in ("expired", "province") else held[:1]:
                _record_card(demo, card, plan)
            plan.seen = [DocumentType.AMAYESH]
        elif plan.stage in ("draft", "submitted") and rng.random() < 0.35:
            plan.papers = "none"  # newer arrivals waiting for screening may have shown nothing
        else:
            _headcount_slip(demo, plan)
            plan.seen = [DocumentType.HEADCOUNT]
        if rng.random() < 0.4:
            plan.seen.append(DocumentType.FIDA)


def _record_card(demo: Intake, card: IdentityDocument, plan: Plan) -> None:
    rng, papers = demo.rng, plan.papers
    if papers == "expired":  # already when the application was screened
        expires = plan.screened - timedelta(days=rng.randint(20, 200))
    else:
        expires = demo.ago(-rng.randint(20, 330))
    registry_services.correct(
        record=card,
        by=demo.clerk,
        reason="جزئیات کارت آمایش در مصاحبه درخواست اسکان ثبت شد.",
        province=rng.choice(OTHER_PROVINCES) if papers == "province" else PROVINCE,
        issued_on=expires - timedelta(days=365),
        expires_on=expires,
        cycle=to_persian("آمایش ۱۹" if expires >= demo.today else "آمایش ۱۸"),
    )


def _headcount_slip(demo: Intake, plan: Plan) -> None:
    head = plan.household.head
    if head is None:
        return
    registry_services.add_document(
        person=head,
        by=demo.clerk,
        doc_type=DocumentType.HEADCOUNT,
        number_typed=f"{plan.household.pk:05d}{demo.rng.randrange(10**5, 10**6)}",
        province=PROVINCE,
        issued_on=demo.ago(demo.rng.randint(400, 700)),
        expires_on=demo.ago(-demo.rng.randint(30, 240)),
        cycle="سرشماری ۱۴۰۱",
    )


# --- Applications: made, submitted, screened, waitlisted --------------------------------------


def _details(demo: Intake, plan: Plan) -> dict[str, Any]:
    rng = demo.rng
    channel = _weighted(rng, CHANNELS)
    if channel == Channel.PARTNER and not demo.referrers:
        channel = Channel.WALK_IN
    housing = _weighted(rng, HOUSING)
    if housing in (CurrentHousing.HOMELESS, CurrentHousing.INFORMAL, CurrentHousing.WORKPLACE):
        no_income = rng.random() < 0.3
    else:
        no_income = rng.random() < 0.12
    if no_income:
        income: int | None = 0
    elif rng.random() < 0.1:
        income = None  # not declared
    else:
        income = rng.randrange(30, 160) * 1_000_000
    return {
        "channel": channel,
        "referred_by": _weighted(rng, demo.referrers) if channel == Channel.PARTNER else None,
        "current_housing": housing,
        "current_place": rng.choice(PLACES[housing]),
        "reasons": rng.choice(REASONS[housing]),
        "monthly_income": income,
        "eviction_risk": rng.random() < EVICTION_RISK.get(housing, 0),
        "documents_seen": plan.seen,
        "consent_given": plan.stage != "draft" or rng.random() < 0.5,
    }


def _documents(household: Household) -> QuerySet[IdentityDocument]:
    return IdentityDocument.objects.filter(
        individual__household=household, individual__status=IndividualStatus.ACTIVE
    )


def _apply(demo: Intake, plan: Plan) -> None:
    if plan.stage == "none":
        return
    details = _details(demo, plan)
    by = demo.caseworker if details["channel"] == Channel.FIELD_TEAM else demo.clerk
    application = services.create_application(
        household=plan.household, by=by, applied_on=plan.applied, **details
    )
    plan.application = application
    if plan.stage == "draft":
        return
    application, _pin = services.submit_application(application=application, by=by)
    # The services stamp today; the demo's past is written before the application is ranked.
    Application.objects.filter(pk=application.pk).update(submitted_at=plan.submitted)
    past = demo.past.setdefault(application.pk, {})
    past["submitted"] = plan.submitted
    if plan.stage == "submitted":
        return
    application = services.screen_application(
        application=application, by=demo.manager, day=plan.screened
    )
    plan.application = application
    past["screened"] = demo.at(plan.screened)


def _place_on_waitlist(demo: Intake, plans: list[Plan]) -> None:
    """The screened eligible households join the waitlist a few days after screening.

    They join in the order they will stand (as ``placements`` would order them), so each
    joins at the end and the rank history records one move each, not hundreds."""
    eligible = {
        p.application.pk: (p, p.application)
        for p in plans
        if p.stage == "screened"
        and p.application is not None
        and p.application.status == ApplicationStatus.ELIGIBLE
    }
    rows = Application.objects.filter(pk__in=list(eligible)).values_list(*RANK_COLUMNS)
    weights = services.current_weights(demo.settlement).as_decimals()
    for pk, _points in scoring.rank_rows(rows, weights, demo.today):
        plan, application = eligible[pk]
        application = services.place_on_waitlist(application=application, by=demo.manager)
        waitlisted = min(plan.screened + timedelta(days=demo.rng.randint(0, 4)), demo.today)
        demo.past[pk]["waitlisted"] = demo.at(waitlisted)
        Application.objects.filter(pk=application.pk).update(waitlisted_on=waitlisted)


# --- Leaving the waitlist, appeals, offers -----------------------------------------------------


def _waitlist(demo: Intake, top: int | None = None) -> list[Application]:
    """The waitlisted applications in rank order (the first ``top`` of them)."""
    waiting = (
        Application.objects.filter(settlement=demo.settlement, status=ApplicationStatus.WAITLISTED)
        .select_related("household", "settlement")
        .order_by("rank")
    )
    return list(waiting[:top] if top is not None else waiting)


def _leavers(demo: Intake) -> None:
    """A few households withdraw, a few cannot be reached any more (never the top ranks)."""
    candidates = _waitlist(demo)[OFFERS + 10 :]
    withdrawn = demo.count(WITHDRAWN)
    leaving = demo.rng.sample(
        candidates, k=min(len(candidates), withdrawn + demo.count(UNREACHABLE))
    )
    for number, application in enumerate(leaving):
        if number < withdrawn:
            services.withdraw_application(
                application=application, by=demo.clerk, reason=demo.rng.choice(WITHDRAWALS)
            )
        else:
            services.expire_application(
                application=application, by=demo.manager, reason=UNREACHABLE_REASON
            )


def _appeals(demo: Intake, plans: list[Plan]) -> None:
    """Two households appeal their ineligibility (one upheld, once the renewed card was
    seen), two their score (one decided, once a disability was recorded)."""
    appealing = [
        p.application
        for p in plans
        if p.application is not None
        and p.stage == "screened"
        and p.papers in ("expired", "province")
        and p.screened >= demo.ago(25)
    ]
    for application in appealing[:2]:
        application.refresh_from_db()
        if application.status == ApplicationStatus.INELIGIBLE:
            _appeal_ineligibility(demo, application)
    waiting = _waitlist(demo)
    if len(waiting) > OFFERS + 40:
        pending, decided = demo.rng.sample(waiting[OFFERS + 10 :], k=2)
        services.lodge_appeal(
            application=pending,
            by=demo.clerk,
            grounds="یکی از اعضای خانوار بیماری مزمن قلبی دارد که در پرونده ثبت نشده است؛ "
            "گواهی پزشک پیوست شد.",
        )
        _appeal_score(demo, decided)


def _appeal_ineligibility(demo: Intake, application: Application) -> None:
    card = (
        _documents(application.household)
        .filter(doc_type=DocumentType.AMAYESH)
        .order_by("id")
        .first()
    )
    if card is not None and card.expires_on and card.expires_on < demo.today:
        services.lodge_appeal(
            application=application,
            by=demo.clerk,
            grounds="کارت آمایش خانوار تمدید شده است؛ کارت تازه در دفتر دیده شد.",
        )
        registry_services.correct(
            record=card,
            by=demo.clerk,
            reason="کارت تمدیدشده در رسیدگی به تجدیدنظر دیده شد.",
            expires_on=demo.ago(-300),
            cycle=to_persian("آمایش ۱۹"),
        )
        services.decide_appeal(
            application=application,
            by=demo.manager,
            upheld=True,
            decision="کارت تمدیدشده دیده و در پرونده ثبت شد؛ خانوار واجد شرایط است.",
        )
        services.place_on_waitlist(application=application, by=demo.manager)
    else:
        services.lodge_appeal(
            application=application,
            by=demo.clerk,
            grounds="خانوار سال گذشته از استان دیگری به تربت جام آمده و درخواست انتقال "
            "آمایش به خراسان رضوی را ثبت کرده است؛ رسید درخواست پیوست شد.",
        )


def _appeal_score(demo: Intake, application: Application) -> None:
    services.lodge_appeal(
        application=application,
        by=demo.clerk,
        grounds="کوچک‌ترین عضو خانوار معلولیت جسمی دارد که در پرونده ثبت نشده است.",
    )
    person = application.household.active_members().order_by("-birth_date").first()
    if (
        person is not None
        and not person.needs.filter(code__code="DS-PM", resolved_on__isnull=True).exists()
    ):
        registry_services.record_need(
            person=person, code="DS-PM", by=demo.caseworker, recorded_on=demo.ago(2)
        )
    services.decide_appeal(
        application=application,
        by=demo.manager,
        upheld=True,
        decision="معلولیت جسمی با گواهی پزشک تأیید و در پرونده ثبت شد؛ امتیاز دوباره حساب شد.",
    )


def _offers(demo: Intake) -> None:
    """Homes offered in rank order over the last month: the oldest offers were answered
    (accepted, declined and back on the waitlist, or left to lapse), the newest wait;
    two ground-floor homes went to households with a disabled member, passing over
    households ranked higher."""
    rng = demo.rng
    waitlisted = Application.objects.filter(
        settlement=demo.settlement, status=ApplicationStatus.WAITLISTED
    ).count()
    count = min(demo.count(OFFERS), max(waitlisted - 10, 0))
    answered = ANSWERED[: min(len(ANSWERED), count // 2)]
    oldest, newest = NEWER_OFFERS
    newer = count - len(answered)
    days = [ago for _outcome, ago in answered] + [
        oldest - (oldest - newest) * number // max(newer - 1, 1) for number in range(newer)
    ]
    units = rng.sample(range(24 * 40), k=count)
    offered: list[Application] = []
    for number, (unit, ago) in enumerate(zip(units, days, strict=True)):
        waiting = _waitlist(demo, top=20)
        chosen, skip_reason = waiting[0], ""
        if number in (len(answered) + 2, len(answered) + 9):
            disabled = [a for a in waiting[2:] if a.f_disability]
            if disabled:
                chosen, skip_reason = disabled[0], GROUND_FLOOR
        offered_on = demo.ago(ago)
        respond_by = offered_on + timedelta(days=offer_days())
        if demo.homes is not None:
            application = demo.homes.offer(
                application=chosen,
                by=demo.manager,
                offered_on=offered_on,
                respond_by=respond_by,
                skip_reason=skip_reason,
            )
        else:
            application = services.make_offer(
                application=chosen,
                by=demo.manager,
                place=to_persian(f"بلوک {unit // 40 + 1}، واحد {unit % 40 + 1}"),
                respond_by=max(respond_by, demo.today),
                skip_reason=skip_reason,
            )
        Application.objects.filter(pk=application.pk).update(
            offered_on=offered_on, respond_by=respond_by
        )
        demo.past.setdefault(application.pk, {})["offered"] = demo.at(offered_on)
        offered.append(application)
    for application, (outcome, ago) in zip(offered, answered, strict=False):
        past = demo.past[application.pk]
        due = demo.ago(ago) + timedelta(days=offer_days())
        if outcome == "accept":
            answer = demo.ago(ago - rng.randint(2, 8))
            if demo.homes is not None:  # acceptance admits the household into its unit
                demo.homes.accept(application=application, by=demo.clerk, day=answer)
            else:
                services.accept_offer(application=application, by=demo.clerk, day=answer)
        elif outcome == "decline":
            answer = min(due, demo.today)
            reason = rng.choice(DECLINES)
            if demo.homes is not None:
                demo.homes.decline(
                    application=application, by=demo.clerk, reason=reason, day=answer
                )
            else:
                services.decline_offer(application=application, by=demo.clerk, reason=reason)
            Application.objects.filter(pk=application.pk).update(answered_on=answer)
        else:
            services.expire_application(
                application=application, by=demo.manager, reason=LAPSED_OFFER
            )
            if demo.homes is not None:
                demo.homes.lapsed(application=application, day=min(due, demo.today))
            continue
        past["answered"] = demo.at(answer)
    if demo.homes is not None:
        demo.homes.close(by=demo.manager)


# --- The timeline's dates -----------------------------------------------------------------------

# Which past moment each event kind took place at.
EVENT_MOMENTS = {
    intake_events.CREATED.code: "submitted",
    intake_events.SUBMITTED.code: "submitted",
    intake_events.SCREENED_ELIGIBLE.code: "screened",
    intake_events.SCREENED_INELIGIBLE.code: "screened",
    intake_events.WAITLISTED.code: "waitlisted",
    intake_events.OFFERED.code: "offered",
    intake_events.ACCEPTED.code: "answered",
    intake_events.DECLINED.code: "answered",
    intake_events.RETURNED.code: "answered",
    intake_events.ADMITTED.code: "answered",  # an accepted unit offer admits the same day
}


def _backdate(demo: Intake) -> None:
    """Each application's timeline shows when things happened, not when the demo loaded."""
    events = list(
        ApplicationEvent.objects.filter(
            aggregate__settlement=demo.settlement, kind__in=list(EVENT_MOMENTS)
        ).only("id", "aggregate_id", "kind", "at")
    )
    changed = []
    for event in events:
        moment = demo.past.get(event.aggregate_id, {}).get(EVENT_MOMENTS[event.kind])
        if moment is not None and moment < event.at:
            event.at = moment
            changed.append(event)
    ApplicationEvent.objects.bulk_update(changed, ["at"], batch_size=500)


# --- What the demo command prints beside the logins ------------------------------------------


def status_example(settlement: Settlement, *, by: Any) -> tuple[Application, str] | None:
    """A waitlisted application and a new PIN for it, so that the public status page can be
    tried; each call replaces the PIN, as a clerk does for an applicant who lost it."""
    waiting = Application.objects.filter(settlement=settlement, status=ApplicationStatus.WAITLISTED)
    application = waiting.filter(rank__gte=12).order_by("rank").first() or waiting.first()
    if application is None:
        return None
    return application, services.issue_pin(application=application, by=by)
