"""The exit codes of `python -m fflab`."""

EXIT_OK = 0  # the run finished, or was stopped by --max-seconds
EXIT_RUN_FAILED = 1  # the run failed or diverged
EXIT_BAD_INPUT = 2  # an unknown experiment or preset, or a value its declaration does not allow
EXIT_INTERRUPTED = 130  # Ctrl-C
