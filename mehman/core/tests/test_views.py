"""The shell pages end to end through the test client."""

import datetime

from django.urls import reverse

from conftest import signed_in
from mehman.core import services
from mehman.core.models import Settlement, SettlementEvent


def test_the_home_page_counts_the_users_settlements_only(alice, mona, bob):
    page = signed_in(alice).get(reverse("core:home")).content.decode()
    assert '<html lang="fa" dir="rtl">' in page
    assert "مهمانشهر تربت جام" in page
    assert "مهمانشهر سروستان" not in page
    # Capacity 10,000 in Persian digits; two staff members (Alice and Mona) in settlement A.
    assert 'data-testid="figure-capacity">۱۰٬۰۰۰<' in page
    assert 'data-testid="figure-staff">۲<' in page


def test_the_national_view_adds_up_every_settlement(nasrin, alice, bob):
    page = signed_in(nasrin).get(reverse("core:home")).content.decode()
    assert "مهمانشهر تربت جام" in page and "مهمانشهر سروستان" in page
    assert 'data-testid="figure-capacity">۱۲٬۵۰۰<' in page
    assert 'data-testid="figure-staff">۲<' in page


def test_latin_digits_follow_the_users_preference(alice):
    alice.digits = "latn"
    alice.save()
    page = signed_in(alice).get(reverse("core:home")).content.decode()
    assert 'data-testid="figure-capacity">10,000<' in page


def test_the_home_page_makes_a_fixed_number_of_queries(alice, django_assert_max_num_queries):
    from mehman.core.figures import _FIGURES

    client = signed_in(alice)
    # One query per figure an app contributes, whatever the number of settlements.
    with django_assert_max_num_queries(9 + len(_FIGURES)):
        client.get(reverse("core:home"))


def test_a_manager_edits_the_settlement_with_a_jalali_date_in_persian_digits(mona, settlement_a):
    client = signed_in(mona)
    url = reverse("core:settlement_edit", args=["TJ"])
    form = client.get(url).content.decode()
    assert 'name="version" value="1"' in form
    response = client.post(
        url,
        {
            "name_fa": settlement_a.name_fa,
            "name_en": settlement_a.name_en,
            "province_fa": settlement_a.province_fa,
            "province_en": settlement_a.province_en,
            "capacity": "۱۱٬۰۰۰",
            "accommodation_type": "P",
            "opened_on": "۱۳۷۷/۰۱/۰۱",
            "version": "1",
            "reason": "بلوک‌های تازه",
        },
    )
    assert response.status_code == 302
    settlement = Settlement.objects.get(code="TJ")
    assert settlement.capacity == 11_000
    assert settlement.opened_on == datetime.date(1998, 3, 21)
    page = client.get(reverse("core:settlement", args=["TJ"])).content.decode()
    assert "۱۳۷۷/۰۱/۰۱" in page
    assert "مشخصات مهمانشهر تغییر کرد" in page  # the timeline, in Persian
    assert "تغییر: ظرفیت (نفر)، تاریخ گشایش" in page


def test_a_bad_date_gets_a_translated_error_and_changes_nothing(mona, settlement_a):
    response = signed_in(mona).post(
        reverse("core:settlement_edit", args=["TJ"]),
        {
            "name_fa": "x",
            "name_en": "x",
            "province_fa": "x",
            "province_en": "x",
            "capacity": "۱۰۰",
            "accommodation_type": "P",
            "opened_on": "۱۴۰۴/۱۲/۳۰",
            "version": "1",
        },
    )
    assert response.status_code == 200
    assert "تاریخ معتبر" in response.content.decode()
    assert Settlement.objects.get(code="TJ").capacity == 10_000
    assert not SettlementEvent.objects.filter(kind="settlement.updated").exists()


def test_a_stale_form_is_refused_with_a_clear_message(mona, settlement_a):
    services.update_settlement(settlement=settlement_a, by=mona, expected_version=1, capacity=5)
    response = signed_in(mona).post(
        reverse("core:settlement_edit", args=["TJ"]),
        {
            "name_fa": "x",
            "name_en": "x",
            "province_fa": "x",
            "province_en": "x",
            "capacity": "7",
            "accommodation_type": "P",
            "version": "1",
        },
    )
    assert response.status_code == 200
    assert "کس دیگری" in response.content.decode()
    assert Settlement.objects.get(code="TJ").capacity == 5


def test_switching_language_is_remembered_for_the_user(alice):
    client = signed_in(alice)
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == "en"
    page = client.get("/").content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert "Torbat-e Jam guest city" in page


def test_the_language_switch_never_redirects_off_site(client):
    response = client.post(
        reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_the_task_page_polls_until_done_and_answers_htmx_with_a_fragment(mona):
    progress = services.start_progress(kind="k", title="کار آزمایشی", total=4, by=mona)
    client = signed_in(mona)
    page = client.get(reverse("core:task", args=[progress.uuid])).content.decode()
    assert 'hx-trigger="every 1s"' in page
    services.advance_progress(progress, done=2)
    fragment = client.get(reverse("core:task", args=[progress.uuid]), HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<html" not in body and "۵۰٪" in body
    services.finish_progress(progress)
    body = client.get(reverse("core:task", args=[progress.uuid]), HTTP_HX_REQUEST="true")
    assert "every 1s" not in body.content.decode()


def test_a_missing_page_is_translated_and_shows_no_trace(alice):
    response = signed_in(alice).get("/settlements/NOPE/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Traceback" not in body
    assert "پیدا نشد" in body


def test_the_health_check_answers(db, client):
    assert client.get("/healthz").json() == {"status": "ok"}
