"""The demo settlement's durable solutions: cases across every pathway and stage, the exits of
the last two years with their follow-ups, and referrals to partners, some of them overdue.

About one resident household in six has a case. The newest (opened in the last two months)
are still being assessed, most without a pathway; the others plan, work toward or are ready
for self-reliance, a move to the city, a voluntary return or resettlement, with the
household's own stated intentions, a plan of steps (some overdue, some due in the next two
weeks), readiness assessed once or twice, and the details of their pathway. Returns and
resettlements were approved by the manager at the caseworker's request (a few still await the
decision). A few cases were closed without an exit.

Exits: households that left over the last two years, each on its case — returned (approved),
resettled (approved), moved to the city, gone to another settlement, whereabouts unknown; one
family of which only a grown son's family left. The terms began fourteen months ago, so the
earlier exits are of newer residents who had no term yet. Their homes are vacant (the housing
officer re-lets them; the demo makes no offers). Follow-ups at 3, 6 and 12 months are recorded
where their day has passed, except the most recent, which wait on the caseworker's worklist.

Referrals to partners: NRC's (the partner login's organisation) are open, one of them overdue
on both sides, the caseworker's worklist and NRC's portal; UNHCR's and the directorate's were
mostly answered, and a few of them are overdue too.

Everything goes through the services, which stamp today: the timeline events of each step are
moved afterwards to the day it took place (demo data only).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import cycle
from typing import Any

from mehman.assistance import services as assistance
from mehman.core import dates
from mehman.core.models import Settlement
from mehman.demo.housing.past import moment
from mehman.demo.residence import TIMELINES, dated
from mehman.housing.models import Occupancy
from mehman.partners.models import Organisation
from mehman.registry.models import Household, HouseholdStatus, Individual, IndividualStatus
from mehman.residence.models import (
    ExitReason,
    Pathway,
    ResidenceTerm,
    ReviewStatus,
    TermOrigin,
    TermStatus,
)
from mehman.solutions import services
from mehman.solutions.models import (
    ApprovalKind,
    CaseStage,
    ExitFollowUp,
    ReadinessCriterion,
    ResettlementCategory,
    ResettlementPriority,
    ServiceType,
    SolutionsCase,
)

SEED = 1410

# Open cases per 900 resident households with a term (at least one of each): pathway → stages.
OPEN_CASES: dict[str, dict[str, int]] = {
    Pathway.UNDECIDED: {CaseStage.ASSESSING: 22},
    Pathway.SELF_RELIANCE: {
        CaseStage.ASSESSING: 4,
        CaseStage.PLANNING: 14,
        CaseStage.IN_PROGRESS: 20,
    },
    Pathway.LOCAL_INTEGRATION: {
        CaseStage.PLANNING: 10,
        CaseStage.IN_PROGRESS: 16,
        CaseStage.READY: 6,
    },
    Pathway.REPATRIATION: {CaseStage.PLANNING: 6, CaseStage.IN_PROGRESS: 10, CaseStage.READY: 5},
    Pathway.RESETTLEMENT: {CaseStage.PLANNING: 4, CaseStage.IN_PROGRESS: 7, CaseStage.READY: 2},
}
CLOSED = 4  # closed without an exit
# Exits over the last two years: (departure, pathway, how many).
EXITS: tuple[tuple[str, str, int], ...] = (
    (ExitReason.RETURNED, Pathway.REPATRIATION, 8),
    (ExitReason.MOVED_TO_CITY, Pathway.LOCAL_INTEGRATION, 9),
    (ExitReason.RESETTLED, Pathway.RESETTLEMENT, 3),
    (ExitReason.OTHER_SETTLEMENT, Pathway.UNDECIDED, 2),
    (ExitReason.WHEREABOUTS_UNKNOWN, Pathway.SELF_RELIANCE, 2),
)
# Of the exits, households that had no term yet and left 14 to 24 months ago.
EARLY_EXITS = 5
OVERDUE_REFERRALS = 5  # of the case referrals, past their follow-up date and not closed

CONDITIONS: dict[str, tuple[str, ...]] = {
    Pathway.SELF_RELIANCE: (
        "اگر سرپرست کار ثابت در کارگاه فرش پیدا کند، می‌خواهد در مهمانشهر خودکفا شود.",
        "با یک وام کوچک برای چرخ خیاطی، همسر سرپرست می‌تواند درآمد داشته باشد.",
    ),
    Pathway.LOCAL_INTEGRATION: (
        "اگر منزل اجاره‌ای ارزان در تربت جام پیدا شود و بچه‌ها مدرسه داشته باشند.",
        "پس از گرفتن پروانه کار، خانوار می‌خواهد به شهر برود.",
    ),
    Pathway.REPATRIATION: (
        "اگر امنیت هرات بهتر شود و خانه پدری هنوز سر پا باشد، برمی‌گردند.",
        "پس از پایان سال تحصیلی بچه‌ها می‌خواهند برگردند.",
    ),
    Pathway.RESETTLEMENT: (
        "خانوار نگران امنیت دختران است و بازگشت را ممکن نمی‌داند.",
        "برادر سرپرست در آلمان است؛ خانوار امید به الحاق خانواده دارد.",
    ),
    Pathway.UNDECIDED: ("خانوار هنوز تصمیم نگرفته است و می‌خواهد با بستگانش مشورت کند.",),
}
STEPS: dict[str, tuple[str, ...]] = {
    Pathway.SELF_RELIANCE: (
        "ثبت‌نام سرپرست در دوره مهارت‌آموزی قالی‌بافی",
        "معرفی همسر سرپرست به صندوق خرد",
        "بازدید از کارگاه و تأیید درآمد ماهانه",
    ),
    Pathway.LOCAL_INTEGRATION: (
        "اخذ پروانه کار برای سرپرست",
        "پیدا کردن منزل اجاره‌ای در تربت جام",
        "ثبت‌نام کودکان در مدرسه شهر",
    ),
    Pathway.REPATRIATION: (
        "جلسه مشاوره بازگشت با کمیساریا",
        "ابطال کارت آمایش در اداره کل اتباع",
        "گرفتن برگه تردد برای مرز دوغارون",
    ),
    Pathway.RESETTLEMENT: (
        "تکمیل فرم ارجاع اسکان مجدد",
        "مصاحبه با کارشناس حمایت کمیساریا",
        "معاینه پزشکی پیش از سفر",
    ),
    Pathway.UNDECIDED: ("گفت‌وگو با خانوار درباره راه‌حل‌های پایدار",),
}
PROVINCES = (("هرات", "انجیل"), ("هرات", "گذره"), ("بلخ", "مزار شریف"), ("کابل", "پغمان"))
CITY_ADDRESSES = (
    "تربت جام، خیابان امام، کوچه ۱۲، پلاک ۷",
    "تربت جام، شهرک فرهنگیان، بلوار مطهری، پلاک ۴۵",
    "تربت جام، خیابان طالقانی، کوچه گلستان، پلاک ۳",
)
REFERRALS: tuple[tuple[str, str, str, str], ...] = (
    # (service type, organisation key, service, reason)
    (
        ServiceType.LEGAL_AID,
        "ingo",
        "مشاوره حقوقی قرارداد اجاره — Legal counselling (tenancy contract)",
        "خانوار برای اجاره منزل در شهر به راهنمایی حقوقی نیاز دارد.",
    ),
    (
        ServiceType.VOCATIONAL,
        "ingo",
        "دوره مهارت‌آموزی جوشکاری — Vocational training (welding)",
        "سرپرست خانوار برای کار در شهر به مهارت فنی نیاز دارد.",
    ),
    (
        ServiceType.COUNSELLING,
        "unhcr",
        "مشاوره بازگشت داوطلبانه — Return counselling",
        "خانوار پیش از تصمیم به بازگشت، مشاوره می‌خواهد.",
    ),
    (
        ServiceType.LEGAL_AID,
        "gov",
        "ابطال کارت آمایش — Deregistration",
        "خانوار برای بازگشت داوطلبانه آماده است.",
    ),
)
# Decisions a second approver takes, by pathway and by departure.
PATHWAY_APPROVALS: dict[str, str] = {
    Pathway.REPATRIATION: ApprovalKind.RETURN,
    Pathway.RESETTLEMENT: ApprovalKind.RESETTLEMENT,
}
EXIT_APPROVALS: dict[str, str] = {
    ExitReason.RETURNED: ApprovalKind.RETURN,
    ExitReason.RESETTLED: ApprovalKind.RESETTLEMENT,
}
OUTCOMES: dict[str, str] = {
    ServiceType.LEGAL_AID: "Counselling given; the documents were prepared with the household.",
    ServiceType.VOCATIONAL: "Enrolled; the course began.",
    ServiceType.COUNSELLING: "Counselling session held with the adults of the household.",
}
FOLLOW_UPS: dict[str, str] = {
    ExitReason.RETURNED: "تلفنی با بستگان در هرات تماس گرفته شد؛ خانوار در خانه پدری ساکن است.",
    ExitReason.MOVED_TO_CITY: "بازدید از منزل؛ سرپرست کار دارد و بچه‌ها به مدرسه می‌روند.",
    ExitReason.RESETTLED: "کمیساریا خبر داد خانوار در کشور مقصد اسکان یافته است.",
    ExitReason.OTHER_SETTLEMENT: "مهمانشهر مقصد ورود خانوار را تأیید کرد.",
    ExitReason.WHEREABOUTS_UNKNOWN: "شماره تلفن خانوار خاموش است.",
}


@dataclass
class Solutions:
    """The solutions demo's settlement, its staff, its random choices and its households."""

    settlement: Settlement
    rng: random.Random
    today: date
    manager: Any
    caseworker: Any
    orgs: dict[str, Organisation]
    scale: float = 1.0
    used: set[int] = field(default_factory=set)

    def count(self, n: int) -> int:
        return max(1, round(n * self.scale))

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)


def _dated(demo: Solutions, day: date) -> Any:
    return dated(moment(demo.rng, day), TIMELINES)


def load_solutions(settlement: Settlement, *, manager: Any, caseworker: Any) -> dict[str, int]:
    """Open the demo's cases, record the exits of the last two years and their follow-ups,
    once; a settlement that has solutions cases is left alone."""
    if SolutionsCase.objects.filter(settlement=settlement).exists():
        return {"cases": 0}
    terms = list(_quiet_terms(settlement))
    if not terms:
        return {"cases": 0}
    demo = Solutions(
        settlement=settlement,
        rng=random.Random(SEED),
        today=dates.today(),
        manager=manager,
        caseworker=caseworker,
        orgs={
            key: org
            for key, acronym in (("ingo", "NRC"), ("unhcr", "UNHCR"), ("gov", "BAFIA-KR"))
            if (org := Organisation.objects.filter(acronym=acronym).first()) is not None
        },
        scale=ResidenceTerm.objects.filter(
            settlement=settlement, origin=TermOrigin.CONVERSION
        ).count()
        / 900,
    )
    demo.rng.shuffle(terms)
    cases = _early_exits(demo) + _exits(demo, terms)
    for pathway, stages in OPEN_CASES.items():
        for stage, n in stages.items():
            for term in _take(demo, terms, demo.count(n)):
                cases += 1
                _open(demo, term, pathway, stage)
    for term in _take(demo, terms, demo.count(CLOSED)):
        cases += 1
        _closed(demo, term)
    _referrals(demo)
    return {"cases": cases}


def _quiet_terms(settlement: Settlement) -> list[ResidenceTerm]:
    """Active terms with no review open and an end well ahead: households the residence demo
    left in peace, so its figures stay as they are."""
    return list(
        ResidenceTerm.objects.filter(
            settlement=settlement,
            status=TermStatus.ACTIVE,
            household__status=HouseholdStatus.RESIDENT,
            planned_end__gt=dates.today() + timedelta(days=120),
        )
        .exclude(reviews__status=ReviewStatus.OPEN)
        .select_related("household")
        .order_by("pk")
    )


def _take(demo: Solutions, terms: list[ResidenceTerm], n: int) -> list[ResidenceTerm]:
    chosen: list[ResidenceTerm] = []
    while terms and len(chosen) < n:
        term = terms.pop()
        if term.household_id not in demo.used:
            demo.used.add(term.household_id)
            chosen.append(term)
    return chosen


def _members(household: Household) -> list[Individual]:
    return list(household.members.filter(status=IndividualStatus.ACTIVE).order_by("pk"))


# --- Open cases ------------------------------------------------------------------------------


def _open(demo: Solutions, term: ResidenceTerm, pathway: str, stage: str) -> SolutionsCase:
    household = term.household
    recent = stage == CaseStage.ASSESSING
    earliest = max(term.started_on + timedelta(days=7), demo.ago(400))
    span = (demo.ago(10) - earliest).days
    opened = (
        demo.ago(demo.rng.randint(3, 60))
        if recent
        else earliest + timedelta(days=demo.rng.randint(0, max(span - 60, 0)))
    )
    with _dated(demo, opened):
        case = services.open_case(
            household=household,
            by=demo.caseworker,
            pathway=pathway,
            owner=demo.caseworker,
            opened_on=opened,
        )
        head = household.head or _members(household)[0]
        services.record_survey(
            case=case,
            by=demo.caseworker,
            preferred=pathway,
            respondent=head,
            conditions=demo.rng.choice(CONDITIONS[pathway]),
            surveyed_on=opened,
        )
    if stage == CaseStage.ASSESSING:
        _plan(demo, case, opened, steps=1)
        return case
    with _dated(demo, opened + timedelta(days=7)):
        services.change_stage(case=case, by=demo.caseworker, stage=CaseStage.PLANNING)
    _plan(demo, case, opened, steps=3)
    if stage in (CaseStage.IN_PROGRESS, CaseStage.READY):
        moved = min(opened + timedelta(days=30), demo.ago(5))
        with _dated(demo, moved):
            services.change_stage(case=case, by=demo.caseworker, stage=CaseStage.IN_PROGRESS)
        _specifics(demo, case, opened)
        _assess(demo, case, opened, ready=stage == CaseStage.READY)
    if stage == CaseStage.READY:
        with _dated(demo, demo.ago(demo.rng.randint(1, 6))):
            services.change_stage(case=case, by=demo.caseworker, stage=CaseStage.READY)
        _approve(demo, case, pending=demo.rng.random() < 0.4)
    return case


def _plan(demo: Solutions, case: SolutionsCase, opened: date, *, steps: int) -> None:
    """Steps of the plan: the first done, one overdue now and then, the rest ahead."""
    for i, title in enumerate(STEPS[case.pathway][:steps]):
        roll = demo.rng.random()
        if i == 0 and steps > 1:
            due = min(opened + timedelta(days=30), demo.ago(2))
        elif roll < 0.2:
            due = demo.ago(demo.rng.randint(3, 40))  # overdue
        elif roll < 0.4:
            due = demo.today + timedelta(days=demo.rng.randint(0, 14))  # due soon
        else:
            due = demo.today + timedelta(days=demo.rng.randint(20, 120))
        due = max(due, opened)
        with _dated(demo, opened):
            milestone = services.add_milestone(
                case=case,
                by=demo.caseworker,
                title=title,
                owner=demo.caseworker if i % 2 == 0 else demo.manager,
                due_on=due,
            )
        if i == 0 and steps > 1:
            with _dated(demo, due):
                services.complete_milestone(milestone=milestone, by=demo.caseworker, done_on=due)


def _assess(demo: Solutions, case: SolutionsCase, opened: date, *, ready: bool) -> None:
    """Readiness assessed at planning and again lately: all met for a case ready to go."""
    codes = list(
        ReadinessCriterion.objects.filter(pathway=case.pathway, is_active=True)
        .order_by("position")
        .values_list("code", flat=True)
    )
    if not codes:
        return
    first = min(opened + timedelta(days=35), demo.ago(4))
    with _dated(demo, first):
        services.assess_readiness(
            case=case,
            by=demo.caseworker,
            answers={code: i == 0 for i, code in enumerate(codes)},
            assessed_on=first,
        )
    later = demo.ago(demo.rng.randint(1, 3))
    met = len(codes) if ready else demo.rng.randint(1, len(codes) - 1 or 1)
    with _dated(demo, later):
        services.assess_readiness(
            case=case,
            by=demo.caseworker,
            answers={code: i < met for i, code in enumerate(codes)},
            assessed_on=later,
        )


def _specifics(demo: Solutions, case: SolutionsCase, opened: date) -> None:
    day = min(opened + timedelta(days=20), demo.ago(3))
    with _dated(demo, day):
        if case.pathway == Pathway.REPATRIATION:
            province, district = demo.rng.choice(PROVINCES)
            services.save_repatriation(
                case=case,
                by=demo.caseworker,
                intended_province=province,
                intended_district=district,
            )
            services.record_counselling(case=case, by=demo.caseworker, held_on=day)
        elif case.pathway == Pathway.RESETTLEMENT:
            primary, secondary = demo.rng.sample(list(ResettlementCategory.values), 2)
            services.prepare_resettlement(
                case=case,
                by=demo.caseworker,
                primary_category=primary,
                secondary_category=secondary,
                priority=demo.rng.choice(
                    [
                        ResettlementPriority.NORMAL,
                        ResettlementPriority.NORMAL,
                        ResettlementPriority.URGENT,
                    ]
                ),
                justification="خانوار هیچ راه‌حل پایدار دیگری پیش رو ندارد؛ گزارش حمایتی پیوست است.",
            )
        elif case.pathway == Pathway.LOCAL_INTEGRATION:
            services.save_integration(
                case=case, by=demo.caseworker, city="تربت جام", schools="دبستان شهید بهشتی"
            )


def _approve(demo: Solutions, case: SolutionsCase, *, pending: bool = False) -> None:
    """A return or a resettlement: the caseworker asks, the manager approves."""
    kind = PATHWAY_APPROVALS.get(case.pathway)
    if kind is None:
        return
    asked = demo.ago(demo.rng.randint(5, 20))
    with _dated(demo, max(asked, case.opened_on)):
        request = services.request_approval(
            case=case,
            by=demo.caseworker,
            kind=kind,
            justification="خانوار آگاهانه تصمیم گرفته و مدارکش کامل است.",
        )
    if pending:
        return
    with _dated(demo, max(asked + timedelta(days=2), case.opened_on)):
        services.decide_approval(approval=request, by=demo.manager, approve=True)


def _closed(demo: Solutions, term: ResidenceTerm) -> None:
    case = _open(demo, term, Pathway.SELF_RELIANCE, CaseStage.PLANNING)
    with _dated(demo, demo.ago(demo.rng.randint(5, 30))):
        services.close_case(
            case=case,
            by=demo.caseworker,
            reason="خانوار پس از گفت‌وگو ترجیح داد فعلاً در مهمانشهر بماند.",
        )


# --- Referrals -------------------------------------------------------------------------------


def _referrals(demo: Solutions) -> None:
    """Open cases referred to partners: most answered, some overdue."""
    cases = list(
        SolutionsCase.objects.filter(
            settlement=demo.settlement, stage__in=(CaseStage.IN_PROGRESS, CaseStage.READY)
        ).order_by("pk")
    )
    demo.rng.shuffle(cases)
    for i, case in enumerate(cases[: demo.count(24)]):
        service_type, key, service, reason = REFERRALS[i % len(REFERRALS)]
        org = demo.orgs.get(key)
        if org is None:
            continue
        # One of NRC's overdue (its portal shows it), the others' first few.
        overdue = i < demo.count(OVERDUE_REFERRALS) and (key != "ingo" or i == 0)
        referred = demo.ago(demo.rng.randint(25, 60) if overdue else demo.rng.randint(2, 20))
        referred = max(referred, case.opened_on)
        due = demo.ago(demo.rng.randint(1, 10)) if overdue else referred + timedelta(days=30)
        due = max(due, referred)
        with _dated(demo, referred):
            link = services.refer_to_partner(
                case=case,
                by=demo.caseworker,
                organisation=org,
                service_type=service_type,
                follow_up_on=due,
                consent_given=True,
                service=service,
                reason=reason,
                referred_on=referred,
            )
        if overdue or key == "ingo":
            continue  # NRC answers on its portal (its own demo figures are its demo's)
        answered = min(referred + timedelta(days=demo.rng.randint(2, 8)), demo.ago(1))
        with _dated(demo, answered):
            referral = assistance.accept_referral(referral=link.referral, by=demo.caseworker)
            if demo.rng.random() < 0.6:
                assistance.close_referral(
                    referral=referral, by=demo.caseworker, outcome=OUTCOMES[service_type]
                )


# --- Exits -----------------------------------------------------------------------------------


def _early_exits(demo: Solutions) -> int:
    """Households without a term (newer residents) that left 14 to 24 months ago."""
    homes = list(
        Occupancy.objects.filter(
            settlement=demo.settlement,
            ended_on__isnull=True,
            household__status=HouseholdStatus.RESIDENT,
            started_on__lte=demo.ago(800),
        )
        .exclude(household__residence_terms__isnull=False)
        .select_related("household")
        .order_by("pk")
    )
    demo.rng.shuffle(homes)
    made = 0
    kinds = cycle(
        [(ExitReason.MOVED_TO_CITY, Pathway.LOCAL_INTEGRATION), *((t, p) for t, p, _n in EXITS)]
    )
    for home, (exit_type, pathway) in zip(homes[: demo.count(EARLY_EXITS)], kinds, strict=False):
        demo.used.add(home.household_id)
        left = demo.ago(demo.rng.randint(430, 720))
        opened = max(left - timedelta(days=demo.rng.randint(60, 150)), home.started_on)
        _exit(demo, home.household, exit_type, pathway, opened, left, None)
        made += 1
    return made


def _exits(demo: Solutions, terms: list[ResidenceTerm]) -> int:
    """Households with a term that left since (the terms began 14 months ago); one family of
    which only a grown son's family left."""
    made = 0
    partial_done = False
    for exit_type, pathway, n in EXITS:
        for term in _take(demo, terms, demo.count(n)):
            left = term.started_on + timedelta(
                days=demo.rng.randint(60, max((demo.ago(15) - term.started_on).days, 61))
            )
            left = min(left, demo.ago(15))
            opened = max(left - timedelta(days=demo.rng.randint(60, 150)), term.started_on)
            members = None
            if not partial_done and exit_type == ExitReason.MOVED_TO_CITY:
                members = _grown_children(term.household)
                partial_done = members is not None
            _exit(demo, term.household, exit_type, pathway, opened, left, members)
            made += 1
    return made


def _grown_children(household: Household) -> list[Individual] | None:
    """A grown son's own family leaving: two or more members who are not the head, of a family
    of five to seven (the partners demo gave larger families two winter kits, by their size)."""
    members = _members(household)
    others = [m for m in members if m.pk != household.head_id]
    if not 5 <= len(members) <= 7:
        return None
    return others[: len(others) // 2 + 1]


def _exit(
    demo: Solutions,
    household: Household,
    exit_type: str,
    pathway: str,
    opened: date,
    left: date,
    members: list[Individual] | None,
) -> None:
    with _dated(demo, opened):
        case = services.open_case(
            household=household,
            by=demo.caseworker,
            pathway=pathway,
            owner=demo.caseworker,
            opened_on=opened,
        )
        services.record_survey(
            case=case,
            by=demo.caseworker,
            preferred=pathway,
            respondent=household.head or _members(household)[0],
            conditions=demo.rng.choice(CONDITIONS[pathway]),
            surveyed_on=opened,
        )
    kind = EXIT_APPROVALS.get(exit_type)
    if kind is not None:
        with _dated(demo, left - timedelta(days=10)):
            request = services.request_approval(
                case=case,
                by=demo.caseworker,
                kind=kind,
                justification="خانوار آگاهانه تصمیم گرفته و مدارکش کامل است.",
            )
            services.decide_approval(approval=request, by=demo.manager, approve=True)
    new_head = None
    if members:
        new_head = max(members, key=lambda m: m.age_on(left) or 0)
    with _dated(demo, left):
        case_exit = services.record_exit(
            case=case,
            by=demo.caseworker,
            exit_type=exit_type,
            exit_on=left,
            members=members,
            new_head=new_head,
            offer_home=False,
        )
    for follow_up in ExitFollowUp.objects.filter(exit=case_exit).order_by("months"):
        if follow_up.due_on > demo.ago(20):
            continue  # due lately or ahead: on the worklist
        reached = exit_type != ExitReason.WHEREABOUTS_UNKNOWN
        done = min(follow_up.due_on + timedelta(days=demo.rng.randint(0, 12)), demo.ago(1))
        with _dated(demo, done):
            services.record_follow_up(
                follow_up=follow_up,
                by=demo.caseworker,
                reached=reached,
                outcome=FOLLOW_UPS[exit_type],
                done_on=done,
            )
