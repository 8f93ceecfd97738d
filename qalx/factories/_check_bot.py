"""Check a packed bot's `bot_path` in a process of its own, so the bot's code (which runs when
its module is imported) never runs in, or leaves modules behind in, the process packing it.

    python -P -m qalx.factories._check_bot BOT_DIR MODULE:VARIABLE RESULT_FILE

writes `{"status": "ok" | "warning" | "error", "message": ...}` as JSON to RESULT_FILE: the
bot's own output may go anywhere. A module the bot imports that is not installed here is only
a warning (its requirements are installed when the factory is built); a bot module that is
not in BOT_DIR, a missing variable, or a variable that is not a `qalx.bot.Bot` is an error.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import Any


def check(bot_dir: str, bot_path: str) -> dict[str, str]:
    from qalx.bot import Bot  # before the bot's directory can shadow anything

    module_name, _, variable = bot_path.partition(":")
    sys.path.insert(0, bot_dir)
    try:
        module = __import__(module_name, fromlist=["_"])
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if missing == module_name or module_name.startswith(f"{missing}."):
            return _error(f"no module {module_name!r} in the bot's code")
        return {
            "status": "warning",
            "message": f"{module_name!r} imports {missing!r}, which is not installed here, so "
            f"{bot_path!r} was not checked (requirements are installed at build)",
        }
    except BaseException as exc:  # the bot's own top-level code failed (or exited)
        last = traceback.format_exception_only(exc)[-1].strip()
        return _error(f"importing {module_name!r} failed: {last}")
    if not hasattr(module, variable):
        return _error(f"module {module_name!r} has no {variable!r}")
    found: Any = getattr(module, variable)
    if not isinstance(found, Bot):
        return _error(f"{bot_path!r} is a {type(found).__name__}, not a qalx.bot.Bot")
    return {"status": "ok", "message": ""}


def _error(message: str) -> dict[str, str]:
    return {"status": "error", "message": message}


def main(argv: list[str]) -> int:
    bot_dir, bot_path, result_file = argv
    Path(result_file).write_text(json.dumps(check(bot_dir, bot_path)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
