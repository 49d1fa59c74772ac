"""How much CPU time the virtual machine's host took away during a measurement.

On a shared host a 2-core guest may get far less than 2 cores: the kernel counts the time
its virtual CPUs were ready but not run as "steal" (the 8th field of /proc/stat's cpu line).
A wall-clock benchmark run while steal is high is slower for reasons outside the code, so
the benchmarks print it next to their figures.
"""

from __future__ import annotations

from pathlib import Path

PROC_STAT = Path("/proc/stat")


class StealMeter:
    """Share of all CPU time stolen by the host between `__init__` and `share()`."""

    def __init__(self, stat: Path = PROC_STAT) -> None:
        self.stat = stat
        self.start = self._read()

    def share(self) -> float | None:
        """Percent of CPU time stolen since the meter started; None where /proc/stat is missing."""
        end = self._read()
        if self.start is None or end is None:
            return None
        total = sum(end) - sum(self.start)
        return round(100 * (end[7] - self.start[7]) / total, 1) if total > 0 else 0.0

    def _read(self) -> list[int] | None:
        try:
            fields = self.stat.read_text().splitlines()[0].split()
        except OSError:
            return None
        values = [int(v) for v in fields[1:9]]  # user nice system idle iowait irq softirq steal
        return values if fields[0] == "cpu" and len(values) == 8 else None
