"""SMS backends: a file of JSON lines by default, memory for tests, the console; a wrong
``MEHMAN_SMS_BACKEND`` is a configuration error, not a crash at send time."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured

from mehman.core import dates
from mehman.residence import sms


def test_the_file_backend_appends_one_json_line_a_message_in_a_file_a_day(settings, tmp_path):
    settings.MEHMAN_SMS_DIR = tmp_path / "sms"
    backend = sms.FileBackend()

    backend.send(phone="09123456789", body="سلام ۱")
    backend.send(phone="09350000000", body="second")

    path = tmp_path / "sms" / f"{dates.today().isoformat()}.jsonl"
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(line["phone"], line["body"]) for line in lines] == [
        ("09123456789", "سلام ۱"),
        ("09350000000", "second"),
    ]
    assert all(line["at"] for line in lines)
    assert "سلام" in path.read_text(encoding="utf-8")  # kept readable, not escaped


def test_the_file_backend_reports_a_directory_it_cannot_write(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")

    with pytest.raises(sms.SmsError):
        sms.FileBackend(blocker / "sms").send(phone="0912", body="x")


def test_the_memory_backend_keeps_the_messages():
    sms.MemoryBackend.outbox.clear()

    sms.MemoryBackend().send(phone="09123456789", body="hello")

    assert sms.MemoryBackend.outbox == [{"phone": "09123456789", "body": "hello"}]


def test_the_console_backend_writes_the_message():
    out = StringIO()

    sms.ConsoleBackend(out).send(phone="09123456789", body="hello")

    assert "09123456789" in out.getvalue()
    assert "hello" in out.getvalue()


def test_the_backend_is_the_one_configured(settings):
    settings.MEHMAN_SMS_BACKEND = "mehman.residence.sms.MemoryBackend"

    assert isinstance(sms.get_backend(), sms.MemoryBackend)


@pytest.mark.parametrize(
    "path", ["mehman.residence.sms.NoSuchBackend", "no.such.module.Backend", "json.dumps"]
)
def test_a_wrong_backend_is_a_configuration_error(settings, path):
    settings.MEHMAN_SMS_BACKEND = path

    with pytest.raises(ImproperlyConfigured, match="MEHMAN_SMS_BACKEND"):
        sms.get_backend()
