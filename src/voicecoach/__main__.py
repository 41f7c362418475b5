"""``voicecoach`` and ``python -m voicecoach``: SIGTERM is made an interruption first.

The handler goes in before the command line's imports (numpy, scipy, the renderer: most
of a second), so a build stopped at any moment, even its first second, says
"interrupted", removes its temporary files and exits 130, as it does for Ctrl-C.
"""

import signal
import sys


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run() -> None:
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        from voicecoach.cli import main
    except KeyboardInterrupt:  # stopped while importing: nothing was started yet
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
