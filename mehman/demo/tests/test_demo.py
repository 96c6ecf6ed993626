"""The demo settlement, and the synthetic-population tool as a background task."""

import csv
import io

from django.core.management import call_command
from django.urls import reverse

from conftest import signed_in
from mehman.accounts.models import User
from mehman.core.models import Settlement, TaskProgress
from mehman.demo import registry
from mehman.demo.settlement import DEMO_PASSWORD, USERS, load_demo
from mehman.registry.models import (
    CaseNote,
    Household,
    HouseholdEvent,
    HouseholdStatus,
    IdentityDocument,
    SpecificNeed,
)


def test_the_demo_loads_once_and_running_it_again_changes_nothing(db):
    assert load_demo(registry=False) == {
        "settlements": 2,
        "users": len(USERS),
        "households": 0,
        "organisations": 0,
        "applications": 0,
        "units": 0,
        "terms": 0,
        "cases": 0,
    }
    assert load_demo(registry=False) == {
        "settlements": 0,
        "users": 0,
        "households": 0,
        "organisations": 0,
        "applications": 0,
        "units": 0,
        "terms": 0,
        "cases": 0,
    }
    assert set(Settlement.objects.values_list("code", flat=True)) == {"TJ", "SV"}
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {u.role for u in USERS}
    assert User.objects.get(username="clerk").check_password(DEMO_PASSWORD)
    assert User.objects.get(username="clerk").settlement_ids() == {
        Settlement.objects.get(code="TJ").pk
    }


def test_the_demo_command_prints_every_login(db, capsys, monkeypatch):
    monkeypatch.setattr(registry, "RESIDENTS", 60)  # the full registry is loaded elsewhere
    monkeypatch.setattr(registry, "APPLICANTS", 20)
    call_command("demo", no_serve=True)
    out = capsys.readouterr().out
    assert "80 households" in out
    assert "20 applications" in out
    assert "housing units" in out
    assert "residence terms and" in out
    assert "solutions cases created" in out
    for demo_user in USERS:
        assert demo_user.username in out
    assert DEMO_PASSWORD in out


def test_the_demo_settlement_has_its_registry(db):
    assert load_demo(partners=False, intake=False, housing=False)["households"] == 1650
    assert load_demo(partners=False, intake=False, housing=False)["households"] == 0  # once
    tj = Household.objects.filter(settlement__code="TJ")
    assert tj.filter(status=HouseholdStatus.RESIDENT).count() == 1000
    assert tj.filter(status=HouseholdStatus.APPLICANT).count() == 650
    assert not Household.objects.filter(settlement__code="SV").exists()
    assert tj.filter(status=HouseholdStatus.RESIDENT).exclude(block="").count() == 1000
    # Everyday life went through the services: needs (some protected), births, deaths, notes.
    needs = SpecificNeed.objects.filter(individual__household__settlement__code="TJ")
    assert needs.filter(code__sensitive=False).count() > 300
    assert needs.filter(code__sensitive=True).exists()
    assert HouseholdEvent.objects.filter(kind="household.birth").count() > 5
    assert HouseholdEvent.objects.filter(kind="household.death").exists()
    assert HouseholdEvent.objects.filter(kind="household.imported").count() == 1650
    assert CaseNote.objects.count() == 12
    assert IdentityDocument.objects.filter(
        doc_type="work_permit", expires_on__isnull=False
    ).exists()


def test_each_demo_role_sees_a_home_page_with_counts(db):
    load_demo(registry=False)
    for demo_user in USERS:
        client = signed_in(User.objects.get(username=demo_user.username))
        page = client.get("/").content.decode()
        assert 'data-testid="figure-capacity"' in page, demo_user.username


def test_an_administrator_generates_a_synthetic_population_in_the_background(adam):
    client = signed_in(adam)
    response = client.post(
        reverse("demo:synthetic"), {"households": "۲۵", "seed": "7"}, follow=False
    )
    progress = TaskProgress.objects.get(kind="demo.synthetic")
    assert response["Location"] == reverse("core:task", args=[progress.uuid])
    # The test settings run tasks immediately; the page shows the finished work.
    page = client.get(response["Location"]).content.decode()
    assert progress.__class__.objects.get(pk=progress.pk).status == "done"
    assert "every 1s" not in page
    download = client.get(reverse("demo:synthetic_download", args=[progress.uuid]))
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert len({row["household"] for row in rows}) == 25
    progress.refresh_from_db()
    assert progress.result["persons"] == len(rows)
    assert progress.done == 25


def test_a_bad_number_of_households_is_refused_with_a_translated_error(adam):
    response = signed_in(adam).post(reverse("demo:synthetic"), {"households": "abc", "seed": "1"})
    assert response.status_code == 200
    assert "عدد" in response.content.decode()
    assert not TaskProgress.objects.exists()
