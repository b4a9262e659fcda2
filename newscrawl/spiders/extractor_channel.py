"""The reactor's end of one extraction worker: its process, its socket, the tasks sent to it.

:mod:`.extractor` (the pool) decides what goes where; :mod:`.extractor_worker` is
the other end. The socket is read and written by asyncio's own transport, so a
16 MiB body a busy worker has not read yet is buffered without blocking the
reactor, and no thread is needed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from newscrawl.spiders.extractor_worker import HEADER

logger = logging.getLogger(__name__)

CLOSE_GRACE = 2.0  # seconds a worker gets to finish at close before it is killed
WORKER_MAIN = "from newscrawl.spiders.extractor_worker import main; main()"


@dataclass(eq=False)
class Task:
    ident: int
    func: Callable[..., Any]
    args: tuple[Any, ...]
    site: str
    future: asyncio.Future[Any]
    heavy: bool = False  # carries a body big enough to keep a worker busy for seconds


class Channel(asyncio.Protocol):
    """The reactor's end of a worker's socket: length-prefixed messages each way."""

    def __init__(self, received: Callable[[bytes], None], lost: Callable[[], None]) -> None:
        self.received, self.lost = received, lost
        self.transport: asyncio.Transport | None = None
        self._early: list[bytes] = []  # sent before the transport was made
        self._inbox = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.writelines(self._early)
        self._early.clear()

    def send(self, data: bytes) -> None:
        frame = (HEADER.pack(len(data)), data)
        if self.transport is None:
            self._early.extend(frame)
        else:
            self.transport.writelines(frame)

    def data_received(self, data: bytes) -> None:
        inbox = self._inbox
        inbox += data
        while len(inbox) >= HEADER.size:
            end = HEADER.size + HEADER.unpack_from(inbox)[0]
            if len(inbox) < end:
                return
            with memoryview(inbox) as view:
                message = bytes(view[HEADER.size:end])
            del inbox[:end]
            self.received(message)

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost()


class Worker:
    """One worker process and the tasks sent to it, the one it runs first."""

    def __init__(self, received: Callable[[Worker, bytes], None],
                 lost: Callable[[Worker], None]) -> None:
        self.sock, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(
                # -P: the crawl's sys.path only, not the current directory before it
                [sys.executable, "-P", "-c", WORKER_MAIN, str(theirs.fileno()), str(os.getpid())],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
        self.channel = Channel(lambda data: received(self, data), lambda: lost(self))
        loop = asyncio.get_running_loop()
        self._connecting = loop.create_task(
            loop.create_connection(lambda: self.channel, sock=self.sock))
        self.tasks: deque[Task] = deque()
        self.clock: asyncio.TimerHandle | None = None  # the running task's budget
        self.handed = -1  # when it was last handed a task (the longest idle goes first)
        self.recalling: Task | None = None  # asked back for a fairer task, not answered yet
        self.started = 0.0  # time.monotonic() when it started its running task (as seen here)
        self.warm = False  # has answered a task: its first one also imports the engine
        self.gone = False

    def hang_up(self) -> None:
        """EOF for the worker: an idle one exits at once, a busy one after its task."""
        if self.gone:
            return
        self.gone = True
        if self.clock is not None:
            self.clock.cancel()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        if self.channel.transport is not None:
            self.channel.transport.abort()
        else:
            self._connecting.cancel()
            self.sock.close()

    def stop(self, grace: float = 0.0) -> None:
        """Hang up, give the process *grace* seconds to exit, then kill it."""
        self.hang_up()
        try:
            self.process.wait(grace)
            return
        except subprocess.TimeoutExpired:
            self.process.kill()
        try:
            self.process.wait(CLOSE_GRACE)
        except subprocess.TimeoutExpired:
            logger.warning("extraction worker %d still there %gs after SIGKILL",
                           self.process.pid, CLOSE_GRACE)
