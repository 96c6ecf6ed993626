"""Every environment variable the code reads is documented in docs/configuration.md."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VARIABLE = re.compile(r"""["'](MEHMAN_[A-Z0-9_]+|DATABASE_URL)["']""")


def variables_read_by_the_code() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "mehman").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        found |= set(VARIABLE.findall(path.read_text()))
    return found


def test_every_environment_variable_is_documented():
    documented = set(
        re.findall(
            r"`(MEHMAN_[A-Z0-9_]+|DATABASE_URL)`", (ROOT / "docs/configuration.md").read_text()
        )
    )
    assert variables_read_by_the_code() - documented == set()


def test_the_documentation_names_no_variable_the_code_does_not_read():
    documented = set(
        re.findall(
            r"^\| `(MEHMAN_[A-Z0-9_]+|DATABASE_URL)`",
            (ROOT / "docs/configuration.md").read_text(),
            re.M,
        )
    )
    assert documented - variables_read_by_the_code() == set()


def test_the_check_sees_the_variables_of_the_settings_module():
    # Guards the scanner itself: if it found nothing, the test above would pass vacuously.
    assert {
        "MEHMAN_DATA_DIR",
        "DATABASE_URL",
        "MEHMAN_SESSION_IDLE_MINUTES",
    } <= variables_read_by_the_code()
