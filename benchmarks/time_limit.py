"""How closely `hemplan solve` honours `--time-limit`, end to end in a fresh process.

    python -m hemplan.benchmarks.time_limit [--limits 5 10 20] [--workers 2] [INSTANCE]

Default instance `instances/district-14d.json`. The wall time includes interpreter start-up,
loading, solving, verifying and writing; the overshoot is wall time minus the limit (the goal
is under 2 s).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def overshoot(instance: Path, limit: float, workers: int) -> float:
    """Seconds beyond `limit` of one solve, from launch to exit."""
    out = Path(tempfile.gettempdir()) / "hemplan-time-limit.schedule.json"
    began = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "hemplan.cli.main",
            "solve",
            str(instance),
            "-o",
            str(out),
            "--time-limit",
            str(limit),
            "--workers",
            str(workers),
            "--quiet",
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    return time.monotonic() - began - limit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "instance", nargs="?", type=Path, default=REPO / "instances" / "district-14d.json"
    )
    parser.add_argument("--limits", nargs="+", type=float, default=[5.0, 10.0, 20.0])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    for limit in args.limits:
        over = overshoot(args.instance, limit, args.workers)
        print(
            f"{args.instance.stem}: --time-limit {limit:g}: wall {limit + over:.2f} s "
            f"(overshoot {over:+.2f} s)"
        )


if __name__ == "__main__":
    main()
