"""`qalx.logging`: the rotating handler, the line layout, loggers per session, and the
exception hook (never installed by importing qalx)."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qalx.config import BotConfig, Config, UserConfig
from qalx.errors import QalxConfigError, QalxError
from qalx.logging import (
    LOGGER_NAME_PREFIX,
    QalxLogFormatter,
    QalxRotatingFileHandler,
    configure_logging,
    exception_hook,
    get_logger,
    install_exception_hook,
    session_logging_suffix,
)

MiB = 1024 * 1024
LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (?P<name>.{12,}?) (?P<level>.{8}) (?P<pid>\d+) "
    r"(?P<message>.*)$"
)


def record(name: str = "qalx.user.x", msg: str = "hello", **extra: object) -> logging.LogRecord:
    made = logging.LogRecord(name, logging.INFO, __file__, 1, msg, None, None)
    made.__dict__.update(extra)
    return made


# -- handler -----------------------------------------------------------------------------------


def test_handler_settings(tmp_path: Path) -> None:
    handler = QalxRotatingFileHandler(tmp_path / "q.log")
    try:
        assert (handler.maxBytes, handler.backupCount, handler.mode) == (10 * MiB, 10, "a")
    finally:
        handler.close()


def test_a_new_handler_appends_to_an_existing_log(tmp_path: Path) -> None:
    path = tmp_path / "q.log"
    path.write_text("from an earlier process\n")
    handler = QalxRotatingFileHandler(str(path))
    handler.emit(record(msg="from this one"))
    handler.close()
    assert path.read_text() == "from an earlier process\nfrom this one\n"


def test_rotates_at_ten_mib(tmp_path: Path) -> None:
    path = tmp_path / "q.log"
    handler = QalxRotatingFileHandler(path)
    chunk = "x" * (MiB - 1)  # one MiB a line, with the newline
    try:
        for _ in range(10):
            handler.emit(record(msg=chunk))
        # The tenth line would have brought the file to 10 MiB: it starts the next file.
        assert (tmp_path / "q.log.1").stat().st_size == 9 * MiB
        assert path.stat().st_size == MiB
        handler.emit(record(msg="after"))
    finally:
        handler.close()
    assert path.read_text().endswith("after\n")
    assert not (tmp_path / "q.log.2").exists()


def test_keeps_ten_backups(tmp_path: Path) -> None:
    path = tmp_path / "q.log"
    handler = QalxRotatingFileHandler(path, maxBytes=10)
    try:
        for i in range(15):
            handler.emit(record(msg=f"line {i:02d}"))
    finally:
        handler.close()
    assert sorted(p.name for p in tmp_path.glob("q.log*")) == sorted(
        ["q.log"] + [f"q.log.{i}" for i in range(1, 11)]
    )
    assert (tmp_path / "q.log.1").read_text() == "line 13\n"
    assert path.read_text() == "line 14\n"


def test_failed_rotation_is_swallowed_and_logging_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "q.log"
    (tmp_path / "q.log.1").write_text("older\n")  # so the backups must be shifted too

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "in use by another process", src)

    handler = QalxRotatingFileHandler(path, maxBytes=20)
    try:
        monkeypatch.setattr(os, "rename", refuse)
        for i in range(5):
            handler.emit(record(msg=f"kept {i}"))
        monkeypatch.undo()
        assert path.read_text() == "".join(f"kept {i}\n" for i in range(5))
        assert (tmp_path / "q.log.1").read_text() == "older\n"
        handler.emit(record(msg="rotated at last"))
    finally:
        handler.close()
    assert "Logging error" not in capsys.readouterr().err
    assert (tmp_path / "q.log.2").read_text() == "older\n"
    assert path.read_text() == "rotated at last\n"


def test_failed_rotate_of_the_current_file_alone_is_swallowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "q.log"
    handler = QalxRotatingFileHandler(path, maxBytes=20)
    try:
        monkeypatch.setattr(os, "rename", lambda src, dst: (_ for _ in ()).throw(OSError(5, "io")))
        for i in range(4):
            handler.emit(record(msg=f"kept {i}"))
    finally:
        handler.close()
    assert "Logging error" not in capsys.readouterr().err
    assert path.read_text().count("kept") == 4


# -- formatter ---------------------------------------------------------------------------------


def test_line_layout() -> None:
    line = QalxLogFormatter().format(record(name="qalx.w", msg="saved"))
    found = LINE.match(line)
    assert found, line
    assert found["name"] == "qalx.w      "  # left-aligned in 12
    assert found["level"] == "INFO    "  # left-aligned in 8
    assert found["pid"] == str(os.getpid())
    assert found["message"] == "saved"


def test_long_logger_names_are_not_cut() -> None:
    line = QalxLogFormatter().format(record(name="qalx.user.a-long-profile"))
    assert " qalx.user.a-long-profile INFO     " in line


def test_entity_extras_end_the_line() -> None:
    formatter = QalxLogFormatter()
    line = formatter.format(record(msg="failed", entity_type="item", entity_guid="1234"))
    assert line.endswith(" failed Entity Type: `item` Entity GUID: `1234`")
    # One extra alone is not enough, and the formatter is not changed by an earlier record.
    assert formatter.format(record(msg="plain", entity_type="item")).endswith(" plain")
    assert formatter.format(record(msg="plain")).endswith(" plain")


def test_style_is_accepted_for_pyqalx_s_signature() -> None:
    assert QalxLogFormatter(style="{").format(record(msg="m")).endswith(" m")


def test_exception_text_follows_the_line() -> None:
    try:
        raise ValueError("bad")
    except ValueError:
        made = logging.LogRecord("qalx.x", logging.ERROR, __file__, 1, "oops", None, sys.exc_info())
    text = QalxLogFormatter().format(made)
    assert text.splitlines()[0].endswith(" oops")
    assert "ValueError: bad" in text


# -- loggers -----------------------------------------------------------------------------------


def test_configure_logging_names_and_levels(tmp_path: Path) -> None:
    path = tmp_path / "s.log"
    log = configure_logging("user.default", path, "debug")
    assert LOGGER_NAME_PREFIX == "qalx"
    assert log.name == "qalx.user.default"
    assert log.level == logging.DEBUG
    log.debug("first")
    assert LINE.match(path.read_text().splitlines()[0])
    assert path.read_text().splitlines()[0].endswith(" first")


def test_one_handler_per_logger_name(tmp_path: Path) -> None:
    first = configure_logging("worker.0", tmp_path / "a.log", "INFO")
    again = configure_logging("worker.0", tmp_path / "b.log", "WARNING")
    assert first is again
    assert len(first.handlers) == 1
    assert first.level == logging.WARNING == first.handlers[0].level
    first.warning("w")
    assert "w" in (tmp_path / "a.log").read_text() and not (tmp_path / "b.log").exists()
    configure_logging("worker.1", tmp_path / "c.log", logging.ERROR).error("e")
    assert "e" in (tmp_path / "c.log").read_text()


def test_configure_logging_refuses_an_unknown_level(tmp_path: Path) -> None:
    with pytest.raises(QalxConfigError, match="LOUD"):
        configure_logging("user.x", tmp_path / "x.log", "LOUD")


def test_session_logging_suffix() -> None:
    assert session_logging_suffix(UserConfig) == "user"
    assert session_logging_suffix(BotConfig()) == "bot"
    with pytest.raises(QalxConfigError):
        session_logging_suffix(Config)


def test_get_logger_prefers_user_then_bot_then_root(tmp_path: Path) -> None:
    assert get_logger() is logging.getLogger()
    configure_logging("bot.default", tmp_path / "b.log", "INFO")
    assert get_logger().name == "qalx.bot.default"
    configure_logging("user.default", tmp_path / "u.log", "INFO")
    configure_logging("user.staging-2", tmp_path / "s.log", "INFO")
    assert get_logger().name == "qalx.user.staging-2"  # the longest name, as pyqalx picks
    logging.getLogger("qalx.username-lookalike-of-great-length")
    assert get_logger().name == "qalx.user.staging-2"


# -- exception hook ----------------------------------------------------------------------------


def test_qalx_errors_are_logged_printed_and_not_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = configure_logging("user.hook", tmp_path / "h.log", "ERROR")
    try:
        raise QalxError("step failed")
    except QalxError as exc:
        exception_hook(
            QalxError,
            exc,
            exc.__traceback__,
            extra={"entity_type": "item", "entity_guid": "g-1"},
            log=log,
        )
    text = (tmp_path / "h.log").read_text()
    assert "Qalx Exception: Entity Type: `item` Entity GUID: `g-1`" in text
    assert "QalxError: step failed" in text
    assert "QalxError: step failed" in capsys.readouterr().err


def test_step_errors_are_reported_under_qalx_error(tmp_path: Path) -> None:
    log = configure_logging("worker.7", tmp_path / "w.log", "ERROR")
    try:
        int("a")
    except ValueError as exc:
        exception_hook(QalxError, exc, exc.__traceback__, log=log)  # as a worker does
    assert "Qalx Exception:" in (tmp_path / "w.log").read_text()


def test_other_errors_are_logged_and_raised_again(tmp_path: Path) -> None:
    configure_logging("user.other", tmp_path / "o.log", "ERROR")
    error = KeyError("k")
    try:
        raise error
    except KeyError as exc:
        with pytest.raises(KeyError) as raised:
            exception_hook(KeyError, exc, exc.__traceback__)  # log found by get_logger()
    assert raised.value is error
    text = (tmp_path / "o.log").read_text()
    assert "Unhandled Exception:" in text and "KeyError: 'k'" in text


def test_keyboard_interrupt_goes_to_python_s_hook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = configure_logging("user.kb", tmp_path / "k.log", "DEBUG")
    exception_hook(KeyboardInterrupt, KeyboardInterrupt(), None, log=log)
    assert "KeyboardInterrupt" in capsys.readouterr().err
    assert (tmp_path / "k.log").read_text() == ""


def test_install_exception_hook_replaces_and_hands_back(monkeypatch: pytest.MonkeyPatch) -> None:
    def mine(*args: object) -> None:
        pass

    monkeypatch.setattr(sys, "excepthook", mine)
    previous = install_exception_hook()
    assert previous is mine and sys.excepthook is not mine
    assert install_exception_hook() is mine  # installing twice keeps the original to go back to


def _python(code: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_importing_qalx_leaves_excepthook_and_heavy_modules_alone(home: Path) -> None:
    done = _python(
        """
        import sys
        hook = sys.excepthook
        import qalx, qalx.config, qalx.errors, qalx.logging, qalx.signals
        assert sys.excepthook is hook, sys.excepthook
        heavy = [m for m in ("click", "rich", "httpx", "attrs", "qalx_api_client")
                 if m in sys.modules]
        assert not heavy, heavy
        """,
        home,
    )
    assert done.returncode == 0, done.stderr


def test_installed_hook_logs_uncaught_errors(home: Path, tmp_path: Path) -> None:
    log_file = tmp_path / "uncaught.log"
    done = _python(
        f"""
        from qalx.errors import QalxQueueError
        from qalx.logging import configure_logging, install_exception_hook
        configure_logging("user.default", {str(log_file)!r}, "ERROR")
        install_exception_hook()
        raise QalxQueueError("no queue")
        """,
        home,
    )
    assert done.returncode == 1
    assert "QalxQueueError: no queue" in done.stderr
    assert "Error in sys.excepthook" not in done.stderr
    assert "Qalx Exception:" in log_file.read_text()
    done = _python(
        f"""
        from qalx.logging import configure_logging, install_exception_hook
        configure_logging("user.default", {str(log_file)!r}, "ERROR")
        install_exception_hook()
        raise ValueError("user's own")
        """,
        home,
    )
    assert done.returncode == 1
    assert done.stderr.count("ValueError: user's own") == 1
    assert "Error in sys.excepthook" not in done.stderr
    assert "Unhandled Exception:" in log_file.read_text()


def test_installed_hook_without_any_log_prints_each_traceback_once(home: Path) -> None:
    for error in ("QalxQueueError", "ValueError"):
        done = _python(
            f"""
            from qalx.errors import QalxQueueError
            from qalx.logging import install_exception_hook
            install_exception_hook()
            raise {error}("nowhere to log")
            """,
            home,
        )
        assert done.returncode == 1
        assert done.stderr.count(f"{error}: nowhere to log") == 1, done.stderr
