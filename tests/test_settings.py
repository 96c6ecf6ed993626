"""Settings that matter for safety and for the embedded database."""

import importlib.util
import os
from pathlib import Path
from unittest import mock

from django.urls import reverse

from conftest import signed_in

SETTINGS = Path(__file__).resolve().parent.parent / "mehman" / "settings.py"


def load_settings(**environ):
    """Execute the production settings module afresh under the given environment."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.update(environ)
    with mock.patch.dict(os.environ, env, clear=True):
        spec = importlib.util.spec_from_file_location("fresh_settings", SETTINGS)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


def test_sqlite_lives_in_the_data_directory_in_wal_mode_with_immediate_transactions(tmp_path):
    settings = load_settings(MEHMAN_DATA_DIR=str(tmp_path), MEHMAN_SECRET_KEY="k")
    database = settings.DATABASES["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "mehman.sqlite3")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_database_url_selects_postgresql(tmp_path):
    settings = load_settings(
        MEHMAN_DATA_DIR=str(tmp_path), DATABASE_URL="postgres://u@db.example:5432/mehman"
    )
    database = settings.DATABASES["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["NAME"]) == ("db.example", "mehman")


def test_a_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = load_settings(MEHMAN_DATA_DIR=str(tmp_path), MEHMAN_SECRET_KEY="")
    second = load_settings(MEHMAN_DATA_DIR=str(tmp_path), MEHMAN_SECRET_KEY="")
    assert first.SECRET_KEY == second.SECRET_KEY and len(first.SECRET_KEY) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_https_makes_cookies_secure(tmp_path):
    settings = load_settings(MEHMAN_DATA_DIR=str(tmp_path), MEHMAN_HTTPS="1")
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SECURE_HSTS_SECONDS > 0
    assert settings.DEBUG is False


def test_the_sign_in_page_is_persian_even_for_an_english_browser(db, client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="fa" dir="rtl">' in page.content.decode()


def test_the_language_cookie_chooses_english_before_sign_in(db, client):
    client.cookies["mehman_language"] = "en"
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en" dir="ltr">' in page


def test_the_admin_is_persian_and_right_to_left_for_a_persian_administrator(adam):
    page = signed_in(adam).get(reverse("admin:index")).content.decode()
    assert 'lang="fa" dir="rtl"' in page
    assert "مدیریت سامانهٔ مهمان" in page
    assert "Vazirmatn-Variable-font-face.css" in page
