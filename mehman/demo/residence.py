"""The demo settlement's residence: its long-term residents converted to staggered
three-year terms fourteen months ago, the reviews since, signed agreements and the first
exits; the watched documents' expiry dates, the Amayesh 18 renewal campaign and a few
text messages to residents.

The conversion, as a manager would have run it: every resident household living here two
years or more when it began, three-year terms ending over the last two years (later for
households with specific needs or school-age children), committed in one run. The newer
residents (about a hundred) have no term, so a manager can try a conversion on them. The
terms ending first (about two months ago) were decided at their last review: some
extended, with a reason, most leaving, and some of those exits recorded; a few households
announced their return early. Most reviews were held (a few late); some are overdue and
some fall due in the next two weeks. The demo's admitted households got their term at
admission (the intake's hook) and are left as they are.

Everything goes through the residence and registry services; the services stamp today, so
the timeline events of each step are moved afterwards to the day it took place, and the
dates a service stamps (when a conversion was committed, a member renewed, a contact made)
are written back as the day they happened (demo data only).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.utils import timezone

from mehman.core import dates
from mehman.core.digits import to_persian
from mehman.core.models import Settlement, SettlementEvent
from mehman.demo.housing.past import moment
from mehman.housing.models import UnitEvent
from mehman.registry import services as registry_services
from mehman.registry.models import (
    DocumentType,
    HouseholdEvent,
    HouseholdStatus,
    IdentityDocument,
    Individual,
    IndividualStatus,
    LaissezPasserPurpose,
)
from mehman.residence.models import (
    OPEN_TERM_STATUSES,
    WATCHED_DOCUMENTS,
    Campaign,
    CampaignTarget,
    ContactOutcome,
    ConversionRun,
    Decision,
    ExitReason,
    Priority,
    Progress,
    ResidenceTerm,
    TargetStatus,
)
from mehman.residence.services import campaigns, conversion, messages, terms

SEED = 1409
MONTHS_AGO = 14  # the converted terms started this many months ago
TERM_MONTHS = 36
STAGGER_YEARS = 2
RESIDENT_YEARS = 2  # households living here this long when the conversion began
PRIORITIES = [Priority.VULNERABLE, Priority.CHILDREN]

# For every 900 converted households (at least one of each on a smaller registry):
OVERDUE = 30  # reviews due and not held; of them, the first review never held:
NEVER_REVIEWED = 4
DUE_SOON = 40  # next review within the next two weeks (the first one held late)
EARLY_LEAVERS = 4  # exit begun at the second review: the household announced its return
EARLY_EXITS_RECORDED = 3  # of them, already gone
ENDED = 10  # exits recorded among the terms whose end has passed
EXTENDED_SHARE = 0.25  # of the terms whose end has passed, extended at their last review
UNSIGNED_SHARE = 0.12  # agreements not signed yet

# The watched documents of resident members, by expiry:
EXPIRED = 40
WITHIN_30 = 60
WITHIN_90 = 80
LAISSEZ_PASSERS = 24
VISAS = 10
AMAYESH_DATED = 30  # old cards whose expiry was recorded (most old cards carry none)
RENEWED_SHARE = 0.05  # of the campaign's members, renewed in its first three weeks
FOLLOW_UPS = 60

CAMPAIGN_TITLE = "تمدید کارت آمایش ۱۸"
CAMPAIGN_CYCLE = to_persian("آمایش ۱۸")
OLD_CYCLE = to_persian("آمایش ۱۷")

PROGRESS_NOTES: dict[str, str] = {
    Progress.ON_TRACK: "سرپرست در کارگاه قالی‌بافی مشغول است و پس‌انداز ماهانه دارد.",
    Progress.SOME: "یکی از اعضا در دوره مهارت‌آموزی ثبت‌نام کرده است.",
    Progress.NONE: "سرپرست هنوز کار ثابتی پیدا نکرده است.",
    Progress.SETBACK: "بیماری سرپرست، درآمد خانوار را قطع کرده است.",
}
EXTENSION_REASONS = (
    "فرزند خانوار در پایه دوازدهم است؛ تمدید تا پایان سال تحصیلی.",
    "پرونده اسکان مجدد خانوار در کمیساریا در جریان است و تاریخ سفر هنوز تعیین نشده.",
    "سرپرست تحت درمان بیماری مزمن در درمانگاه مهمانشهر است.",
    "خانوار برای اجاره منزل در شهر پس‌انداز می‌کند؛ قرارداد کار سرپرست تا شش ماه دیگر است.",
)
EXIT_REASONS = (
    "پایان دوره اقامت؛ خانوار قصد بازگشت داوطلبانه دارد.",
    "پایان دوره اقامت؛ سرپرست در شهر تربت جام کار و منزل اجاره‌ای یافته است.",
    "پایان دوره اقامت؛ خانوار برای اسکان مجدد پذیرفته شده است.",
)
EARLY_EXIT = "خانوار اعلام کرد برای بازگشت داوطلبانه ثبت‌نام کرده است."
EXITS = (
    (ExitReason.RETURNED, "با برگه بازگشت داوطلبانه از مرز دوغارون خارج شدند."),
    (ExitReason.MOVED_TO_CITY, "به منزل اجاره‌ای در تربت جام رفتند."),
    (ExitReason.RESETTLED, "با هماهنگی کمیساریا به کشور سوم اعزام شدند."),
)
FOLLOW_UP_NOTES = {
    ContactOutcome.REACHED: "تلفنی تماس گرفته شد؛ هفته آینده مراجعه می‌کند.",
    ContactOutcome.NO_ANSWER: "تلفن پاسخ نداد.",
    ContactOutcome.AWAY: "برای کار فصلی به مشهد رفته است.",
    ContactOutcome.REFUSED: "می‌گوید هزینه تمدید را ندارد؛ به مددکار معرفی شد.",
}


@dataclass
class Residence:
    """The residence demo's settlement, its staff and its random choices."""

    settlement: Settlement
    rng: random.Random
    today: date
    manager: Any
    caseworker: Any
    clerk: Any
    scale: float = 1.0

    def count(self, n: int) -> int:
        return max(1, round(n * self.scale))

    def before_today(self, day: date) -> date:
        return min(day, self.today - timedelta(days=1))


# The timelines the residence, registry and housing services write on.
TIMELINES: tuple[type[Model], ...] = (HouseholdEvent, SettlementEvent, UnitEvent)


@contextmanager
def dated(when: datetime, timelines: tuple[type[Model], ...] = (HouseholdEvent,)) -> Iterator[None]:
    """The timeline events written inside the block took place at ``when``."""
    since = timezone.now()
    yield
    for model in timelines:
        model.objects.filter(at__gte=since).update(at=when)  # type: ignore[attr-defined]


def load_residence(
    settlement: Settlement, *, manager: Any, caseworker: Any, clerk: Any
) -> dict[str, int]:
    """Convert the settlement's long-term residents and live the fourteen months since, once;
    a settlement that has had a conversion is left alone."""
    if ConversionRun.objects.filter(settlement=settlement).exists():
        return {"terms": 0}
    demo = Residence(
        settlement=settlement,
        rng=random.Random(SEED),
        today=dates.today(),
        manager=manager,
        caseworker=caseworker,
        clerk=clerk,
    )
    run = _convert(demo)
    if run is None:
        return {"terms": 0}
    converted = list(
        ResidenceTerm.objects.filter(conversion=run).select_related("household").order_by("pk")
    )
    demo.scale = len(converted) / 900
    _sign(demo, ResidenceTerm.objects.filter(settlement=settlement).order_by("pk"))
    _review(demo, converted)
    campaign = _campaign(demo)
    _documents(demo)
    _messages(demo, campaign)
    return {"terms": len(converted)}


# --- The conversion -------------------------------------------------------------------------


def _convert(demo: Residence) -> ConversionRun | None:
    start = dates.add_months(demo.today, -MONTHS_AGO)
    filters = {"resident_before": dates.add_months(start, -12 * RESIDENT_YEARS)}
    if not conversion.eligible_households(demo.settlement, filters).exists():
        return None
    prepared = moment(demo.rng, start - timedelta(days=9))
    with dated(prepared, TIMELINES):
        run = conversion.prepare_conversion(
            settlement=demo.settlement,
            by=demo.manager,
            filters=filters,
            term_months=TERM_MONTHS,
            stagger_years=STAGGER_YEARS,
            start_on=start,
            priorities=list(PRIORITIES),
        )
    committed = moment(demo.rng, start - timedelta(days=2))
    with dated(committed, TIMELINES):
        run = conversion.commit_conversion(run=run, by=demo.manager)
    ConversionRun.objects.filter(pk=run.pk).update(
        created_at=prepared,
        committed_at=committed,
        reversible_until=committed.date()
        + timedelta(days=int(settings.MEHMAN_CONVERSION_GRACE_DAYS)),
    )
    ResidenceTerm.objects.filter(conversion=run).update(created_at=committed)
    return run


def _sign(demo: Residence, open_terms: Any) -> None:
    """Most households signed their agreement in the weeks after their term began."""
    rng = demo.rng
    for term in open_terms:
        if rng.random() < UNSIGNED_SHARE:
            continue
        signed = demo.before_today(term.started_on + timedelta(days=rng.randint(3, 70)))
        if signed < term.started_on:
            continue
        with dated(moment(rng, signed)):
            terms.record_agreement(term=term, by=demo.caseworker, signed_on=signed)


# --- Reviews and exits ----------------------------------------------------------------------


def _roles(demo: Residence, converted: list[ResidenceTerm]) -> dict[int, str]:
    """What becomes of each term: the first ending are extended, leaving or gone; a few
    reviews are overdue, a few due soon, a few households leave early; the rest continue."""
    rng = demo.rng
    roles: dict[int, str] = {}
    passed = [t for t in converted if t.planned_end < demo.today]
    rng.shuffle(passed)
    extended = round(len(passed) * EXTENDED_SHARE)
    for index, term in enumerate(passed):
        if index < extended:
            roles[term.pk] = "extend"
        elif index < extended + demo.count(ENDED):
            roles[term.pk] = "ended"
        else:
            roles[term.pk] = "exit"
    later = [t for t in converted if t.planned_end > dates.add_months(demo.today, 8)]
    rng.shuffle(later)
    quotas = (
        ("never", demo.count(NEVER_REVIEWED)),
        ("overdue", demo.count(OVERDUE - NEVER_REVIEWED)),
        ("due_soon", demo.count(DUE_SOON)),
        ("early", demo.count(EARLY_LEAVERS)),
    )
    chosen = iter(later)
    for role, quota in quotas:
        for term in islice(chosen, quota):
            roles[term.pk] = role
    return roles


def _review(demo: Residence, converted: list[ResidenceTerm]) -> None:
    roles = _roles(demo, converted)
    early = 0
    for term in converted:
        role = roles.get(term.pk, "continue")
        if role == "early":
            early += 1
        recorded = role == "ended" or (role == "early" and early <= EARLY_EXITS_RECORDED)
        _live(demo, term, role, record_exit=recorded)


def _live(demo: Residence, term: ResidenceTerm, role: str, *, record_exit: bool) -> None:
    """The term's reviews, as they fell due, until today."""
    rng, today = demo.rng, demo.today
    step, decided = 0, False
    while True:
        term.refresh_from_db()
        due = term.next_review_on
        if due is None or due > today or not term.is_open:
            break
        step += 1
        if role == "never" or (role == "overdue" and step == 2):
            with dated(moment(rng, due)):  # the daily job opened it on its day
                terms.open_review(term=term, by=None, due_on=due)
            return
        if role == "due_soon" and step == 1:
            # Held two months late, so the next one falls due within two weeks.
            held = dates.add_months(today + timedelta(days=rng.randint(2, 13)), -term.review_months)
        else:
            held = demo.before_today(due + timedelta(days=rng.randint(-5, 20)))
        held = max(held, term.started_on + timedelta(days=1))
        last = dates.add_months(held, term.review_months) >= term.planned_end
        decision, new_end, reason = Decision.CONTINUE, None, ""
        if not decided and last and role in ("extend", "exit", "ended"):
            decided = True
            if role == "extend":
                decision = Decision.EXTEND
                new_end = dates.add_months(term.planned_end, rng.choice((6, 9, 12)))
                reason = rng.choice(EXTENSION_REASONS)
            else:
                decision, reason = Decision.BEGIN_EXIT, rng.choice(EXIT_REASONS)
        elif role == "early" and step == 2:
            decided = True
            decision, reason = Decision.BEGIN_EXIT, EARLY_EXIT
        progress = _progress(rng, decision)
        with dated(moment(rng, due)):
            terms.open_review(term=term, by=None, due_on=due)
        with dated(moment(rng, held)):
            terms.complete_review(
                term=term,
                by=demo.caseworker,
                held_on=held,
                progress=progress,
                decision=decision,
                progress_note=PROGRESS_NOTES[progress],
                new_end=new_end,
                reason=reason,
            )
        if decision == Decision.BEGIN_EXIT:
            if record_exit:
                _exit(demo, term, held)
            return


def _progress(rng: random.Random, decision: str) -> str:
    if decision == Decision.BEGIN_EXIT:
        return rng.choice((Progress.ON_TRACK, Progress.ON_TRACK, Progress.SOME))
    if decision == Decision.EXTEND:
        return rng.choice((Progress.SOME, Progress.NONE, Progress.SETBACK))
    return rng.choices(list(PROGRESS_NOTES), weights=(5, 6, 3, 1))[0]


def _exit(demo: Residence, term: ResidenceTerm, begun: date) -> None:
    """The household left some weeks after its exit began; it leaves its home with it."""
    rng = demo.rng
    left = min(term.planned_end + timedelta(days=rng.randint(-10, 20)), begun + timedelta(days=75))
    left = demo.before_today(max(left, begun + timedelta(days=7)))
    reason, note = rng.choice(EXITS)
    with dated(moment(rng, left), TIMELINES):
        terms.end_term(term=term, by=demo.caseworker, exit_reason=reason, exit_on=left, note=note)


# --- The Amayesh 18 renewal campaign ----------------------------------------------------------


def _campaign(demo: Residence) -> Campaign:
    """Opened three weeks ago for every resident member holding an Amayesh card: some have
    renewed, some were followed up (a few follow-ups are due), the rest are waiting."""
    rng, today = demo.rng, demo.today
    starts = today - timedelta(days=21)
    with dated(moment(rng, starts), TIMELINES):
        campaign = campaigns.open_campaign(
            settlement=demo.settlement,
            by=demo.manager,
            title=CAMPAIGN_TITLE,
            doc_type=DocumentType.AMAYESH,
            cycle=CAMPAIGN_CYCLE,
            starts_on=starts,
            ends_on=today + timedelta(days=60),
            note="همه اعضای دارای کارت آمایش باید تا پایان طرح برای تمدید مراجعه کنند.",
        )
    pending = list(
        CampaignTarget.objects.filter(campaign=campaign, status=TargetStatus.PENDING)
        .select_related("individual", "household", "campaign")
        .order_by("pk")
    )
    rng.shuffle(pending)
    renewing = round(len(pending) * RENEWED_SHARE)
    for target in pending[:renewing]:
        issued = starts + timedelta(days=rng.randint(0, 20))
        with dated(moment(rng, issued)):
            campaigns.record_renewal(
                target=target,
                by=demo.clerk,
                number=f"18{target.individual_id:09d}",
                issued_on=issued,
                expires_on=dates.add_months(issued, 12),
            )
        CampaignTarget.objects.filter(pk=target.pk).update(renewed_on=issued)
    for index, target in enumerate(pending[renewing : renewing + demo.count(FOLLOW_UPS)]):
        contacted = today - timedelta(days=rng.randint(1, 25))
        outcome = rng.choice(list(FOLLOW_UP_NOTES))
        with dated(moment(rng, contacted)):
            campaigns.record_follow_up(
                target=target, by=demo.clerk, outcome=outcome, note=FOLLOW_UP_NOTES[outcome]
            )
        # A third fall due by today; the others in the coming days.
        follow_up = contacted + timedelta(days=7) if index % 3 == 0 else None
        if follow_up is None or follow_up > today:
            follow_up = today + timedelta(days=rng.randint(1, 14))
        CampaignTarget.objects.filter(pk=target.pk).update(
            last_contact_on=contacted, follow_up_on=follow_up
        )
    return campaign


# --- Watched documents --------------------------------------------------------------------------


def _adults(demo: Residence) -> list[Individual]:
    return list(
        Individual.objects.filter(
            household__settlement=demo.settlement,
            household__status=HouseholdStatus.RESIDENT,
            status=IndividualStatus.ACTIVE,
            birth_date__lte=demo.today - timedelta(days=18 * 365),
        ).order_by("pk")
    )


def _documents(demo: Residence) -> None:
    """Laissez-passers and visas recorded for some adults, old Amayesh cards' expiry recorded
    for a few; then the watched documents' expiry dates, so that some have expired, some
    expire within 30 days and some within 90, spread over households."""
    rng, today = demo.rng, demo.today
    adults = _adults(demo)
    chosen = rng.sample(adults, k=min(len(adults), demo.count(LAISSEZ_PASSERS) + demo.count(VISAS)))
    for index, person in enumerate(chosen):
        issued = today - timedelta(days=rng.randint(60, 300))
        details: dict[str, Any]
        if index < demo.count(LAISSEZ_PASSERS):
            details = {
                "doc_type": DocumentType.LAISSEZ_PASSER,
                "number_typed": f"LP{person.pk:07d}",
                "purpose": rng.choice(LaissezPasserPurpose.values),
            }
        else:
            details = {
                "doc_type": DocumentType.VISA,
                "number_typed": f"V{person.pk:08d}",
                "visa_type": rng.choice(("کار", "تحصیلی", "خانوادگی")),
            }
        with dated(moment(rng, issued)):
            registry_services.add_document(
                person=person,
                by=demo.clerk,
                issued_on=issued,
                expires_on=issued + timedelta(days=365),
                **details,
            )
    undated = list(
        IdentityDocument.objects.filter(
            doc_type=DocumentType.AMAYESH,
            expires_on__isnull=True,
            individual__in=[p.pk for p in adults],
        ).order_by("pk")[: demo.count(AMAYESH_DATED) * 4]
    )
    for card in rng.sample(undated, k=min(len(undated), demo.count(AMAYESH_DATED))):
        registry_services.correct(
            record=card,
            by=demo.clerk,
            reason="تاریخ اعتبار کارت آمایش از روی کارت ثبت شد.",
            cycle=OLD_CYCLE,
            expires_on=today + timedelta(days=rng.randint(100, 300)),
        )
    _expiries(demo)


def watched(settlement: Settlement) -> list[IdentityDocument]:
    """Each active resident member's latest dated document of each watched type."""
    latest: dict[tuple[int, str], IdentityDocument] = {}
    documents = IdentityDocument.objects.filter(
        doc_type__in=WATCHED_DOCUMENTS,
        expires_on__isnull=False,
        individual__status=IndividualStatus.ACTIVE,
        individual__household__settlement=settlement,
        individual__household__status=HouseholdStatus.RESIDENT,
    ).select_related("individual__household__head")
    for document in documents.order_by("pk"):
        key = (document.individual_id, document.doc_type)
        held = latest.get(key)
        if held is None or (document.expires_on, document.pk) > (held.expires_on, held.pk):
            latest[key] = document
    return sorted(latest.values(), key=lambda d: d.pk)


def _expiries(demo: Residence) -> None:
    rng, today = demo.rng, demo.today
    documents = [d for d in watched(demo.settlement) if d.cycle != CAMPAIGN_CYCLE]
    rng.shuffle(documents)
    bands = (
        (demo.count(EXPIRED), -120, -1),
        (demo.count(WITHIN_30), 0, 30),
        (demo.count(WITHIN_90), 31, 90),
    )
    start = 0
    for size, low, high in bands:
        for document in documents[start : start + size]:
            _expire(demo, document, today + timedelta(days=rng.randint(low, high)))
        start += size
    for document in documents[start:]:
        if document.expires_on is not None and document.expires_on <= today + timedelta(days=90):
            _expire(demo, document, today + timedelta(days=rng.randint(91, 420)))


def _expire(demo: Residence, document: IdentityDocument, expires: date) -> None:
    changes: dict[str, Any] = {"expires_on": expires}
    if document.issued_on is not None and document.issued_on > expires:
        changes["issued_on"] = expires - timedelta(days=365)
    registry_services.correct(
        record=document,
        by=demo.clerk,
        reason="تاریخ اعتبار مدرک در بازبینی پرونده اصلاح شد.",
        **changes,
    )


# --- Text messages ----------------------------------------------------------------------------


def _messages(demo: Residence, campaign: Campaign) -> None:
    """A few reminders of reviews coming due, documents expiring and the campaign: most
    sent, the last ones still queued."""
    today = demo.today
    sent: list[Any] = []
    soon = ResidenceTerm.objects.filter(
        settlement=demo.settlement,
        status__in=OPEN_TERM_STATUSES,
        next_review_on__gte=today,
        next_review_on__lte=today + timedelta(days=14),
    ).select_related("household__head")
    for term in [
        t for t in soon.order_by("next_review_on", "pk") if messages.phone_for(t.household)
    ][:4]:
        sent.append(
            messages.send_message(
                household=term.household,
                by=demo.caseworker,
                template_code="review_due",
                context={"date": term.next_review_on},
                key=f"review-soon:{term.uuid}",
            )
        )
    expiring = [
        d
        for d in watched(demo.settlement)
        if today <= d.expires_on <= today + timedelta(days=30)  # type: ignore[operator]
    ]
    with_phone = [d for d in expiring if messages.phone_for(d.individual.household)][:4]
    for document in with_phone:
        sent.append(
            messages.send_message(
                household=document.individual.household,
                by=demo.clerk,
                template_code="document_expiring",
                context={
                    "member": document.individual.full_name,
                    "document": DocumentType(document.doc_type).label,
                    "date": document.expires_on,
                },
                key=f"expiry:{document.uuid}",
            )
        )
    waiting = CampaignTarget.objects.filter(
        campaign=campaign, status=TargetStatus.PENDING
    ).select_related("individual", "household__head")
    for target in [t for t in waiting.order_by("pk") if messages.phone_for(t.household)][:3]:
        sent.append(
            messages.send_message(
                household=target.household,
                by=demo.clerk,
                template_code="campaign_reminder",
                context={
                    "member": target.individual.full_name,
                    "campaign": campaign.title,
                    "date": campaign.ends_on,
                },
                key=f"campaign:{campaign.uuid}:{target.individual_id}",
            )
        )
    for message in [m for m in sent if m is not None][:-3]:
        messages.deliver(message)
