"""The import service: households from a file, all at once or not at all, set-based."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mehman.core import dates, names
from mehman.core.models import Settlement
from mehman.registry import events as registry_events
from mehman.registry import services
from mehman.registry.imports.bulk import Inserter, Rows
from mehman.registry.imports.checks import Checker, HouseholdRows
from mehman.registry.imports.readers import FileProblem, open_table
from mehman.registry.imports.report import Problem, Report
from mehman.registry.models import (
    Household,
    HouseholdEvent,
    HouseholdSerial,
    HouseholdStatus,
    IdentityDocument,
    Individual,
)

IMPORTABLE_STATUSES = (HouseholdStatus.APPLICANT, HouseholdStatus.RESIDENT)


class Progress(Protocol):
    """What the import reports progress to (``mehman.core.progress.Reporter`` fits)."""

    total: int

    def advance(self, step: int = 1) -> None: ...


class ImportRefused(ValidationError):
    """The file has problems; nothing was imported. ``report`` says which."""

    def __init__(self, report: Report) -> None:
        super().__init__(
            _("The file has problems; nothing was imported. Correct them and try again."),
            code="import_problems",
        )
        self.report = report


@dataclass
class ImportResult:
    households: int = 0
    individuals: int = 0
    skipped: int = 0
    references: list[str] = field(default_factory=list)  # first and last reference given

    def to_dict(self) -> dict[str, Any]:
        return {
            "households": self.households,
            "individuals": self.individuals,
            "skipped": self.skipped,
            "references": self.references,
        }


def estimate_rows(path: Path) -> int:
    """About how many data rows the file has (for a progress bar); 0 if it cannot be read."""
    try:
        with open_table(path) as table:
            return table.estimated_rows
    except FileProblem:
        return 0


def check_households(
    *,
    path: Path,
    settlement: Settlement,
    status: str = HouseholdStatus.APPLICANT,
    progress: Progress | None = None,
) -> Report:
    """A dry run: every row and household of the file checked, nothing changed."""
    _check_status(status)
    report = Report()
    try:
        with open_table(path) as table:
            report.ignored_columns = table.ignored
            if progress is not None and not progress.total:
                progress.total = table.estimated_rows
            checker = Checker(settlement=settlement, report=report)
            for batch in checker.batches(table.rows):
                if progress is not None:
                    progress.advance(sum(len(h.people) for h in batch))
    except FileProblem as problem:
        report.add(problem.problem)
    else:
        if not report.rows:
            report.add(Problem(None, "", "empty"))
    return report


def _check_status(status: str) -> None:
    if status not in IMPORTABLE_STATUSES:
        raise ValueError(f"households are imported as applicants or residents, not {status!r}")


def import_households(
    *,
    path: Path,
    settlement: Settlement,
    by: Any,
    status: str = HouseholdStatus.APPLICANT,
    source: str = "",
    progress: Progress | None = None,
    precheck: bool = True,
) -> tuple[ImportResult, Report]:
    """A file of households is imported whole or not at all, and never twice.

    Nothing is written if any row has a problem: the whole file is checked
    first (``precheck=False`` skips that when a dry run of the same stored file
    has just passed), and every batch is checked again as it is written, the
    first problem undoing everything. Households whose external id (or
    reference) the settlement already has are skipped as already imported.
    Everything is written in one transaction, in batches of set-based inserts,
    each household with its members, documents, history rows and one
    "imported" event.
    """
    _check_status(status)
    passes = 2 if precheck else 1
    if precheck:
        checked = check_households(
            path=path, settlement=settlement, status=status, progress=progress
        )
        if not checked.ok:
            raise ImportRefused(checked)
        if progress is not None:
            progress.total = passes * checked.rows
    report = Report()
    with transaction.atomic(), open_table(path) as table:
        report.ignored_columns = table.ignored
        if progress is not None and not progress.total:
            progress.total = table.estimated_rows
        writer = _Writer(settlement=settlement, by=by, status=status, source=source)
        # Checked again inside the transaction: what another import or clerk did meanwhile.
        checker = Checker(settlement=settlement, report=report)
        for batch in checker.batches(table.rows):
            if not report.ok:
                raise ImportRefused(report)
            writer.write(batch)
            if progress is not None:
                progress.advance(sum(len(h.people) for h in batch))
        if not report.rows:
            report.add(Problem(None, "", "empty"))
        if not report.ok:
            raise ImportRefused(report)
    return writer.result, report


class _Writer:
    """Set-based inserts of checked households, with what a service leaves behind."""

    def __init__(self, *, settlement: Settlement, by: Any, status: str, source: str) -> None:
        self.settlement = settlement
        self.by = by if getattr(by, "is_authenticated", False) else None
        self.user_id = self.by.pk if self.by is not None else None
        self.status = status
        self.source = source
        self.reason = str(_("Imported from %(source)s") % {"source": source or "-"})
        self.result = ImportResult()
        self.remembered: set[str] = set()
        self.inserter = Inserter()
        self.households = Rows(Household)
        self.people = Rows(Individual)
        self.documents = Rows(IdentityDocument)
        self.events = Rows(HouseholdEvent, with_pk=False)
        self.keys = [(name, self.people.index[name]) for name in _SEARCH_KEYS]

    def write(self, batch: list[HouseholdRows]) -> None:
        todo = [h for h in batch if not h.skipped]
        self.result.skipped += len(batch) - len(todo)
        if not todo:
            return
        now = timezone.now()
        today = dates.today()
        inserter = self.inserter
        references = _reserve_references(self.settlement, len(todo))
        household_ids = inserter.reserve_ids(Household, len(todo))
        person_ids = iter(inserter.reserve_ids(Individual, sum(len(h.people) for h in todo)))
        households: list[list[Any]] = []
        people: list[list[Any]] = []
        documents: list[dict[str, Any]] = []
        events: list[list[Any]] = []
        head_at = self.households.index["head_id"]
        for data, reference, household_id in zip(todo, references, household_ids, strict=True):
            household = self._household(data, reference, household_id, now, today)
            households.append(household)
            for person_row in data.people:
                person_id = next(person_ids)
                people.append(self._person(person_row.fields, person_id, household_id, now))
                if person_row.is_head:
                    household[head_at] = person_id
                documents.extend(
                    {
                        "individual_id": person_id,
                        "doc_type": document.doc_type,
                        "number_typed": document.number_typed,
                        "number": document.number,
                        "expires_on": document.expires_on,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for document in person_row.documents
                )
            events.append(
                self.events.row(
                    {
                        "kind": registry_events.IMPORTED.code,
                        "at": now,
                        "by_id": self.user_id,
                        "params": {"size": len(data.people), "source": self.source},
                        "aggregate_id": household_id,
                    }
                )
            )
        document_ids = inserter.reserve_ids(IdentityDocument, len(documents))
        document_rows = [
            self.documents.row({**values, "id": document_id})
            for values, document_id in zip(documents, document_ids, strict=True)
        ]
        for rows, values in (
            (self.households, households),
            (self.people, people),
            (self.documents, document_rows),
        ):
            inserter.insert_rows(rows, values)
            inserter.insert_history(rows, values, user_id=self.user_id, reason=self.reason, at=now)
        inserter.insert_rows(self.events, events)
        self._remember(row[i] for row in people for _name, i in self.keys[:3])
        self.result.households += len(households)
        self.result.individuals += len(people)
        if not self.result.references:
            self.result.references = [references[0], references[-1]]
        else:
            self.result.references[-1] = references[-1]

    def _person(
        self, fields: dict[str, Any], person_id: int, household_id: int, now: datetime
    ) -> list[Any]:
        row = self.people.row(
            {
                **fields,
                "id": person_id,
                "household_id": household_id,
                "created_at": now,
                "updated_at": now,
            }
        )
        person = _Names(fields)
        services.set_search_keys(cast(Individual, person))
        for name, i in self.keys:
            row[i] = getattr(person, name)
        return row

    def _household(
        self, data: HouseholdRows, reference: str, household_id: int, now: datetime, today: date
    ) -> list[Any]:
        values = data.values
        consent = bool(values.get("consent", False))
        phone = values.get("household_phone", "")
        return self.households.row(
            {
                "id": household_id,
                "reference": reference,
                "settlement_id": self.settlement.pk,
                "status": values.get("status", self.status),
                "block": values.get("block", ""),
                "address": values.get("address", ""),
                "phone": phone,
                "phone_key": names.phone_key(phone),
                "registered_on": values.get("registered_on", today),
                "consent_given": consent,
                "consent_on": today if consent else None,
                "external_id": data.external_id,
                "size": len(data.people),
                "created_at": now,
                "updated_at": now,
            }
        )

    def _remember(self, keys: Iterable[str]) -> None:
        new = {k for k in keys if k} - self.remembered
        if new:
            services.remember_names(new)
            self.remembered.update(new)


# Derived by services.set_search_keys; the first three are name keys for the typo index.
_SEARCH_KEYS = (
    "given_key",
    "family_key",
    "father_key",
    "latin_key",
    "phone_key",
    "given_skel",
    "father_skel",
    "family_skel",
    "latin_skel",
)


class _Names:
    """What ``set_search_keys`` reads and writes of a person, without building a model
    instance per row (a third of the import's time)."""

    __slots__ = (
        "given_name",
        "family_name",
        "father_name",
        "given_name_latin",
        "family_name_latin",
        "phone",
        *_SEARCH_KEYS,
    )
    latin_name = Individual.latin_name  # the model's own rule, read from these slots

    def __init__(self, fields: dict[str, Any]) -> None:
        self.given_name = fields["given_name"]
        self.family_name = fields["family_name"]
        self.father_name = fields["father_name"]
        self.given_name_latin = fields["given_name_latin"]
        self.family_name_latin = fields["family_name_latin"]
        self.phone = fields["phone"]


def _reserve_references(settlement: Settlement, count: int) -> list[str]:
    """``count`` consecutive reference numbers, taken under one lock of the settlement's serial."""
    serial, _created = HouseholdSerial.objects.select_for_update().get_or_create(
        settlement=settlement
    )
    first = serial.last + 1
    serial.last += count
    serial.save(update_fields=["last"])
    return [services.format_reference(settlement.code, n) for n in range(first, serial.last + 1)]
