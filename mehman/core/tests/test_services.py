import pytest
from django.core.exceptions import ValidationError

from mehman.core import services
from mehman.core.models import Settlement, SettlementEvent


def test_creating_a_settlement_records_its_first_event(db):
    settlement = services.create_settlement(
        code="TJ",
        name_fa="مهمانشهر تربت جام",
        name_en="Torbat-e Jam guest city",
        province_fa="خراسان رضوی",
        province_en="Khorasan Razavi",
        capacity=10_000,
    )
    event = SettlementEvent.objects.get(aggregate=settlement)
    assert (event.kind, event.params) == ("settlement.created", {"capacity": 10_000})
    assert settlement.history.count() == 1


def test_a_duplicate_code_is_refused(settlement_a):
    with pytest.raises(ValidationError) as error:
        services.create_settlement(
            code="TJ", name_fa="x", name_en="x", province_fa="x", province_en="x", capacity=5
        )
    assert error.value.code == "duplicate"
    assert Settlement.objects.count() == 1


def test_updating_a_settlement_records_what_changed_who_and_why(settlement_a, mona):
    updated = services.update_settlement(
        settlement=settlement_a,
        by=mona,
        expected_version=1,
        reason="new blocks",
        capacity=11_000,
    )
    assert (updated.capacity, updated.version) == (11_000, 2)
    event = SettlementEvent.objects.get(aggregate=settlement_a, kind="settlement.updated")
    assert event.by == mona
    assert event.params["changes"] == {"capacity": [10_000, 11_000]}
    latest = updated.history.first()
    assert (latest.history_user, latest.history_change_reason) == (mona, "new blocks")


def test_a_stale_edit_is_refused_and_changes_nothing(settlement_a, mona):
    services.update_settlement(settlement=settlement_a, by=mona, expected_version=1, capacity=9_000)
    with pytest.raises(ValidationError) as error:
        services.update_settlement(
            settlement=settlement_a, by=mona, expected_version=1, capacity=8_000
        )
    assert error.value.code == "stale"
    settlement_a.refresh_from_db()
    assert settlement_a.capacity == 9_000


def test_an_invalid_capacity_changes_nothing(settlement_a, mona):
    with pytest.raises(ValidationError):
        services.update_settlement(settlement=settlement_a, by=mona, expected_version=1, capacity=0)
    settlement_a.refresh_from_db()
    assert settlement_a.capacity == 10_000
    assert not SettlementEvent.objects.filter(kind="settlement.updated").exists()


def test_saving_unchanged_details_records_nothing(settlement_a, mona):
    services.update_settlement(
        settlement=settlement_a, by=mona, expected_version=1, capacity=10_000
    )
    assert not SettlementEvent.objects.filter(kind="settlement.updated").exists()


def test_the_event_summary_names_the_changed_fields_in_the_users_language(settlement_a, mona):
    from django.utils import translation

    services.update_settlement(settlement=settlement_a, by=mona, expected_version=1, capacity=12)
    event = SettlementEvent.objects.get(kind="settlement.updated")
    with translation.override("en"):
        assert event.summary == "Changed: capacity (persons)"
    with translation.override("fa"):
        assert "ظرفیت" in event.summary


def test_progress_moves_forward_and_finishes(alice):
    progress = services.start_progress(kind="k", title="t", total=10, by=alice)
    services.advance_progress(progress, done=4)
    progress.refresh_from_db()
    assert (progress.status, progress.percent) == ("running", 40)
    services.finish_progress(progress, result={"n": 10})
    progress.refresh_from_db()
    assert (progress.status, progress.percent, progress.result) == ("done", 100, {"n": 10})


def test_numbers_in_an_event_summary_follow_the_users_digits(settlement_a):
    from django.utils import translation

    from mehman.core import digits

    event = SettlementEvent.objects.get(aggregate=settlement_a, kind="settlement.created")
    with translation.override("fa"), digits.override("fa"):
        assert event.summary == "ظرفیت ۱۰٬۰۰۰"
    with translation.override("en"), digits.override("latn"):
        assert event.summary == "Capacity 10,000"
