import pytest
from django.core.exceptions import ValidationError

from mehman.accounts import services
from mehman.accounts.models import Role, User, UserEvent


def test_creating_a_user_records_the_event_and_the_memberships(settlement_a, adam):
    user = services.create_user(
        username="karim",
        role=Role.CASEWORKER,
        password="a long enough password 1405",
        settlements=[settlement_a],
        by=adam,
    )
    kinds = list(UserEvent.objects.filter(aggregate=user).values_list("kind", flat=True))
    assert sorted(kinds) == ["user.created", "user.membership_granted"]
    assert user.settlement_ids() == {settlement_a.pk}
    assert user.history.count() == 1
    assert user.history.first().history_user == adam


def test_a_settlement_role_without_a_settlement_is_refused(db):
    with pytest.raises(ValidationError) as error:
        services.create_user(username="x", role=Role.CLERK, password="long password 1405")
    assert error.value.code == "no_settlement"
    assert not User.objects.filter(username="x").exists()


def test_a_weak_password_is_refused(settlement_a):
    with pytest.raises(ValidationError):
        services.create_user(
            username="x", role=Role.CLERK, password="1234", settlements=[settlement_a]
        )


def test_national_roles_see_every_settlement(nasrin, settlement_a, settlement_b):
    assert nasrin.has_national_scope
    from mehman.core.models import Settlement

    assert set(Settlement.objects.for_user(nasrin)) == {settlement_a, settlement_b}


def test_revoking_a_membership_removes_access(alice, settlement_a, adam):
    from mehman.core.models import Settlement

    services.revoke_membership(user=alice, settlement=settlement_a, by=adam)
    alice = User.objects.get(pk=alice.pk)
    assert not Settlement.objects.for_user(alice).exists()
    assert UserEvent.objects.filter(aggregate=alice, kind="user.membership_revoked").exists()


def test_preferences_change_with_an_event_and_history(alice):
    services.set_preferences(user=alice, by=alice, language="en", digits="latn")
    alice.refresh_from_db()
    assert (alice.language, alice.digits, alice.digit_style) == ("en", "latn", "latn")
    event = UserEvent.objects.get(aggregate=alice, kind="user.preferences_changed")
    assert event.params == {"fields": ["language", "digits"]}
    assert alice.history.count() == 2


def test_an_unknown_language_changes_nothing(alice):
    with pytest.raises(ValidationError):
        services.set_preferences(user=alice, by=alice, language="de")
    alice.refresh_from_db()
    assert alice.language == "fa"
    assert not UserEvent.objects.filter(kind="user.preferences_changed").exists()


def test_changing_a_role_is_recorded(alice, adam):
    services.change_role(user=alice, role=Role.CASEWORKER, by=adam)
    alice.refresh_from_db()
    assert alice.role == Role.CASEWORKER
    assert UserEvent.objects.filter(aggregate=alice, kind="user.role_changed", by=adam).exists()


def test_changing_a_password_records_the_event_but_not_the_password(alice):
    services.change_password(user=alice, password="a brand new passphrase 1405", by=alice)
    alice.refresh_from_db()
    assert alice.check_password("a brand new passphrase 1405")
    event = UserEvent.objects.get(aggregate=alice, kind="user.password_changed")
    assert event.params == {}


def test_a_weak_new_password_changes_nothing(alice, password):
    with pytest.raises(ValidationError):
        services.change_password(user=alice, password="12345678", by=alice)
    alice.refresh_from_db()
    assert alice.check_password(password)


def test_the_timeline_names_roles_in_the_users_language(alice):
    from django.utils import translation

    event = UserEvent.objects.get(aggregate=alice, kind="user.created")
    with translation.override("fa"):
        assert event.summary == "نقش: متصدی ثبت‌نام"
    with translation.override("en"):
        assert event.summary == "Role: Registration clerk"


def test_partner_staff_see_their_settlement_but_no_settlement_wide_records(vera, alice):
    from mehman.accounts.models import Membership
    from mehman.core.models import Settlement

    assert list(Settlement.objects.for_user(vera)) == list(Settlement.objects.for_user(alice))
    assert Membership.objects.for_user(alice).exists()
    assert not Membership.objects.for_user(vera).exists()


def test_admin_site_flags_follow_the_administrator_role(adam, alice):
    assert (adam.is_staff, adam.is_superuser) == (True, True)
    assert (alice.is_staff, alice.is_superuser) == (False, False)
    services.change_role(user=adam, role=Role.ANALYST, by=alice)
    adam.refresh_from_db()
    assert (adam.is_staff, adam.is_superuser) == (False, False)
