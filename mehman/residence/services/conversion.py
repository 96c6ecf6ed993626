"""Bulk conversion of long-term residents to residence terms.

A manager chooses resident households without a term by filter, sets the policy (term length,
how many years the ends are spread over, which households get later ends) and previews the
schedule. Committing starts every household's term in the background, chunk by chunk, or
none: a failure withdraws the terms already started. Within a grace period the conversion
may be reversed, as long as none of its terms has moved on.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mehman.core import dates
from mehman.core import services as core_services
from mehman.core.models import Settlement
from mehman.core.progress import Reporter
from mehman.registry.models import (
    Household,
    HouseholdStatus,
    Individual,
    IndividualStatus,
    Sex,
    SpecificNeed,
)
from mehman.residence import events as residence_events
from mehman.residence.models import (
    TERM_TRANSITIONS,
    ConversionRun,
    ConversionStatus,
    Priority,
    ResidenceTerm,
    Review,
    ReviewStatus,
    TermOrigin,
    TermStatus,
)
from mehman.residence.services._common import (
    household_event,
    next_reference,
    require_text,
    save_recorded,
    settlement_event,
)
from mehman.residence.services.terms import choose_conditions, create_term

logger = logging.getLogger(__name__)

PROGRESS_KIND = "residence.conversion"
# Households per transaction: SQLite has one writer, so progress is written between chunks.
CHUNK = 100
TERM_MONTHS = (12, 120)
STAGGER_YEARS = (0, 10)
WG_FIELDS = (
    "wg_seeing",
    "wg_hearing",
    "wg_walking",
    "wg_remembering",
    "wg_self_care",
    "wg_communicating",
)
# A Washington Group answer from "a lot of difficulty" up counts as a disability.
WG_DISABILITY = 3


def _refuse(field: str, message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code, params=params or None)})


def _user(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


# --- Choosing households ----------------------------------------------------------------------


def _as_date(value: Any, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _refuse(field, _("Enter a valid date."), "invalid") from None


def _as_size(value: Any, field: str) -> int:
    try:
        size = int(value)
    except (TypeError, ValueError):
        raise _refuse(field, _("Enter a whole number."), "invalid") from None
    if size < 1:
        raise _refuse(field, _("A household has at least one member."), "invalid")
    return size


def clean_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """The filters as a conversion keeps them (JSON): only those given, dates in ISO."""
    cleaned: dict[str, Any] = {}
    blocks = sorted({str(b).strip() for b in filters.get("blocks") or [] if str(b).strip()})
    if blocks:
        cleaned["blocks"] = blocks
    if filters.get("resident_before") not in (None, ""):
        cleaned["resident_before"] = _as_date(
            filters["resident_before"], "resident_before"
        ).isoformat()
    for name in ("min_size", "max_size"):
        if filters.get(name) not in (None, ""):
            cleaned[name] = _as_size(filters[name], name)
    if cleaned.get("min_size", 0) > cleaned.get("max_size", 10**6):
        raise _refuse(
            "max_size", _("The largest size must not be below the smallest."), "size_range"
        )
    return cleaned


def eligible_households(
    settlement: Settlement | int, filters: Mapping[str, Any]
) -> QuerySet[Household]:
    """Resident households of the settlement without an open term, as the filters choose
    them (blocks, registered no later than a date, size range), longest resident first."""
    wanted = clean_filters(filters)
    found = Household.objects.filter(
        settlement=settlement, status=HouseholdStatus.RESIDENT
    ).exclude(pk__in=ResidenceTerm.objects.open().values("household_id"))
    if "blocks" in wanted:
        found = found.filter(block__in=wanted["blocks"])
    if "resident_before" in wanted:
        found = found.filter(registered_on__lte=wanted["resident_before"])
    if "min_size" in wanted:
        found = found.filter(size__gte=wanted["min_size"])
    if "max_size" in wanted:
        found = found.filter(size__lte=wanted["max_size"])
    return found.order_by("registered_on", "reference")


# --- The schedule -----------------------------------------------------------------------------


def check_policy(term_months: int, stagger_years: int) -> None:
    """A term lasts 12 to 120 months; its end may be spread over 0 to 10 years, as long as
    the earliest end still leaves the shortest term the policy allows."""
    low, high = TERM_MONTHS
    if not low <= int(term_months) <= high:
        raise _refuse(
            "term_months",
            _("A converted term lasts %(low)s to %(high)s months."),
            "term_months",
            low=low,
            high=high,
        )
    low, high = STAGGER_YEARS
    if not low <= int(stagger_years) <= high:
        raise _refuse(
            "stagger_years",
            _("Ends are spread over %(low)s to %(high)s years."),
            "stagger_years",
            low=low,
            high=high,
        )
    shortest = int(settings.MEHMAN_MIN_TERM_MONTHS)
    if int(term_months) - 12 * int(stagger_years) < shortest:
        most = max(0, (int(term_months) - shortest) // 12)
        raise _refuse(
            "stagger_years",
            _(
                "With a term of %(months)s months and every term lasting at least "
                "%(shortest)s months, ends can be spread over at most %(most)s years."
            ),
            "stagger_too_long",
            months=term_months,
            shortest=shortest,
            most=most,
        )


def schedule_ends(
    count: int, *, start_on: date, term_months: int, stagger_years: int
) -> list[date]:
    """Ends spread evenly over the last ``stagger_years`` years of the term: the first of
    ``count`` households ends earliest, the last on the term's full length."""
    check_policy(term_months, stagger_years)
    latest = dates.add_months(start_on, int(term_months))
    earliest = dates.add_months(start_on, int(term_months) - 12 * int(stagger_years))
    span = (latest - earliest).days
    return [earliest + timedelta(days=round((i + 0.5) * span / count)) for i in range(count)]


def _clean_priorities(priorities: Sequence[str]) -> list[str]:
    wanted = {str(p) for p in priorities or []}
    unknown = wanted - set(Priority.values)
    if unknown:
        raise _refuse(
            "priorities",
            _("Unknown priority rule: %(rules)s."),
            "unknown",
            rules=", ".join(sorted(unknown)),
        )
    return [p for p in Priority.values if p in wanted]


def household_features(households: QuerySet[Household], on: date) -> dict[int, set[str]]:
    """Which priority rules each household matches on a day, in three queries: vulnerable
    (an active member with an unresolved specific need or a Washington Group answer of "a
    lot of difficulty" or more), children (an active member aged 6 to 17), headed by a woman,
    elderly (an active member aged 60 or more)."""
    features: dict[int, set[str]] = defaultdict(set)
    ids = households.values("pk")
    for pk, sex in Household.objects.filter(pk__in=ids).values_list("pk", "head__sex"):
        if sex == Sex.FEMALE:
            features[pk].add(Priority.WOMAN_HEADED)
    open_needs = SpecificNeed.objects.filter(individual=OuterRef("pk"), resolved_on__isnull=True)
    disability = Q()
    for name in WG_FIELDS:
        disability |= Q(**{f"{name}__gte": WG_DISABILITY})
    vulnerable = (
        Individual.objects.filter(household__in=ids, status=IndividualStatus.ACTIVE)
        .filter(disability | Q(Exists(open_needs)))
        .order_by()
        .values_list("household_id", flat=True)
        .distinct()
    )
    for pk in vulnerable:
        features[pk].add(Priority.VULNERABLE)
    members = Individual.objects.filter(
        household__in=ids, status=IndividualStatus.ACTIVE, birth_date__isnull=False
    ).values_list("household_id", "birth_date")
    for pk, birth in members:
        if birth is None or birth > on:  # (never None: filtered) born after the start
            continue
        age = dates.age_on(birth, on)
        if 6 <= age <= 17:
            features[pk].add(Priority.CHILDREN)
        if age >= 60:
            features[pk].add(Priority.ELDERLY)
    return dict(features)


def plan_schedule(
    households: QuerySet[Household],
    *,
    start_on: date,
    term_months: int,
    stagger_years: int,
    priorities: Sequence[str],
) -> tuple[list[tuple[int, date]], dict[int, set[str]]]:
    """Households that have lived here longest end earliest; every chosen priority rule a
    household matches puts it later. The households in order with their ends, and the rules
    each matches."""
    chosen = set(priorities)
    rows = list(households.values_list("pk", "registered_on", "reference"))
    features = household_features(households, start_on)
    rows.sort(key=lambda r: (len(features.get(r[0], set()) & chosen), r[1], r[2]))
    ends = schedule_ends(
        len(rows), start_on=start_on, term_months=term_months, stagger_years=stagger_years
    )
    return [(row[0], end) for row, end in zip(rows, ends, strict=True)], features


# --- Preparing ---------------------------------------------------------------------------------


@transaction.atomic
def prepare_conversion(
    *,
    settlement: Settlement,
    by: Any,
    filters: dict[str, Any],
    term_months: int,
    stagger_years: int,
    start_on: date,
    priorities: list[str],
) -> ConversionRun:
    """A conversion is previewed before anything changes: the households the filters choose
    (resident, without a term) and the end each would get under the policy."""
    cleaned = clean_filters(filters)
    check_policy(term_months, stagger_years)
    chosen = _clean_priorities(priorities)
    households = eligible_households(settlement, cleaned)
    schedule, features = plan_schedule(
        households,
        start_on=start_on,
        term_months=int(term_months),
        stagger_years=int(stagger_years),
        priorities=chosen,
    )
    if not schedule:
        raise ValidationError(
            _("No resident household without a residence term matches these filters."),
            code="none_eligible",
        )
    matched = {
        p: sum(1 for pk, _end in schedule if p in features.get(pk, set())) for p in Priority.values
    }
    ends = [end for _pk, end in schedule]
    run = ConversionRun(
        reference=next_reference(settlement, "conversion"),
        settlement=settlement,
        filters=cleaned,
        policy={
            "term_months": int(term_months),
            "stagger_years": int(stagger_years),
            "start_on": start_on.isoformat(),
            "priorities": chosen,
        },
        schedule={str(pk): end.isoformat() for pk, end in schedule},
        households=len(schedule),
        figures={
            "first_end": min(ends).isoformat(),
            "last_end": max(ends).isoformat(),
            "priorities": matched,
            "prioritised": sum(1 for pk, _end in schedule if features.get(pk, set()) & set(chosen)),
        },
        created_by=_user(by),
    )
    save_recorded(run, by, "Conversion prepared")
    settlement_event(
        settlement,
        residence_events.CONVERSION_PREPARED,
        by,
        reference=run.reference,
        households=run.households,
    )
    return run


def _lock(run: ConversionRun, *statuses: str) -> ConversionRun:
    locked: ConversionRun = (
        ConversionRun.objects.select_for_update(of=("self",))  # progress may be missing
        .select_related("settlement", "progress")
        .get(pk=run.pk)
    )
    if locked.status not in statuses:
        raise ValidationError(
            _("This conversion is “%(status)s”: it cannot be done now."),
            code="status",
            params={"status": locked.get_status_display()},
        )
    return locked


def policy_start(run: ConversionRun) -> date:
    return date.fromisoformat(str(run.policy["start_on"]))


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for index in range(0, len(items), size):
        yield items[index : index + size]


# --- Committing --------------------------------------------------------------------------------


@transaction.atomic
def start_commit(*, run: ConversionRun, by: Any) -> ConversionRun:
    """A previewed conversion is committed in the background; its page follows the work."""
    run = _lock(run, ConversionStatus.PREVIEW)
    run.progress = core_services.start_progress(
        kind=PROGRESS_KIND,
        title=gettext("Conversion %(reference)s") % {"reference": run.reference},
        total=run.households,
        by=by,
    )
    run.status = ConversionStatus.COMMITTING
    run.message = ""
    save_recorded(run, by, "Commit started")
    uuid = str(run.uuid)

    def enqueue() -> None:
        from mehman.residence.tasks import commit_conversion_task

        commit_conversion_task.enqueue(uuid)

    transaction.on_commit(enqueue)
    return run


def _begin(run: ConversionRun, by: Any, ready: str, working: str, reason: str) -> ConversionRun:
    """The run, marked as being worked on: a direct call starts from ``ready`` itself."""
    with transaction.atomic():
        run = _lock(run, ready, working)
        if run.status == ready:
            run.status = working
            save_recorded(run, by, reason)
    return run


def _still_eligible(ids: Sequence[int]) -> dict[int, Household]:
    """Those of the households still resident and without an open term, locked."""
    households = Household.objects.select_for_update().select_related("settlement")
    found = {
        h.pk: h
        for h in households.filter(pk__in=ids, status=HouseholdStatus.RESIDENT).exclude(
            pk__in=ResidenceTerm.objects.open().values("household_id")
        )
    }
    return found


def commit_conversion(
    *, run: ConversionRun, by: Any, reporter: Reporter | None = None
) -> ConversionRun:
    """Every household of the schedule still resident and without a term gets its term (from
    the policy's start to its planned end, with the standard conditions); households that
    changed meanwhile are skipped and counted. All or nothing: on a failure the terms already
    started are withdrawn and the conversion is marked failed."""
    run = _begin(run, by, ConversionStatus.PREVIEW, ConversionStatus.COMMITTING, "Committing")
    reporter = reporter or Reporter(run.progress)
    items = [(int(pk), date.fromisoformat(end)) for pk, end in run.schedule.items()]
    reporter.total = len(items)
    start = policy_start(run)
    created: list[int] = []
    skipped = 0
    try:
        conditions = choose_conditions(None)
        for chunk in _chunks(items):
            made: list[int] = []
            with transaction.atomic():
                households = _still_eligible([pk for pk, _end in chunk])
                for pk, end in chunk:
                    household = households.get(pk)
                    if household is None:
                        skipped += 1
                        continue
                    term = create_term(
                        household=household,
                        by=by,
                        started_on=start,
                        planned_end=end,
                        origin=TermOrigin.CONVERSION,
                        conditions=conditions,
                        conversion=run,
                    )
                    made.append(term.pk)
            created.extend(made)
            reporter.advance(len(chunk))
        with transaction.atomic():
            run = _lock(run, ConversionStatus.COMMITTING)
            run.status = ConversionStatus.COMMITTED
            run.committed_at = timezone.now()
            run.committed_by = _user(by)
            run.reversible_until = dates.today() + timedelta(
                days=int(settings.MEHMAN_CONVERSION_GRACE_DAYS)
            )
            run.figures = {**run.figures, "created": len(created), "skipped": skipped}
            save_recorded(run, by, "Committed")
            settlement_event(
                run.settlement,
                residence_events.CONVERSION_COMMITTED,
                by,
                reference=run.reference,
                households=len(created),
            )
    except Exception:
        logger.exception("conversion %s failed; withdrawing %s terms", run.reference, len(created))
        message = gettext(
            "The conversion stopped because of an error; the terms it had started were "
            "withdrawn and no household was converted."
        )
        _compensate(run, created, by)
        _fail(run, by, message)
        reporter.finish(error=message)
        raise
    reporter.finish(
        result={"conversion": run.reference, "created": len(created), "skipped": skipped}
    )
    return run


def _revoke(term: ResidenceTerm, by: Any, reason: str) -> None:
    """A term withdrawn (as the terms' transitions allow), on the household's timeline."""
    if TermStatus.REVOKED not in TERM_TRANSITIONS[term.status]:
        raise ValidationError(
            _("Term %(term)s is no longer active: it cannot be withdrawn."),
            code="moved_on",
            params={"term": term.reference},
        )
    term.status = TermStatus.REVOKED
    term.next_review_on = None
    save_recorded(term, by, reason)
    household_event(
        term.household, residence_events.TERM_REVOKED, by, reference=term.reference, reason=reason
    )


def _compensate(run: ConversionRun, created: Sequence[int], by: Any) -> None:
    reason = gettext("Conversion %(reference)s failed") % {"reference": run.reference}
    for chunk in _chunks(list(created)):
        with transaction.atomic():
            terms = (
                ResidenceTerm.objects.select_for_update()
                .select_related("household")
                .filter(pk__in=chunk, status=TermStatus.ACTIVE)
            )
            for term in terms:
                _revoke(term, by, reason)


def _fail(run: ConversionRun, by: Any, message: str) -> None:
    with transaction.atomic():
        run = ConversionRun.objects.select_for_update().get(pk=run.pk)
        run.status = ConversionStatus.FAILED
        run.message = message[:300]
        save_recorded(run, by, "Failed")


# --- Reversing ----------------------------------------------------------------------------------


def moved_on(run: ConversionRun) -> QuerySet[ResidenceTerm]:
    """The run's terms that have moved on since the conversion: reviewed, extended, under
    review, ending or ended (withdrawn terms have not)."""
    reviewed = Review.objects.filter(term=OuterRef("pk"), status=ReviewStatus.DONE)
    return ResidenceTerm.objects.filter(conversion=run).filter(
        ~Q(status__in=(TermStatus.ACTIVE, TermStatus.REVOKED))
        | Q(extensions__gt=0)
        | Q(Exists(reviewed))
    )


def check_reversible(run: ConversionRun) -> None:
    """A committed conversion is reversible until its grace period ends (that day included)
    and as long as none of its terms has moved on."""
    if run.status not in (ConversionStatus.COMMITTED, ConversionStatus.REVERSING):
        raise ValidationError(_("Only a committed conversion can be reversed."), code="status")
    if run.reversible_until is None or dates.today() > run.reversible_until:
        raise ValidationError(
            _("The grace period ended on %(date)s: this conversion can no longer be reversed."),
            code="grace_over",
            params={"date": dates.format_date(run.reversible_until)},
        )
    count = moved_on(run).count()
    if count:
        raise ValidationError(
            ngettext(
                "%(count)s term of this conversion has moved on (reviewed, extended or "
                "ending): the conversion can no longer be reversed.",
                "%(count)s terms of this conversion have moved on (reviewed, extended or "
                "ending): the conversion can no longer be reversed.",
                count,
            ),
            code="moved_on",
            params={"count": count},
        )


@transaction.atomic
def start_reverse(*, run: ConversionRun, by: Any, reason: str) -> ConversionRun:
    """Reversing a conversion, with the reason, is done in the background."""
    reason = require_text(reason, "reason", _("Say why the conversion is reversed."))
    run = _lock(run, ConversionStatus.COMMITTED)
    check_reversible(run)
    run.progress = core_services.start_progress(
        kind=PROGRESS_KIND,
        title=gettext("Reversal of conversion %(reference)s") % {"reference": run.reference},
        total=run.terms.filter(status=TermStatus.ACTIVE).count(),
        by=by,
    )
    run.status = ConversionStatus.REVERSING
    run.reason = reason[:300]
    run.message = ""
    save_recorded(run, by, reason)
    uuid = str(run.uuid)

    def enqueue() -> None:
        from mehman.residence.tasks import reverse_conversion_task

        reverse_conversion_task.enqueue(uuid, reason)

    transaction.on_commit(enqueue)
    return run


def reverse_conversion(
    *, run: ConversionRun, by: Any, reason: str, reporter: Reporter | None = None
) -> ConversionRun:
    """Within the grace period, a conversion none of whose terms has moved on is undone:
    each of its terms is withdrawn, with the reason."""
    reason = require_text(reason, "reason", _("Say why the conversion is reversed."))
    refused: ValidationError | None = None
    with transaction.atomic():
        run = _lock(run, ConversionStatus.COMMITTED, ConversionStatus.REVERSING)
        if run.status == ConversionStatus.COMMITTED:
            check_reversible(run)
            run.status = ConversionStatus.REVERSING
            run.reason = reason[:300]
            save_recorded(run, by, reason)
        else:
            # Queued earlier: a term may have moved on since (a review opened meanwhile).
            try:
                check_reversible(run)
            except ValidationError as refusal:
                run.status = ConversionStatus.COMMITTED
                run.message = str(refusal.messages[0])[:300]
                save_recorded(run, by, "Reversal refused")
                refused = refusal
    reporter = reporter or Reporter(run.progress)
    if refused is not None:
        reporter.finish(error=run.message)
        raise refused
    ids = list(
        run.terms.filter(status=TermStatus.ACTIVE).order_by("pk").values_list("pk", flat=True)
    )
    reporter.total = len(ids)
    revoked = 0
    try:
        for chunk in _chunks(ids):
            with transaction.atomic():
                terms = list(
                    ResidenceTerm.objects.select_for_update()
                    .select_related("household")
                    .filter(pk__in=chunk, status=TermStatus.ACTIVE)
                )
                for term in terms:
                    _revoke(term, by, reason)
            revoked += len(terms)
            reporter.advance(len(chunk))
        with transaction.atomic():
            run = _lock(run, ConversionStatus.REVERSING)
            run.status = ConversionStatus.REVERSED
            run.reversed_at = timezone.now()
            run.reversed_by = _user(by)
            run.reason = reason[:300]
            run.figures = {**run.figures, "revoked": int(run.figures.get("revoked", 0)) + revoked}
            save_recorded(run, by, reason)
            settlement_event(
                run.settlement,
                residence_events.CONVERSION_REVERSED,
                by,
                reference=run.reference,
                reason=reason,
            )
    except Exception:
        logger.exception("reversal of conversion %s failed", run.reference)
        message = gettext(
            "The reversal stopped because of an error after withdrawing %(count)s terms; "
            "reverse the conversion again to withdraw the rest."
        ) % {"count": revoked}
        # Back to committed, so that the reversal can be tried again for the terms left.
        with transaction.atomic():
            failed = ConversionRun.objects.select_for_update().get(pk=run.pk)
            failed.status = ConversionStatus.COMMITTED
            failed.message = message[:300]
            failed.figures = {
                **failed.figures,
                "revoked": int(failed.figures.get("revoked", 0)) + revoked,
            }
            save_recorded(failed, by, "Reversal failed")
        reporter.finish(error=message)
        raise
    reporter.finish(result={"conversion": run.reference, "revoked": revoked})
    return run


# --- Discarding ---------------------------------------------------------------------------------


@transaction.atomic
def discard_conversion(*, run: ConversionRun, by: Any, reason: str) -> ConversionRun:
    """A previewed (or failed) conversion not wanted is discarded, with the reason; no term
    is started."""
    reason = require_text(reason, "reason", _("Say why the conversion is discarded."))
    run = _lock(run, ConversionStatus.PREVIEW, ConversionStatus.FAILED)
    run.status = ConversionStatus.DISCARDED
    run.reason = reason[:300]
    save_recorded(run, by, reason)
    settlement_event(
        run.settlement_id,
        residence_events.CONVERSION_DISCARDED,
        by,
        reference=run.reference,
        reason=run.reason,
    )
    return run
