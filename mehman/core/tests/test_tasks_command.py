"""Following background work from the command line."""

import pytest
from django.core.management import CommandError, call_command

from mehman.core import services


def test_watch_shows_a_finished_task_and_its_outcome(alice, capsys):
    progress = services.start_progress(kind="k", title="Import", total=3, by=alice)
    services.advance_progress(progress, done=3)
    services.finish_progress(progress)
    call_command("tasks", "watch", str(progress.uuid), "--interval", "0")
    assert "done: Import" in capsys.readouterr().out


def test_watch_fails_for_a_failed_task(alice):
    progress = services.start_progress(kind="k", title="Import", total=3, by=alice)
    services.finish_progress(progress, error="The file is not a spreadsheet.")
    with pytest.raises(CommandError, match="failed"):
        call_command("tasks", "watch", str(progress.uuid), "--interval", "0")


def test_watch_gives_up_at_its_timeout(alice):
    progress = services.start_progress(kind="k", title="Import", total=3, by=alice)
    with pytest.raises(CommandError, match="Timed out"):
        call_command("tasks", "watch", str(progress.uuid), "--interval", "0", "--timeout", "0.01")


def test_an_unknown_task_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No such task"):
        call_command("tasks", "watch", "not-a-uuid")


def test_list_shows_recent_tasks(alice, capsys):
    services.start_progress(kind="k", title="Monthly report", total=1, by=alice)
    call_command("tasks", "list")
    assert "Monthly report" in capsys.readouterr().out


def test_the_reporter_records_progress_and_failure(alice):
    from mehman.core.progress import Reporter

    progress = services.start_progress(kind="k", title="t", total=4, by=alice)
    with pytest.raises(RuntimeError), Reporter(progress, total=4, interval=0) as reporter:
        reporter.advance(2)
        raise RuntimeError("boom")
    progress.refresh_from_db()
    assert (progress.done, progress.status) == (2, "failed")
    assert "boom" not in progress.message  # internals never reach users
