"""`python -m qalx ...` is the `qalx` command: factories start bots with the interpreter of
each bot's environment, where no `qalx` script may be on PATH."""

from qalx.cli import main

if __name__ == "__main__":
    main(prog_name="qalx")
