"""Fault scenarios' bookkeeping: kills survived and items checked, lost or doubled, printed at the end.

Each scenario settles a ``ledger``: what the users were acknowledged against what the database (or
the emulator, for pushes) holds. A missing or doubled item fails that scenario; the totals of every
settled scenario are printed in pytest's terminal summary, after the service summary.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from collections.abc import AsyncIterator, Hashable, Iterator
from dataclasses import dataclass

import pytest

from sandbox.emulator import RunningEmulator, running_emulator

SEED_ENV = "MEYDAN_FAULT_SEED"
DEFAULT_SEED = 1401


@dataclass
class FaultTally:
    """The run's totals over the settled scenarios."""

    scenarios: int = 0
    kills: int = 0
    outages: int = 0
    checked: int = 0
    lost: int = 0
    doubled: int = 0
    excused: int = 0

    def line(self, seed: int) -> str:
        """The summary line (the counts CI shows)."""
        excused = f" ({self.excused} kept twice: done, then killed before saying so)" if self.excused else ""
        return (
            f"fault scenarios: {self.scenarios} run, {self.kills} kills survived, {self.outages} outages "
            f"survived, {self.checked} items checked, {self.lost} lost, {self.doubled} doubled{excused} "
            f"(seed {seed})"
        )


_tally_key = pytest.StashKey[FaultTally]()


def fault_seed() -> int:
    """The seed of every scenario's random kill times (MEYDAN_FAULT_SEED, else a fixed one)."""
    return int(os.environ.get(SEED_ENV) or DEFAULT_SEED)


class Ledger:
    """One scenario's account. ``killed()`` after each restart that polls again, ``outage()`` after each
    recovered outage; ``settle()`` compares and adds the scenario to the run's totals."""

    def __init__(self, tally: FaultTally, rng: random.Random) -> None:
        self.tally = tally
        self.rng = rng
        self.kills = 0
        self.outages = 0
        self.settled = False

    def killed(self) -> None:
        """The bot was SIGKILLed and a new one polls again."""
        self.kills += 1

    def outage(self) -> None:
        """A database or Redis outage was answered politely and recovered from."""
        self.outages += 1

    def settle(
        self,
        what: str,
        acknowledged: Counter[Hashable],
        stored: Counter[Hashable],
        excused: Counter[Hashable] | None = None,
    ) -> None:
        """Compare what users were told is kept with what is kept; fail on anything lost or doubled.

        ``excused``: extra copies explained by a kill between a commit and its acknowledgement (a user
        who got no answer sends again); only items actually re-sent for that reason may be there.
        """
        excused = excused or Counter()
        lost = acknowledged - stored
        extra = Counter(
            {
                item: count - max(acknowledged[item], 1)
                for item, count in stored.items()
                if count > max(acknowledged[item], 1)
            }
        )
        kept_twice = extra & excused
        doubled = extra - excused
        self.tally.scenarios += not self.settled
        self.tally.kills += self.kills
        self.tally.outages += self.outages
        self.kills = self.outages = 0
        self.settled = True
        self.tally.checked += sum(acknowledged.values())
        self.tally.lost += sum(lost.values())
        self.tally.doubled += sum(doubled.values())
        self.tally.excused += sum(kept_twice.values())
        assert not lost, f"{what}: acknowledged but not stored: {dict(lost)}"
        assert not doubled, f"{what}: stored more often than sent: {dict(doubled)}"


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    """The Bot API emulator, in the test's process (the bot runs in a process of its own)."""
    async with running_emulator() as running:
        yield running


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_tally_key] = FaultTally()


@pytest.fixture
def ledger(request: pytest.FixtureRequest) -> Iterator[Ledger]:
    """This scenario's ledger; its random numbers are seeded by the run's seed and the test's id."""
    made = Ledger(request.config.stash[_tally_key], random.Random(f"{fault_seed()}:{request.node.nodeid}"))
    yield made
    if request.node.stash.get(_passed_key, False):
        assert made.settled, "the scenario never compared what users were told with what is stored"


_passed_key = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    report = yield
    if report.when == "call":
        item.stash[_passed_key] = report.passed
    return report


@pytest.hookimpl(trylast=True)  # after the service summary: the run's last words before pytest's
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    tally = terminalreporter.config.stash.get(_tally_key, None)
    if tally is not None:
        failed = tally.lost or tally.doubled
        terminalreporter.write_line(tally.line(fault_seed()), red=bool(failed), green=not failed)
