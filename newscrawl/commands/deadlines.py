"""Hard deadlines for a run: it ends whatever the reactor or a worker is doing.

The graceful paths (Scrapy's CLOSESPIDER_TIMEOUT at ``NEWSCRAWL_MAX_RUN_SECONDS``,
its SIGTERM handling) need the reactor to run; a reactor stuck in C code never
gets there. Two backstops that do not need it:

- a daemon thread that ends the process with exit 9 (INTERRUPTED) when a deadline
  passes: it runs whenever the main thread releases the GIL (I/O, sleeps, lxml);
- ``alarm()`` with SIGALRM at its default action, a little later: the *kernel*
  terminates the process, even if one thread never releases the GIL.

Either way the kernel drops the run lock and the extraction workers die with the
process (parent-death signal); the ledger never marked unfinished output seen.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

from newscrawl import exitcodes

ALARM_MARGIN = 5  # seconds between the thread's deadline and the kernel's

_earliest = [float("inf")]  # monotonic time of the nearest deadline armed so far
_lock = threading.Lock()


def arm(seconds: float, why: str) -> None:
    """End the process at the latest *seconds* from now (earlier deadlines stay)."""
    if seconds <= 0:
        return
    when = time.monotonic() + seconds
    with _lock:
        if when >= _earliest[0]:
            return
        _earliest[0] = when
    threading.Thread(target=_expire, args=(when, why), daemon=True,
                     name="newscrawl-deadline").start()
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(int(seconds) + ALARM_MARGIN)


def _expire(when: float, why: str) -> None:
    while (left := when - time.monotonic()) > 0:
        time.sleep(min(left, 1.0))
    if _earliest[0] < when:  # a nearer deadline took over; it will fire itself
        return
    sys.stderr.write(f"newscrawl: {why}: ending the run now\n")
    sys.stderr.flush()
    os._exit(exitcodes.INTERRUPTED)
