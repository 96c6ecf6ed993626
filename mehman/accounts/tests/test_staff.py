"""Staff pages: managers see their settlements' staff; administrators manage accounts."""

from django.test import Client
from django.urls import reverse

from conftest import signed_in
from mehman.accounts.models import Role, User, UserEvent
from mehman.core.models import Settlement, SettlementEvent


def test_a_manager_sees_the_staff_of_their_settlement_only(alice, mona, bob):
    page = signed_in(mona).get(reverse("accounts:staff")).content.decode()
    assert "alice" in page and "mona" in page
    assert "bob" not in page
    assert reverse("accounts:staff_create") not in page  # viewing, not managing


def test_a_manager_cannot_change_an_account(mona, alice):
    response = signed_in(mona).post(
        reverse("accounts:staff_detail", args=["alice"]),
        {"action": "access", "role": Role.MANAGER, "settlements": []},
    )
    assert response.status_code == 404
    alice.refresh_from_db()
    assert alice.role == Role.CLERK


def test_an_administrator_creates_an_account_with_persian_names(adam, settlement_a):
    response = signed_in(adam).post(
        reverse("accounts:staff_create"),
        {
            "username": "karim",
            "first_name": "کریم",
            "last_name": "",
            "role": Role.CASEWORKER,
            "settlements": [settlement_a.pk],
            "language": "fa",
            "password": "a long enough password 1405",
        },
    )
    assert response["Location"] == reverse("accounts:staff_detail", args=["karim"])
    karim = User.objects.get(username="karim")
    assert karim.settlement_ids() == {settlement_a.pk}
    assert karim.check_password("a long enough password 1405")
    assert UserEvent.objects.filter(aggregate=karim, kind="user.created", by=adam).exists()


def test_a_settlement_role_without_a_settlement_is_refused_on_the_form(adam, settlement_a):
    response = signed_in(adam).post(
        reverse("accounts:staff_create"),
        {
            "username": "karim",
            "first_name": "کریم",
            "role": Role.CLERK,
            "language": "fa",
            "password": "a long enough password 1405",
        },
    )
    assert response.status_code == 200
    assert "دست‌کم یک مهمانشهر" in response.content.decode()
    assert not User.objects.filter(username="karim").exists()


def test_an_administrator_moves_a_clerk_to_another_settlement_and_role(
    adam, alice, settlement_a, settlement_b
):
    response = signed_in(adam).post(
        reverse("accounts:staff_detail", args=["alice"]),
        {"action": "access", "role": Role.CASEWORKER, "settlements": [settlement_b.pk]},
    )
    assert response.status_code == 302
    alice = User.objects.get(pk=alice.pk)
    assert alice.role == Role.CASEWORKER
    assert alice.settlement_ids() == {settlement_b.pk}
    kinds = set(UserEvent.objects.filter(aggregate=alice, by=adam).values_list("kind", flat=True))
    assert kinds == {"user.role_changed", "user.membership_granted", "user.membership_revoked"}


def test_a_deactivated_account_cannot_sign_in_and_can_be_reactivated(adam, alice, password):
    client = signed_in(adam)
    url = reverse("accounts:staff_detail", args=["alice"])
    client.post(url, {"action": "active"})
    alice.refresh_from_db()
    assert not alice.is_active
    refused = Client().post("/accounts/login/", {"username": "alice", "password": password})
    assert refused.status_code == 200
    assert "_auth_user_id" not in refused.wsgi_request.session
    client.post(url, {"action": "active"})
    alice.refresh_from_db()
    assert alice.is_active
    kinds = list(UserEvent.objects.filter(aggregate=alice).values_list("kind", flat=True))
    assert "user.deactivated" in kinds and "user.reactivated" in kinds


def test_an_administrator_cannot_deactivate_their_own_account(adam):
    response = signed_in(adam).post(
        reverse("accounts:staff_detail", args=["adam"]), {"action": "active"}
    )
    assert response.status_code == 200
    assert "حساب خودتان" in response.content.decode()
    adam.refresh_from_db()
    assert adam.is_active


def test_an_administrator_sets_a_new_password_without_knowing_the_old(adam, alice):
    signed_in(adam).post(
        reverse("accounts:staff_detail", args=["alice"]),
        {
            "action": "password",
            "new_password1": "another long passphrase 1405",
            "new_password2": "another long passphrase 1405",
        },
    )
    alice.refresh_from_db()
    assert alice.check_password("another long passphrase 1405")
    assert UserEvent.objects.filter(aggregate=alice, kind="user.password_changed", by=adam)


def test_details_accept_a_phone_typed_in_persian_digits(adam, alice):
    signed_in(adam).post(
        reverse("accounts:staff_detail", args=["alice"]),
        {
            "action": "details",
            "first_name": "زهرا",
            "last_name": "احمدی",
            "email": "",
            "phone": "۰۹۱۵ ۱۲۳ ۴۵۶۷",
        },
    )
    alice.refresh_from_db()
    assert alice.phone == "09151234567"
    event = UserEvent.objects.get(aggregate=alice, kind="user.details_changed")
    assert event.params == {"fields": ["phone"]}


def test_an_unknown_action_is_not_found(adam, alice):
    response = signed_in(adam).post(
        reverse("accounts:staff_detail", args=["alice"]), {"action": "delete"}
    )
    assert response.status_code == 404


def test_the_staff_list_makes_a_fixed_number_of_queries(
    adam, alice, mona, bob, vera, django_assert_max_num_queries
):
    client = signed_in(adam)
    with django_assert_max_num_queries(10):
        client.get(reverse("accounts:staff"))


def test_the_admin_saves_settlements_through_the_service(adam, settlement_a):
    client = signed_in(adam)
    url = reverse("admin:core_settlement_change", args=[settlement_a.pk])
    response = client.post(
        url,
        {
            "name_fa": settlement_a.name_fa,
            "name_en": settlement_a.name_en,
            "province_fa": settlement_a.province_fa,
            "province_en": settlement_a.province_en,
            "capacity": "9500",
            "accommodation_type": "P",
            "opened_on": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    settlement = Settlement.objects.get(pk=settlement_a.pk)
    assert (settlement.capacity, settlement.version) == (9500, 2)
    event = SettlementEvent.objects.get(aggregate=settlement, kind="settlement.updated")
    assert event.by == adam and event.params["fields"] == ["capacity"]


def test_the_admin_creates_a_settlement_through_the_service(adam):
    response = signed_in(adam).post(
        reverse("admin:core_settlement_add"),
        {
            "code": "RF",
            "name_fa": "مهمانشهر رفسنجان",
            "name_en": "Rafsanjan guest city",
            "province_fa": "کرمان",
            "province_en": "Kerman",
            "capacity": "3000",
            "accommodation_type": "P",
            "opened_on": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    settlement = Settlement.objects.get(code="RF")
    assert SettlementEvent.objects.filter(aggregate=settlement, kind="settlement.created").exists()


def test_accounts_are_read_only_in_the_admin(adam, alice):
    client = signed_in(adam)
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    response = client.post(
        reverse("admin:accounts_user_change", args=[alice.pk]), {"username": "x"}
    )
    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.username == "alice"
