"""Test override: the same settings, faster hashing, tasks run in-process."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("MEHMAN_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("MEHMAN_DATA_DIR", os.path.join(tempfile.gettempdir(), "mehman-test"))

from mehman.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ALLOWED_HOSTS = ["*"]
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
MEHMAN_ALLOCATION_SECONDS = 2  # the small test batches are proven optimal well within this
