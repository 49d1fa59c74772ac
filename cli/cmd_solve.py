"""`hemplan solve`: plan an instance continuity-first and write the verified schedule."""

from __future__ import annotations

from pathlib import Path

import click

from cli.render import metrics_lines
from models.io import load_instance, write_model
from solver.solve import Progress, SolveOptions, solve as run_solver


class ProgressPrinter:
    """Prints a line whenever a team improves: elapsed, unassigned, distinct carers, travel, bound."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.latest: dict[str, Progress] = {}

    def __call__(self, event: Progress) -> None:
        self.latest[event.team] = event
        if self.quiet:
            return
        scores = [p.score for p in self.latest.values()]
        unassigned = sum(s.unassigned_mandatory + s.unassigned_deferrable for s in scores)
        distinct = sum(s.distinct_carers for s in scores)
        travel = sum(s.travel for s in scores)
        bound = sum(p.bound for p in self.latest.values())
        what = "first plan" if event.first else "improved"
        click.echo(
            f"[{event.elapsed:7.1f}s] team {event.team} {what}: unassigned {unassigned}, "
            f"distinct carers {distinct} (bound {bound}), travel {travel} min "
            f"[{len(self.latest)} team(s) reported]",
            err=True,
        )


@click.command()
@click.argument("instance_file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Schedule file to write.")
@click.option("--time-limit", default=60.0, show_default=True, type=click.FloatRange(min=0.5), help="Seconds in all.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1), help="Teams solved in parallel.")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of every random choice.")
@click.option("--work-limit", type=click.FloatRange(min=0), default=None,
              help="Search work per team in CP-SAT deterministic units: the same seed then gives the same "
                   "schedule on any machine (the time limit stays a guard). Default: from the time limit.")
@click.option("--allow-borrowing", is_flag=True, help="Carers may serve clients of other teams.")
@click.option("--quiet", is_flag=True, help="No progress lines.")
def solve(instance_file: str, output: str, time_limit: float, workers: int, seed: int,
          work_limit: float | None, allow_borrowing: bool, quiet: bool) -> None:
    """Assign every visit of INSTANCE_FILE to carers of the client's team, fewest carers per client first."""
    folder = Path(output).parent
    if not folder.is_dir():  # say so now, not after the whole solve
        raise click.BadParameter(f"folder {folder} does not exist", param_hint="'-o' / '--output'")
    instance = load_instance(instance_file)
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed, allow_borrowing=allow_borrowing,
                           work_limit=work_limit)
    result = run_solver(instance, options, ProgressPrinter(quiet))
    write_model(output, result.schedule)
    info = result.schedule.solver
    assert info is not None
    for line in metrics_lines(result.evaluation.metrics):
        click.echo(line)
    click.echo(
        f"{output}: {info.status.lower().replace('_', ' ')}, verified by the evaluator; "
        f"first plan after {result.first_solution_s:.1f}s, done in {info.wall_time_s:.1f}s"
    )
