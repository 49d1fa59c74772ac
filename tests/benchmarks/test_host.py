"""The host-steal meter that the wall-clock benchmarks print next to their figures."""

from __future__ import annotations

from pathlib import Path

from hemplan.benchmarks.host import StealMeter


def _stat(path: Path, user: int, idle: int, steal: int) -> None:
    path.write_text(f"cpu  {user} 0 0 {idle} 0 0 0 {steal} 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n")


def test_steal_is_the_stolen_share_of_all_cpu_time_in_between(tmp_path: Path) -> None:
    stat = tmp_path / "stat"
    _stat(stat, user=100, idle=100, steal=0)
    meter = StealMeter(stat)
    _stat(stat, user=160, idle=110, steal=30)  # 100 jiffies passed, 30 of them stolen
    assert meter.share() == 30.0


def test_no_proc_stat_means_no_figure(tmp_path: Path) -> None:
    assert StealMeter(tmp_path / "missing").share() is None
