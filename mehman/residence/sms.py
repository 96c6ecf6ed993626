"""Text messages to residents' phones through a pluggable backend.

``settings.MEHMAN_SMS_BACKEND`` names the backend class; a gateway's backend subclasses
``SmsBackend`` and raises ``SmsError`` when the message is refused. The default writes each
message to a file (one JSON line a message, one file a day) for an operator to send or check.

Nothing here logs a phone number or a message: they are personal data.
"""

from __future__ import annotations

import json
import sys
from abc import ABC, abstractmethod
from pathlib import Path
from typing import IO, ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from mehman.core import dates


class SmsError(Exception):
    """The backend could not send the message (the text says why, without personal data)."""


class SmsBackend(ABC):
    """The interface of a way to send text messages (a gateway's adapter subclasses it)."""

    @abstractmethod
    def send(self, *, phone: str, body: str) -> None:
        """Send one text message; raise ``SmsError`` when it cannot."""


class ConsoleBackend(SmsBackend):
    """Writes each message to standard output (development)."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream

    def send(self, *, phone: str, body: str) -> None:
        stream = self.stream or sys.stdout
        stream.write(f"SMS to {phone}:\n{body}\n\n")
        stream.flush()


class FileBackend(SmsBackend):
    """Appends each message as a JSON line to ``MEHMAN_SMS_DIR/YYYY-MM-DD.jsonl``."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory or settings.MEHMAN_SMS_DIR)

    def path_for(self, day: object = None) -> Path:
        return self.directory / f"{(day or dates.today())}.jsonl"

    def send(self, *, phone: str, body: str) -> None:
        line = json.dumps(
            {"at": timezone.now().isoformat(), "phone": phone, "body": body}, ensure_ascii=False
        )
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with self.path_for().open("a", encoding="utf-8") as out:
                out.write(line + "\n")
        except OSError as exc:
            raise SmsError(f"The message file could not be written ({exc.strerror}).") from None


class MemoryBackend(SmsBackend):
    """Keeps the messages in ``MemoryBackend.outbox`` (tests)."""

    outbox: ClassVar[list[dict[str, str]]] = []

    def send(self, *, phone: str, body: str) -> None:
        MemoryBackend.outbox.append({"phone": phone, "body": body})


def backend_path() -> str:
    return str(settings.MEHMAN_SMS_BACKEND)


def get_backend() -> SmsBackend:
    """The configured backend; a wrong ``MEHMAN_SMS_BACKEND`` is a configuration error."""
    path = backend_path()
    try:
        backend_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"MEHMAN_SMS_BACKEND {path!r} cannot be imported: {exc}"
        ) from exc
    if not (isinstance(backend_class, type) and issubclass(backend_class, SmsBackend)):
        raise ImproperlyConfigured(
            f"MEHMAN_SMS_BACKEND {path!r} is not a subclass of mehman.residence.sms.SmsBackend."
        )
    backend: SmsBackend = backend_class()
    return backend


@task()
def deliver_message(message_uuid: str) -> str:
    """Send a queued text message; its status (sent or failed) is the result."""
    from mehman.residence.models import TextMessage
    from mehman.residence.services import messages

    message = TextMessage.objects.get(uuid=message_uuid)
    return str(messages.deliver(message).status)
