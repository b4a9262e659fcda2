"""Nothing lost, nothing doubled: `scrapy crawl news` killed, stopped, starved of disk,
given a corrupt state and a held lock — then resumed — against the offline demo.

The invariant checked after every scenario: every demo article is in a finished
feed exactly once, no finished feed has a torn or corrupt line, and every
article the state calls seen is in a finished feed. Each test prints its figures;
the random moments come from a seed printed too (``NEWSCRAWL_TEST_SEED`` replays it).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import crawl_settings, soak, start_scrapy

from newscrawl import exitcodes
from newscrawl.dedup import canonicalize_url

SEED = int(os.environ.get("NEWSCRAWL_TEST_SEED") or random.randrange(1_000_000))
LARGE = 500  # generated articles on the large demo site: a crawl takes several seconds
FSYNC_EVERY = 5  # small windows between fsync + state commit


# -- running crawls ------------------------------------------------------------------------
@dataclass
class Env:
    """One crawl history: an output folder, a state folder and the registry they crawl."""

    root: Path
    registry: Path
    output: Path = field(init=False)
    state: Path = field(init=False)
    runs: int = 0

    def __post_init__(self) -> None:
        self.output, self.state = self.root / "out", self.root / "state"
        (self.root / "logs").mkdir(parents=True, exist_ok=True)

    @property
    def feeds(self) -> Path:
        return self.output / "news"

    def start(self, *extra: str, prefix: tuple[str, ...] = ()) -> subprocess.Popen:
        """A crawl in its own process group (so a kill reaches its extraction workers)."""
        self.runs += 1
        path = self.root / "logs" / f"run-{self.runs:02d}.log"
        with open(path, "w") as log:
            proc = start_scrapy(
                "crawl", "news", "-a", f"sites={self.registry}", *extra, prefix=prefix,
                settings=crawl_settings(self.output, self.state,
                                        NEWSCRAWL_FSYNC_EVERY=FSYNC_EVERY),
                stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
        proc.log_path = path  # type: ignore[attr-defined]
        return proc

    def run(self, *extra: str, timeout: float = 180,
            prefix: tuple[str, ...] = ()) -> tuple[int, str]:
        proc = self.start(*extra, prefix=prefix)
        try:
            proc.wait(timeout)
        finally:
            kill_group(proc, signal.SIGKILL)
        return proc.returncode, log_of(proc)

    def part_appeared(self, proc: subprocess.Popen, timeout: float = 60) -> bool:
        """Wait until the run writes its hidden feed (spider opened) or exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and proc.poll() is None:
            if self.feeds.exists() and any(self.feeds.glob(".*.jsonl.part")):
                return True
            time.sleep(0.05)
        return False


def log_of(proc: subprocess.Popen) -> str:
    return proc.log_path.read_text(errors="replace")  # type: ignore[attr-defined]


def kill_group(proc: subprocess.Popen, sig: int) -> None:
    """Signal the crawl's whole process group; with SIGKILL, wait until all of it is gone."""
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    if sig != signal.SIGKILL:
        return
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    raise AssertionError(f"process group {proc.pid} survived SIGKILL")


# -- checking the invariant -----------------------------------------------------------------
@dataclass
class Audit:
    feeds: int = 0
    lines: int = 0
    corrupt: int = 0
    leftovers: list[str] = field(default_factory=list)  # hidden files in the output folder
    missing: set[str] = field(default_factory=set)
    duplicates: dict[str, int] = field(default_factory=dict)
    seen_not_in_feed: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)

    def line(self, label: str) -> str:
        return (f"{label}: {self.feeds} finished feeds, {self.lines} lines, {self.corrupt} corrupt, "
                f"{len(self.missing)} lost, {sum(self.duplicates.values())} duplicates, "
                f"{len(self.seen_not_in_feed)} seen-but-not-in-a-feed, "
                f"{len(self.leftovers)} unfinished files")

    def assert_clean(self) -> None:
        assert self.corrupt == 0
        assert self.leftovers == []
        assert not self.missing, sorted(self.missing)[:5]
        assert not self.duplicates, list(self.duplicates.items())[:5]
        assert not self.seen_not_in_feed, sorted(self.seen_not_in_feed)[:5]


def truth_keys(net) -> set[str]:
    return {canonicalize_url(t["url"]) for t in net.truth()}


def feed_keys(env: Env) -> Counter:
    """(canonical URL, version) counts over the finished feeds; corrupt lines under None."""
    counts: Counter = Counter()
    for path in sorted(env.feeds.glob("*.jsonl")) if env.feeds.exists() else []:
        with open(path, "rb") as fh:
            for raw in fh:
                try:
                    row = json.loads(raw) if raw.endswith(b"\n") else None
                except ValueError:
                    row = None
                ok = isinstance(row, dict) and row.get("canonical_url")
                counts[(canonicalize_url(row["canonical_url"]), row.get("version")) if ok
                       else None] += 1
    return counts


def state_keys(env: Env) -> set[str]:
    db = env.state / "state.sqlite"
    if not db.exists():
        return set()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT canonical_url FROM articles")}
    finally:
        conn.close()


def audit(env: Env, truth: set[str]) -> Audit:
    counts = feed_keys(env)
    result = Audit(feeds=len(list(env.feeds.glob("*.jsonl"))), lines=sum(counts.values()))
    result.corrupt = counts.pop(None, 0)
    result.keys = {key for key, _ in counts}
    result.duplicates = {f"{k} v{v}": n - 1 for (k, v), n in counts.items() if n > 1}
    result.missing = truth - result.keys
    result.seen_not_in_feed = {canonicalize_url(k) for k in state_keys(env)} - result.keys
    result.leftovers = sorted(p.name for p in env.feeds.glob(".*")) if env.feeds.exists() else []
    return result


def read_if_there(path: Path) -> bytes:
    """A feed's bytes, or none when the run renamed or recovered it since it was listed."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""


def part_lines(env: Env) -> int:
    """Complete lines in unfinished (hidden) feeds: what the next run must recover."""
    if not env.feeds.exists():
        return 0
    return sum(read_if_there(p).count(b"\n") for p in env.feeds.glob(".*.jsonl.part"))


def part_keys(env: Env) -> set[str]:
    keys = set()
    for path in env.feeds.glob(".*.jsonl.part"):
        for raw in read_if_there(path).splitlines(keepends=True):
            if raw.endswith(b"\n"):
                keys.add(canonicalize_url(json.loads(raw)["canonical_url"]))
    return keys


def finished_feeds_clean(env: Env) -> int:
    """Corrupt or torn lines in finished feeds (must be 0 at every moment)."""
    return feed_keys(env).get(None, 0)


# -- fixtures -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def large_net(tmp_path_factory: pytest.TempPathFactory):
    from newscrawl.demo import DemoNetwork

    with DemoNetwork(base_port=0, large=LARGE) as net:
        net.registry_path = net.write_registry(tmp_path_factory.mktemp("large") / "sites.yaml")
        yield net


@pytest.fixture
def env(large_net, tmp_path: Path) -> Env:
    return Env(tmp_path, large_net.registry_path)


# -- 0. recovery steps, each interrupted (no crawl) -------------------------------------------
def _lines(n: int) -> bytes:
    return b"".join(json.dumps({"url": f"http://127.0.0.1/a{i}", "canonical_url":
                                f"http://127.0.0.1/a{i}", "site": "s"}).encode() + b"\n"
                    for i in range(n))


def test_recovery_survives_a_kill_at_each_step(tmp_path: Path) -> None:
    """Recovery is write target → record rows → remove .part; a kill after any step
    must neither lose nor double a line when the next run repeats it."""
    from newscrawl.export.files import recover_partial_feeds

    part = tmp_path / ".2026-01-01T00-00-00Z.jsonl.part"
    part.write_bytes(_lines(5) + b'{"url": "torn')
    dead_tmp = tmp_path / ".2026-01-01T00-00-00Z-recovered.jsonl.999999999.tmp"
    dead_tmp.write_bytes(_lines(2))  # a kill inside the atomic write
    first = recover_partial_feeds(tmp_path)
    target = tmp_path / "2026-01-01T00-00-00Z-recovered.jsonl"
    assert [r.target for r in first] == [target] and len(first[0].rows) == 5
    assert not dead_tmp.exists() and target.read_bytes() == _lines(5)
    again = recover_partial_feeds(tmp_path)  # killed before the .part was removed
    assert len(again[0].rows) == 5 and target.read_bytes() == _lines(5)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([part.name, target.name])
    print("recovery: 3 interrupted steps repeated, 5 lines promoted once, torn line dropped")


def test_live_feeds_and_temporaries_are_left_alone(tmp_path: Path, monkeypatch) -> None:
    """A .part locked by a running writer and a temporary of a live pid are not touched;
    two runs in one second get distinct feed names."""
    import fcntl

    from newscrawl.export import files as feedfiles

    live = tmp_path / ".2026-01-01T00-00-00Z.jsonl.part"
    with open(live, "wb") as fh:
        fh.write(_lines(3))
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        live_tmp = tmp_path / ".x.stats.json.1.tmp"  # pid 1 is alive
        live_tmp.write_text("{}")
        assert feedfiles.recover_partial_feeds(tmp_path) == []
        assert live.exists() and live_tmp.exists()
        monkeypatch.setattr(feedfiles, "utc_stamp", lambda: "2026-01-01T00-00-00Z")
        assert feedfiles.fresh_stamp(tmp_path) == "2026-01-01T00-00-00Z-2"


# -- 1. kill -9 at random moments -------------------------------------------------------------
KILLS = 8  # every run; 20 beside it under `make soak`


def _wait_for_lines(env: Env, proc: subprocess.Popen, old: set[Path], lines: int,
                    timeout: float = 120) -> None:
    """Until this run's own feed holds ``lines`` complete lines (or the run ends)."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        mine = [p for p in env.feeds.glob(".*.jsonl.part") if p not in old]
        if mine and sum(read_if_there(p).count(b"\n") for p in mine) >= lines:
            return
        time.sleep(0.01)


@pytest.mark.e2e
@pytest.mark.parametrize("kills", soak(KILLS, 20))
def test_sigkill_loop_loses_and_doubles_nothing(large_net, env: Env, kills: int) -> None:
    """Most kills land while the crawl writes its feed (after a random number of lines,
    plus a random fraction of a second, so between a write and its fsync + state
    commit too); every fifth lands at a random moment of start-up (recovery, state
    open) and every fifth during discovery, before the first line."""
    print(f"kill -9 seed {SEED} (NEWSCRAWL_TEST_SEED replays it)")
    rng = random.Random(SEED)
    truth = truth_keys(large_net)
    killed = finished = torn = unfinished = 0
    started = time.monotonic()
    for run in range(kills):
        old = set(env.feeds.glob(".*.jsonl.part")) if env.feeds.exists() else set()
        proc = env.start()
        if run % 5 == 4:
            delay = rng.uniform(0.2, 4.0)
        elif run % 5 == 3:
            env.part_appeared(proc)
            delay = rng.uniform(0.0, 1.0)
        else:
            _wait_for_lines(env, proc, old, rng.randint(1, 25))
            delay = rng.uniform(0.0, 0.1)
        try:
            proc.wait(delay)
            finished += 1
            assert proc.returncode == 0, log_of(proc)[-3000:]
        except subprocess.TimeoutExpired:
            kill_group(proc, signal.SIGKILL)
            killed += 1
            unfinished += sum(p.read_bytes().count(b"\n") for p in
                              env.feeds.glob(".*.jsonl.part") if p not in old)
        torn += finished_feeds_clean(env)
    code, log = env.run()
    assert code == 0, log[-3000:]
    result = audit(env, truth)
    print(f"kill -9 (seed {SEED}): {killed} kills, {finished} runs finished before their kill, "
          f"then a completed run; {unfinished} lines were in the killed runs' "
          f"unfinished feeds (recovered by the next run); {time.monotonic() - started:.0f} s")
    print(result.line(f"kill -9: {kills} runs"))
    assert torn == 0
    result.assert_clean()
    assert result.keys == truth


# -- 1b. kill -9 on a network of real pages it has never seen -------------------------------
REAL_KILLS = 4
# Real pages link to sections the network does not serve: a run that finds little new
# fails on the error rate (exit 4) or, its 404 "pages" holding no article, as a silent site
# (exit 5); neither is what these tests check.
REAL = ("-s", "NEWSCRAWL_MAX_ERROR_RATE=1", "-s", "NEWSCRAWL_SILENT_MIN_PAGES=1000000")


@pytest.fixture(scope="module")
def real_net(tmp_path_factory: pytest.TempPathFactory):
    from support.realnet import SKIP_REASON, RealNetwork, available

    if not available():
        pytest.skip(SKIP_REASON)
    with RealNetwork() as net:
        net.registry_path = net.write_registry(tmp_path_factory.mktemp("real") / "sites.yaml")
        clean = Env(tmp_path_factory.mktemp("real-clean"), net.registry_path)
        code, log = clean.run(*REAL, timeout=600)
        assert code == 0, log[-3000:]
        net.clean_keys = audit(clean, set()).keys  # what one uninterrupted run emits
        net.clean_hashes = feed_hashes(clean)
        yield net


def feed_hashes(env: Env) -> dict[str, str]:
    """Canonical URL -> content hash of every line of the finished feeds."""
    return {canonicalize_url(row["canonical_url"]): row["content_hash"]
            for path in sorted(env.feeds.glob("*.jsonl"))
            for row in (json.loads(raw) for raw in path.read_bytes().splitlines())}


def kept_under_another_url(env: Env, missing: set[str], clean_hashes: dict[str, str]) -> set[str]:
    """Missing keys whose article is in the feeds under its twin's URL: of two pages with
    one body, the one that arrives first is emitted and the other dropped as its
    duplicate, and which arrives first is the network's timing, not a loss."""
    present = set(feed_hashes(env).values())
    return {key for key in missing if clean_hashes.get(key) in present}


def body_duplicates(env: Env) -> int:
    """Lines whose body (and version) an earlier line of the finished feeds already had:
    the same article emitted twice under two URLs (a syndicated copy, a twin URL)."""
    counts: Counter = Counter()
    for path in sorted(env.feeds.glob("*.jsonl")):
        for row in (json.loads(raw) for raw in path.read_bytes().splitlines()):
            counts[(row["content_hash"], row["version"])] += 1
    return sum(n - 1 for n in counts.values() if n > 1)


@pytest.mark.slow
@pytest.mark.timeout(1800)  # a clean baseline, 4 killed runs and a clean run of 18 sites
@pytest.mark.parametrize("target", ["group", "main process"])
def test_sigkill_loop_on_real_pages(real_net, tmp_path: Path, target: str) -> None:
    """Kills land after a random number of feed lines (between a write and its fsync +
    commit too); "main process" kills only the crawl's main process, as the OOM killer
    does (its leftover workers are then ended: they hold no feed and no lock)."""
    rng = random.Random(SEED)
    env = Env(tmp_path, real_net.registry_path)
    for _ in range(REAL_KILLS):
        old = set(env.feeds.glob(".*.jsonl.part")) if env.feeds.exists() else set()
        proc = env.start(*REAL)
        _wait_for_lines(env, proc, old, rng.randint(1, 200), timeout=400)
        time.sleep(rng.uniform(0.0, 0.3))
        if target == "main process" and proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        kill_group(proc, signal.SIGKILL)
    code, log = env.run(*REAL, timeout=600)
    assert code == 0, log[-3000:]
    result = audit(env, real_net.clean_keys)
    twins = kept_under_another_url(env, result.missing, real_net.clean_hashes)
    result.missing -= twins
    doubled = body_duplicates(env)
    print(result.line(f"kill -9 of the {target}, real pages: {REAL_KILLS} kills + a clean run")
          + f", {doubled} same-body duplicates, {len(twins)} kept under their twin's URL")
    result.assert_clean()
    assert doubled == 0


# -- 2. SIGTERM: graceful stop ----------------------------------------------------------------
TERMS = 4  # every run; 10 beside it under `make soak`
GRACE = 60  # seconds a graceful stop may take


@pytest.mark.e2e
@pytest.mark.parametrize("terms", soak(TERMS, 10))
def test_sigterm_loop_stops_gracefully(large_net, env: Env, terms: int) -> None:
    """SIGTERM to the whole group (as systemd or Ctrl-C do) at a random moment of the crawl:
    exit 9 (INTERRUPTED; 0 if the run had finished) within 60 s, a finished feed, no .part."""
    print(f"SIGTERM seed {SEED} (NEWSCRAWL_TEST_SEED replays it)")
    rng = random.Random(SEED + 1)
    truth = truth_keys(large_net)
    codes: Counter = Counter()
    slowest = 0.0
    for _ in range(terms):
        before = set(env.feeds.glob("*.jsonl")) if env.feeds.exists() else set()
        proc = env.start()
        assert env.part_appeared(proc), log_of(proc)[-3000:]
        time.sleep(rng.uniform(0.0, 4.0))
        sent = time.monotonic()
        kill_group(proc, signal.SIGTERM)
        try:
            proc.wait(GRACE)
        finally:
            kill_group(proc, signal.SIGKILL)
        slowest = max(slowest, time.monotonic() - sent)
        codes[proc.returncode] += 1
        assert proc.returncode in (exitcodes.OK, exitcodes.INTERRUPTED), log_of(proc)[-3000:]
        new = {p for p in env.feeds.glob("*.jsonl") if "-recovered" not in p.name} - before
        assert len(new) == 1, log_of(proc)[-3000:]
        assert list(env.feeds.glob(".*")) == []
        assert finished_feeds_clean(env) == 0
    code, log = env.run()
    assert code == 0, log[-3000:]
    result = audit(env, truth)
    print(f"SIGTERM (seed {SEED}): {terms} stops, exit codes {dict(codes)}, "
          f"slowest stop {slowest:.1f} s")
    print(result.line(f"SIGTERM: {terms} runs"))
    result.assert_clean()
    assert result.keys == truth


@pytest.mark.e2e
def test_late_sigterm_does_not_turn_a_finished_run_into_a_killed_one(demo, tmp_path: Path) -> None:
    """Twisted restores the previous signal handlers when the reactor stops; a SIGTERM in
    the teardown after "Spider closed" used to kill the process (exit -15) although its
    feed was finished. It must exit with the run's own code."""
    env = Env(tmp_path, demo.registry_path)
    assert env.run()[0] == 0
    codes = []
    for pause in (0.0, 0.02, 0.05):
        proc = env.start()
        while "Spider closed" not in log_of(proc) and proc.poll() is None:
            time.sleep(0.005)
        time.sleep(pause)
        kill_group(proc, signal.SIGTERM)
        proc.wait(GRACE)
        codes.append(proc.returncode)
    print(f"late SIGTERM after the crawl: exit codes {codes}")
    assert codes == [exitcodes.OK] * 3


@pytest.mark.e2e
def test_sigterm_while_the_engine_starts_still_finishes_the_feed(demo, tmp_path: Path) -> None:
    """Scrapy drops a stop requested between "Spider opened" and the engine running
    (the spider was never closed, the feed left unfinished, exit 0): the crawl command
    holds the signal until the engine runs, so the stop is graceful."""
    env = Env(tmp_path, demo.registry_path)
    codes, finished = [], 0
    for pause in (0.0, 0.01, 0.03):
        before = set(env.feeds.glob("*.jsonl")) if env.feeds.exists() else set()
        proc = env.start()
        while "Spider opened" not in log_of(proc) and proc.poll() is None:
            time.sleep(0.002)
        time.sleep(pause)
        kill_group(proc, signal.SIGTERM)
        proc.wait(GRACE)
        codes.append(proc.returncode)
        finished += len(set(env.feeds.glob("*.jsonl")) - before)
        assert list(env.feeds.glob(".*")) == [], log_of(proc)[-3000:]
    print(f"SIGTERM at engine start: exit codes {codes}, {finished} finished feeds")
    assert set(codes) <= {exitcodes.INTERRUPTED, exitcodes.OK} and finished == 3


# -- 3. full disk ---------------------------------------------------------------------------
SMALL_DISK = "512k"  # far below the large demo's ~1.8 MB feed, so the run meets ENOSPC


@pytest.fixture
def small_disk(tmp_path: Path):
    """A tmpfs too small for the whole feed (root only: skips with the reason otherwise)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SMALL_DISK}", "tmpfs",
                           str(mount)], check=False, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or done.returncode}); "
                    "test_file_size_limit_stops_run_and_next_run_recovers covers EFBIG")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _assert_failed_run(code: int, log: str, env: Env) -> None:
    """Non-zero exit, the reason logged, no finished feed with a torn or corrupt line, and
    whatever the state calls seen is in a finished feed or in the unfinished feed the
    next run promotes."""
    assert code == exitcodes.OUTPUT_FAILED, log[-3000:]
    assert "cannot write" in log
    assert finished_feeds_clean(env) == 0
    assert audit(env, set()).seen_not_in_feed <= part_keys(env)


@pytest.mark.e2e
@pytest.mark.parametrize("on_disk", ["output", "output+state"])
def test_full_disk_stops_run_and_next_run_loses_nothing(large_net, tmp_path: Path,
                                                        small_disk: Path, on_disk: str) -> None:
    """The feed (and, second case, the state too) on a small tmpfs: exit 8 while full,
    everything exactly once after the disk is enlarged."""
    env = Env(tmp_path, large_net.registry_path)
    env.output = small_disk / "out"
    if on_disk == "output+state":
        env.state = small_disk / "state"
    truth = truth_keys(large_net)
    first, log1 = env.run()
    _assert_failed_run(first, log1, env)
    parked = part_lines(env)
    again, log2 = env.run()  # still full: recovery cannot write either
    _assert_failed_run(again, log2, env)
    subprocess.run(["mount", "-o", "remount,size=50m", str(small_disk)], check=True)
    code, log = env.run()
    assert code == 0, log[-3000:]
    result = audit(env, truth)
    print(f"full disk ({SMALL_DISK} tmpfs holding the {on_disk}): exit codes {first}, {again} "
          f"while full ({parked} lines parked in the unfinished feed), then {code} with space")
    print(result.line(f"full disk ({on_disk})"))
    result.assert_clean()
    assert result.keys == truth


@pytest.mark.e2e
def test_file_size_limit_stops_run_and_next_run_recovers(large_net, env: Env) -> None:
    """RLIMIT_FSIZE makes writes fail with EFBIG (Python ignores SIGXFSZ): the same path
    as a full disk, testable without mount rights. The state's write-ahead log
    outgrows the feed, so here it is the state that cannot record first."""
    limit = 300_000
    setlimit = (f"import os, resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, "
                f"({limit}, {limit})); os.execv(sys.argv[1], sys.argv[1:])")
    cap = (sys.executable, "-c", setlimit)
    truth = truth_keys(large_net)
    first, log1 = env.run(prefix=cap)
    _assert_failed_run(first, log1, env)
    parked = part_lines(env)
    code, log = env.run()
    assert code == 0, log[-3000:]
    result = audit(env, truth)
    print(f"file size limit ({limit} bytes, EFBIG): exit code {first} "
          f"({parked} lines parked in the unfinished feed), then {code} without the limit")
    print(result.line("EFBIG"))
    result.assert_clean()
    assert result.keys == truth


# -- 4. a corrupt state ---------------------------------------------------------------------
DB = "state.sqlite"


def _scribble(path: Path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(data)


def _truncate(path: Path, size: int) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(max(0, size))


def _random(n: int, salt: int) -> bytes:
    return random.Random(SEED + salt).randbytes(n)


def _foreign_db(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x TEXT)")
    conn.commit()
    conn.close()


def _flip_in_row(db: Path) -> None:
    """One character of a stored content hash changed: a valid page, a wrong row."""
    data = db.read_bytes()
    at = data.index(b"http://127.0.0.1")  # inside some stored row
    digest = next(i for i in range(at, len(data) - 40)
                  if all(chr(c) in "0123456789abcdef" for c in data[i:i + 40]))
    _scribble(db, digest, b"0" if data[digest:digest + 1] != b"0" else b"1")


CORRUPTIONS = {
    "one byte flipped in a row": _flip_in_row,
    "zeroed header": lambda db: _scribble(db, 0, b"\0" * 100),
    "truncated to half": lambda db: _truncate(db, db.stat().st_size // 2),
    "truncated mid-page": lambda db: _truncate(db, db.stat().st_size - 1000),
    "random bytes in the middle": lambda db: _scribble(db, db.stat().st_size // 2,
                                                       _random(4096, 1)),
    "random bytes scattered": lambda db: [_scribble(db, off, _random(16, off)) for off in
                                          range(8192, db.stat().st_size, db.stat().st_size // 9)],
    "garbage appended": lambda db: _scribble(db, db.stat().st_size, _random(5000, 2)),
    "zero-length file": lambda db: _truncate(db, 0),
    "deleted database": lambda db: db.unlink(),
    "deleted write-ahead log": lambda db: db.with_name(f"{DB}-wal").unlink(),
    "foreign SQLite file": _foreign_db,
}


@pytest.fixture(scope="module")
def baselines(demo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Env]:
    """Two histories to corrupt: a complete run limited to 20 articles, and the same
    followed by a run killed by SIGKILL mid-crawl (its commits are still in the WAL)."""
    done = Env(tmp_path_factory.mktemp("complete"), demo.registry_path)
    code, log = done.run("-a", "max_articles=20")
    assert code == 0, log[-3000:]
    killed = Env(tmp_path_factory.mktemp("killed"), demo.registry_path)
    shutil.copytree(done.output, killed.output)
    shutil.copytree(done.state, killed.state)
    proc = killed.start("-s", "NEWSCRAWL_FSYNC_EVERY=2")
    deadline = time.monotonic() + 120
    while part_lines(killed) < 8 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    kill_group(proc, signal.SIGKILL)
    assert (killed.state / f"{DB}-wal").stat().st_size > 0
    return {"complete": done, "killed": killed}


@pytest.mark.e2e
@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_corrupt_state_is_detected_and_rebuilt(demo, baselines, tmp_path: Path,
                                               corruption: str) -> None:
    base = baselines["killed" if "write-ahead" in corruption else "complete"]
    env = Env(tmp_path, demo.registry_path)
    shutil.copytree(base.output, env.output)
    shutil.copytree(base.state, env.state)
    emitted, parked = audit(env, set()).keys, part_lines(env)
    CORRUPTIONS[corruption](env.state / DB)
    code, log = env.run()
    assert code == 0, log[-3000:]
    assert "corrupt state database" in log, log[-3000:]
    assert list(env.state.glob("corrupt-*")), "the corrupt database was not quarantined"
    rebuilt = int(log.split("rebuilt the state from the feeds: ")[1].split()[0])
    result = audit(env, truth_keys(demo))
    print(f"state corruption '{corruption}': detected, quarantined, rebuilt {rebuilt} articles "
          f"from {len(emitted)} in finished feeds; then {result.lines - len(emitted)} new lines "
          f"({parked} recovered from the killed run's unfinished feed)")
    print(result.line(f"corruption '{corruption}'"))
    result.assert_clean()
    assert result.keys == truth_keys(demo)


# -- 5. the run lock ----------------------------------------------------------------------
def _state_files(env: Env) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_size)
            for p in env.state.iterdir() if p.is_file()}


@pytest.mark.e2e
def test_second_run_exits_at_once_and_stale_lock_does_not_block(large_net, env: Env) -> None:
    """The holder is frozen (SIGSTOP) while the second run tries, so any change to the
    state folder's files would be the second run's doing."""
    truth = truth_keys(large_net)
    holder = env.start()
    assert env.part_appeared(holder), log_of(holder)[-3000:]
    os.killpg(holder.pid, signal.SIGSTOP)
    try:
        before = _state_files(env)
        started = time.monotonic()
        second = env.start()
        second.wait(60)
        took = time.monotonic() - started
        after = _state_files(env)
    finally:
        kill_group(holder, signal.SIGKILL)
    message = log_of(second)
    assert second.returncode == exitcodes.ALREADY_RUNNING, message[-3000:]
    assert "another newscrawl run is in progress" in message
    assert f"pid={holder.pid}" in message
    assert after == before
    code, log = env.run()  # the holder died by SIGKILL: its lock is stale
    assert code == 0, log[-3000:]
    result = audit(env, truth)
    print(f"lock: second run exited {second.returncode} after {took:.1f} s, state files "
          f"untouched ({len(before)} files); after kill -9 of the holder the next run exited {code}")
    print(result.line("lock"))
    result.assert_clean()
    assert result.keys == truth
