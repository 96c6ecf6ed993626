"""Signing in: lockout after repeated failures, idle timeout, absolute maximum, hashing."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from mehman.accounts.middleware import LAST_SEEN_KEY, LOGIN_AT_KEY

LOGIN = "/accounts/login/"


def _attempt(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_clerk_signs_in_and_lands_on_the_home_page(alice, password, client):
    response = _attempt(client, "alice", password)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200


def test_a_wrong_password_gets_a_translated_error_and_no_session(alice, client):
    response = _attempt(client, "alice", "wrong password")
    assert response.status_code == 200
    assert "نام کاربری یا گذرواژه" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_account_is_locked_after_repeated_failures_even_with_the_right_password(
    alice, password, client
):
    for _ in range(2):
        assert _attempt(client, "alice", "wrong password").status_code == 200
    locked = _attempt(client, "alice", "wrong password")
    assert locked.status_code == 429
    assert 'data-testid="locked-out"' in locked.content.decode()
    # The right password does not open a locked account.
    assert _attempt(client, "alice", password).status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_is_keyed_on_username_and_address(alice, mona, password, client):
    for _ in range(3):
        _attempt(client, "alice", "wrong password", ip="10.0.0.1")
    # Another account from the same address, and the same account elsewhere, still sign in.
    assert _attempt(Client(), "mona", password, ip="10.0.0.1").status_code == 302
    assert _attempt(Client(), "alice", password, ip="10.0.0.2").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3, MEHMAN_PROXY_COUNT=1)
def test_behind_a_proxy_the_lockout_is_keyed_on_the_forwarded_address(alice, password, client):
    def through_proxy(browser: Client, forwarded: str, typed: str):
        return browser.post(
            LOGIN,
            {"username": "alice", "password": typed},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for _ in range(3):
        through_proxy(client, "192.0.2.9", "wrong password")
    assert through_proxy(Client(), "192.0.2.9", password).status_code == 429
    # Alice elsewhere, behind the same proxy, is not locked out with the guesser.
    assert through_proxy(Client(), "192.0.2.10", password).status_code == 302


def test_an_idle_session_is_signed_out(alice, password, client):
    _attempt(client, "alice", password)
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - settings.SESSION_IDLE_TIMEOUT.total_seconds() - 5
    session.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "عدم فعالیت" in page  # "signed out after a period of inactivity", in Persian


def test_activity_keeps_the_session_alive(alice, password, client):
    _attempt(client, "alice", password)
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - settings.SESSION_IDLE_TIMEOUT.total_seconds() + 60
    session.save()
    assert client.get(reverse("core:home")).status_code == 200
    assert client.session[LAST_SEEN_KEY] > time.time() - 5


def test_polling_does_not_keep_an_idle_session_alive(alice, password, client):
    _attempt(client, "alice", password)
    session = client.session
    stale = time.time() - 60
    session[LAST_SEEN_KEY] = stale
    session.save()
    client.get(reverse("core:home"), HTTP_X_MEHMAN_POLL="1")
    assert client.session[LAST_SEEN_KEY] == pytest.approx(stale)


def test_a_session_ends_at_its_absolute_maximum_even_when_active(alice, password, client):
    _attempt(client, "alice", password)
    session = client.session
    session[LOGIN_AT_KEY] = time.time() - settings.SESSION_MAX_AGE.total_seconds() - 5
    session.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_htmx_request_of_an_expired_session_redirects_the_whole_page(alice, password, client):
    _attempt(client, "alice", password)
    session = client.session
    session[LAST_SEEN_KEY] = 0
    session.save()
    response = client.get(reverse("core:home"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == LOGIN


def test_production_settings_hash_with_argon2_and_protect_cookies():
    from mehman import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert production.SESSION_COOKIE_HTTPONLY and production.CSRF_COOKIE_HTTPONLY
    assert production.SESSION_COOKIE_SAMESITE == "Lax"
    assert production.SESSION_IDLE_TIMEOUT.total_seconds() == 30 * 60
    assert production.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_a_signed_in_users_language_follows_their_preference(vera, password, client):
    _attempt(client, "vera", password)
    page = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en" dir="ltr">' in page


def test_a_user_changes_their_password_and_stays_signed_in(alice, password, client):
    _attempt(client, "alice", password)
    response = client.post(
        reverse("accounts:password"),
        {
            "old_password": password,
            "new_password1": "a brand new passphrase 1405",
            "new_password2": "a brand new passphrase 1405",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    alice.refresh_from_db()
    assert alice.check_password("a brand new passphrase 1405")


def test_a_wrong_old_password_is_refused_in_persian(alice, password, client):
    _attempt(client, "alice", password)
    response = client.post(
        reverse("accounts:password"),
        {"old_password": "nope", "new_password1": "x" * 12, "new_password2": "x" * 12},
    )
    assert response.status_code == 200
    assert "گذرواژهٔ قدیمی‌تان اشتباه وارد شد" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(password)
