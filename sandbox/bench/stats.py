"""Figures from raw measurements: latency percentiles, and the CPU time and peak memory of processes."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

PERCENTILES = (50, 95, 99)


def latency_ms(seconds: Sequence[float]) -> dict[str, float | None]:
    """p50/p95/p99 (nearest rank) and max of durations in seconds, as milliseconds."""
    ordered = sorted(seconds)
    if not ordered:
        return {**{f"p{p}": None for p in PERCENTILES}, "max": None}
    figures = {f"p{p}": ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)] for p in PERCENTILES}
    return {name: round(value * 1000, 1) for name, value in {**figures, "max": ordered[-1]}.items()}


def steady_rate(moments: Sequence[float], spans: Sequence[tuple[float, float]], slots: int) -> float | None:
    """Events a second while a run was in full swing: while ``slots`` users at once were active, each
    active over one of ``spans`` (start, end). The ramp up and down of paced users would dilute a plain
    average over the run. None if the run was never in full swing for a second."""
    changes = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    windows, active, since = [], 0, None
    for moment, change in changes:
        active += change
        if active >= slots and since is None:
            since = moment
        elif active < slots and since is not None:
            windows.append((since, moment))
            since = None
    seconds = sum(end - start for start, end in windows)
    if seconds < 1:
        return None
    inside = sum(1 for moment in moments if any(start <= moment < end for start, end in windows))
    return round(inside / seconds, 1)


def peak_rss_mib(pid: int | str = "self") -> float | None:
    """The peak resident set size of a live process (Linux ``VmHWM``), in MiB; None elsewhere."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def cpu_seconds(pid: int | None = None) -> float | None:
    """User + system CPU time of a live process (all its threads): this one by default, another from
    Linux ``/proc/<pid>/stat`` (None elsewhere)."""
    if pid is None:
        return time.process_time()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """``pid`` and its live descendants, parents first (Linux ``/proc/<pid>/task/*/children``; only ``pid``
    elsewhere)."""
    found = [pid]
    for parent in found:  # grows while it is walked
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                found += [int(child) for child in children.read_text().split()]
            except OSError:  # the thread or the process ended meanwhile
                continue
    return found


def _tree_sum(pid: int, reading: Callable[[int], float | None]) -> float | None:
    """``reading`` summed over ``pid`` and its descendants; None when ``pid`` itself cannot be read."""
    values = [reading(member) for member in process_tree(pid)]
    return None if values[0] is None else sum(value for value in values if value is not None)


def tree_cpu_seconds(pid: int) -> float | None:
    """``cpu_seconds`` of a live process and all its live descendants (a supervisor and its workers)."""
    return _tree_sum(pid, cpu_seconds)


def tree_peak_rss_mib(pid: int) -> float | None:
    """The peak resident sets of a live process and its live descendants, added up, in MiB (an upper bound
    of their joint peak)."""
    total = _tree_sum(pid, peak_rss_mib)
    return None if total is None else round(total, 1)


def cpu_ms_per_update(
    before: tuple[float | None, ...], after: tuple[float | None, ...], updates: int
) -> dict[str, float | None]:
    """Milliseconds of CPU per update spent by the bot and by the harness (emulator and simulated users),
    from two ``(bot, harness)`` CPU readings."""
    return {
        part: None if b is None or a is None or not updates else round((a - b) * 1000 / updates, 2)
        for part, b, a in zip(("bot", "harness"), before, after, strict=True)
    }


def with_samples(figures: dict[str, object], failures: Sequence[str], bot_errors: Sequence[str]) -> dict[str, object]:
    """``figures`` with the first three failures and bot log errors, where there were any."""
    if failures:
        figures["error_samples"] = list(failures[:3])
    if bot_errors:
        figures["bot_error_samples"] = list(bot_errors[:3])
    return figures
