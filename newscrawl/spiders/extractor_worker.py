"""The life of one extraction worker process (the reactor's side is :mod:`.extractor`).

A worker is a fresh interpreter started by the crawl itself (so the crawl is its
parent and ``PR_SET_PDEATHSIG`` works; the signal is armed for the thread that
started the worker: the reactor's, which lives as long as the crawl), joined to
it by one socket. Messages each
way are length-prefixed pickles. The crawl sends tasks, ``(ident, func, args)``,
and recalls, ``ident`` alone: "if you have not started it, give it back" (a
fairer task for another site has come). Tasks queue in the socket: the crawl
sends the next one while the worker is busy, so a finished task is followed at
once by the next, without waiting for the (busy) reactor to notice the result.
Before it starts its next task a worker reads every message already there, and
its answer to the task it finished is two pickles in one message: the idents it
gave back, then ``(ok, value)`` (the result or the exception); so the crawl
knows which task runs next. The worker exits at EOF (the crawl closed it, or
died) and is killed with the crawl by the kernel.
"""

from __future__ import annotations

import ctypes
import functools
import mmap
import os
import pickle
import select
import signal
import socket
import struct
import sys
import traceback
from collections import deque
from typing import Any

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
HEADER = struct.Struct("!Q")  # a message's byte length, before its pickle
# A worker hands its freed heap back to the system (malloc_trim) after a task that left
# it this much larger than after its last trim; trimming after every task cost ~1.1 ms
# of a ~16 ms page.
TRIM_GROWTH = 8 * 2**20


def main() -> None:
    """Entry point: ``python -c '...main()' <socket fd> <crawl pid>``."""
    fd, crawl_pid = int(sys.argv[1]), int(sys.argv[2])
    _die_with(crawl_pid)
    serve(socket.socket(fileno=fd))
    os._exit(0)  # skip the interpreter's teardown: nothing is left to flush


def _die_with(crawl_pid: int) -> None:
    """Ignore SIGINT/SIGTERM (the crawl stops its workers itself) and die with the crawl."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != crawl_pid:  # the crawl died before the signal was armed
        os._exit(1)


def serve(sock: socket.socket) -> None:
    """Answer every task read from *sock*, in order, until EOF."""
    trimmer = HeapTrimmer()
    inbox = _Inbox(sock)
    try:
        with sock:
            while (task := inbox.next_task()) is not None:
                answer = outcome(task)
                inbox.read_ready()  # recalls that came while it ran
                write_frame(sock, pickle.dumps(inbox.recalled()), answer)
                trimmer.after_task()
    except OSError:  # the crawl hung up while we answered
        pass


class _Inbox:
    """The tasks a worker holds, in order, with the recalls applied."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.tasks: deque[tuple[int, Any, tuple[Any, ...]]] = deque()
        self._recalled: list[int] = []

    def next_task(self) -> tuple[Any, tuple[Any, ...]] | None:
        """The next task to run, waiting for one if none is here; None at EOF."""
        while not self.tasks:
            if not self._take(read_frame(self.sock)):
                return None
        _, func, args = self.tasks.popleft()
        return func, args

    def read_ready(self) -> None:
        """Take every message already sent, without waiting for more."""
        while select.select([self.sock], [], [], 0)[0]:
            if not self._take(read_frame(self.sock)):
                return

    def recalled(self) -> list[int]:
        done, self._recalled = self._recalled, []
        return done

    def _take(self, data: bytes | None) -> bool:
        if data is None:
            return False
        message = pickle.loads(data)
        if isinstance(message, int):  # a recall; too late if the task already ran
            kept = [task for task in self.tasks if task[0] != message]
            if len(kept) < len(self.tasks):
                self._recalled.append(message)
                self.tasks = deque(kept)
        else:
            self.tasks.append(message)
        return True


def outcome(task: tuple[Any, tuple[Any, ...]]) -> bytes:
    """The pickled ``(ok, value)`` answer to one task; an exception the crawl could not
    rebuild is sent as a RuntimeError naming it."""
    func, args = task
    try:
        return pickle.dumps((True, func(*args)), pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - the task's own failure: the caller gets it
        exc.add_note(f"in the extraction worker:\n{traceback.format_exc()}")
        try:
            answer = pickle.dumps((False, exc), pickle.HIGHEST_PROTOCOL)
            pickle.loads(answer)
            return answer
        except Exception:  # noqa: BLE001 - one the crawl could not rebuild
            failure = RuntimeError(f"{type(exc).__name__}: {exc}")
            return pickle.dumps((False, failure), pickle.HIGHEST_PROTOCOL)


def read_frame(sock: socket.socket) -> bytes | None:
    """One message, or None at EOF."""
    header = _receive(sock, HEADER.size)
    if header is None:
        return None
    return _receive(sock, HEADER.unpack(header)[0])


def _receive(sock: socket.socket, size: int) -> bytes | None:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        count = sock.recv_into(view[got:])
        if not count:
            return None
        got += count
    return bytes(buffer)


def write_frame(sock: socket.socket, *parts: bytes) -> None:
    """One message made of *parts*, in one write (one wake-up of the reader)."""
    sock.sendall(b"".join((HEADER.pack(sum(map(len, parts))), *parts)))


class HeapTrimmer:
    """Hands the heap a task freed back to the system when the worker grew by over
    ``TRIM_GROWTH`` since its last trim: a 40,000-link listing parsed once would otherwise
    keep the worker ~80 MB larger for the rest of the run (glibc keeps freed arenas), and
    the run's memory is the sum over all its processes. Without ``/proc``, every task."""

    def __init__(self) -> None:
        self.floor = resident_bytes() or 0  # RSS after the last trim, or lowest since

    def after_task(self) -> bool:
        """True if it trimmed."""
        rss = resident_bytes()
        if rss is not None and rss - self.floor <= TRIM_GROWTH:
            self.floor = min(self.floor, rss)
            return False
        trim_heap()
        self.floor = resident_bytes() or 0
        return True


def resident_bytes() -> int | None:
    """This process's resident set size, from ``/proc/self/statm`` (None without it)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * mmap.PAGESIZE
    except (OSError, IndexError, ValueError):
        return None


def trim_heap() -> None:
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc; absent elsewhere (musl, macOS)
    except (OSError, AttributeError):
        return None
