"""Breaks: an active route takes its shift's break on exactly one of its arcs (after leaving
one node, before arriving at the next), starting inside the break window.

The break is not a node: it rides on the arc, so taking it where the carer is costs no
detour, and an arc whose time span cannot hold it never carries it."""

from __future__ import annotations

from ortools.sat.python import cp_model

from hemplan.solver.continuity.model.times import RouteTimes
from hemplan.solver.continuity.model.variables import RouteVars


def add_break(model: cp_model.CpModel, route: RouteVars, times: RouteTimes) -> None:
    """`break_start[c,d]` and `break_on[c,d:i>j]` for every arc that can hold the break; one of
    them exactly when the route is active."""
    rule = times.shift.break_
    if rule is None:
        return
    route.break_start = model.new_int_var(
        rule.earliest, rule.latest, f"break_start[{route.carer},{route.day}]"
    )
    for (i, j), lit in route.arcs.items():
        opens, closes = max(times.leave(i), rule.earliest), times.arrive_by(j)
        if (
            opens <= rule.latest
            and opens + rule.minutes <= closes
            and times.leave(i) + times.leg(i, j) + rule.minutes <= closes
        ):
            on_break = model.new_bool_var(f"break_on[{route.label(i, j)}]")
            model.add_implication(on_break, lit)
            route.on_break[(i, j)] = on_break
    model.add(sum(route.on_break.values()) == route.active)


def keep_break_in_gap(
    model: cp_model.CpModel,
    route: RouteVars,
    arc: tuple[int, int],
    departs: cp_model.LinearExprT,
    arrives: cp_model.LinearExprT,
    pause: int,
) -> None:
    """A break taken on `arc` starts after the carer leaves its first node and ends before
    the carer arrives at its second."""
    on_break = route.on_break.get(arc)
    if on_break is None or route.break_start is None:
        return
    model.add(route.break_start >= departs).only_enforce_if(on_break)
    model.add(route.break_start + pause <= arrives).only_enforce_if(on_break)
