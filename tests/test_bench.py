"""`hemplan bench`: suites, one verified row per job, the files it promises, bad input."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from hemplan.cli.main import main
from hemplan.benchmarks.harness import Job, run_job
from hemplan.benchmarks.suites import Case, suite_cases
from hemplan.solver.method import SolveOptions

REPO = Path(__file__).resolve().parent.parent


def test_bench_writes_table_csv_and_plot_with_a_verified_row_per_repeat(tmp_path: Path) -> None:
    out = tmp_path / "b"
    result = CliRunner().invoke(main, ["bench", "bundled", "--instances", "tiny", "--repeat", "2", "--time-limit", "1",
                                       "--workers", "1", "-o", str(out), "--progress", "none", "--json"])
    assert result.exit_code == 0, result.output
    with open(out / "bench.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    printed = json.loads(result.stdout)  # --json: the same rows on stdout
    assert [(r["instance"], r["method"], str(r["seed"])) for r in printed] == [
        (r["instance"], r["method"], r["seed"]) for r in rows]
    assert [(r["instance"], r["method"], r["seed"]) for r in rows] == [("tiny", "continuity", "0"),
                                                                        ("tiny", "continuity", "1")]
    assert all(r["ok"] == "yes" and r["unassigned"] == "0" for r in rows)
    assert all(float(r["carers_mean"]) >= 1 and int(r["distinct_total"]) >= int(r["lower_bound"]) for r in rows)
    assert (out / "bench.md").read_text().count("\n| tiny | continuity |") == 2
    assert (out / "scaling.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_scaling_job_generates_its_instance_and_verifies_it() -> None:
    row = run_job(Job(Case("gen", "generated", "2x6x3x7"), "continuity", SolveOptions(time_limit=1, workers=1)))
    assert row["ok"] == "yes" and row["teams"] == 2 and int(row["visits"] or 0) > 2 * 6 * 7  # patterns expanded


def test_suites_list_their_cases() -> None:
    assert [c.name for c in suite_cases("scaling", Path("/nowhere"))][-1] == "scaling-20t"
    assert all(Path(c.source).is_file() for c in suite_cases("bundled", Path("/nowhere")))


def test_bench_bad_input_exits_2_without_files(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["bench", "public-solomon", "--public", str(tmp_path / "none"), "-o", str(tmp_path / "o")])
    assert missing.exit_code == 2 and "public instance sets" in missing.output
    unknown = runner.invoke(main, ["bench", "bundled", "--instances", "nope", "-o", str(tmp_path / "o")])
    assert unknown.exit_code == 2 and "nope" in unknown.output
    method = runner.invoke(main, ["bench", "bundled", "--methods", "magic", "-o", str(tmp_path / "o")])
    assert method.exit_code == 2 and "magic" in method.output
    assert not (tmp_path / "o" / "bench.md").exists()


def test_benchmark_suites_smoke_run() -> None:
    """Every pytest-benchmark suite in benchmarks/ runs once (timing disabled) and passes."""
    done = subprocess.run([sys.executable, "-m", "pytest", "benchmarks/", "--benchmark-disable", "-q",
                           "-p", "no:cacheprovider"], cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout
