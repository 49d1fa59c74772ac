"""`hemplan next` and `--history`: plan a period after the last one, judged across the start."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from hemplan.cli.main import main
from hemplan.models.evaluator import evaluate
from hemplan.models.io.history import read_history, with_history
from hemplan.models.io.load import load_instance, load_schedule
from tests.paths import INSTANCES

TINY = INSTANCES / "tiny.json"  # Monday and Tuesday 2026-01-05/06


def next_tiny(tmp_path: Path, drop_client: str | None = None) -> Path:
    """tiny two days later (Wednesday and Thursday), without `drop_client` if given."""
    data = json.loads(TINY.read_text())
    data["horizon"]["start_date"] = "2026-01-07"
    if drop_client:
        data["clients"] = [c for c in data["clients"] if c["id"] != drop_client]
        data["patterns"] = [p for p in data["patterns"] if p["client"] != drop_client]
        data["visits"] = [v for v in data.get("visits", []) if v["client"] != drop_client]
    path = tmp_path / "tiny-next.json"
    path.write_text(json.dumps(data))
    return path


def test_next_plans_after_the_previous_schedule_and_counts_the_windows_across(
    tmp_path: Path,
) -> None:
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    runner = CliRunner()
    solved = runner.invoke(main, ["solve", str(TINY), "-o", str(first), "--work-limit", "1"])
    assert solved.exit_code == 0, solved.output
    gone = load_instance(TINY).clients[-1].id
    following = next_tiny(tmp_path, drop_client=gone)
    result = runner.invoke(
        main, ["next", str(following), str(first), "-o", str(second), "--work-limit", "1"]
    )
    assert result.exit_code == 0, result.output
    assert f"{first}: 1 clients no longer in the instance: skipped" in result.output
    assert "14 days reaching into the history" in result.output
    instance = load_instance(following)
    past, _ = read_history(first, instance)
    judged = evaluate(with_history(instance, past, 14), load_schedule(second))
    assert [str(v) for v in judged.violations] == []
    assert judged.metrics.sliding_14d_into_history is not None
    # the windows reaching back hold both periods: never fewer carers than the new one alone
    for client in judged.clients.values():
        for start, count in client.sliding.items():
            assert count >= len(client.visits_by_carer) or start >= 0
