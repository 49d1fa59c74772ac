"""Arrival-time spread: the same recurring visit at about the same time every day."""

from __future__ import annotations

from hemplan.models.contract.clock import parse_clock
from hemplan.models.contract.instance import Visit
from hemplan.models.evaluator.arrival import client_arrival_spread, series_key, series_spread


def _visit(
    day: int,
    client: str = "C1",
    earliest: str = "08:00",
    latest: str = "10:00",
    service: str = "morning",
) -> Visit:
    return Visit.model_validate(
        {
            "id": f"{client}-{service}-{day}",
            "client": client,
            "service": service,
            "day": day,
            "duration": 30,
            "window": {"earliest": earliest, "latest": latest},
        }
    )


def test_spread_is_mean_absolute_deviation_from_the_median() -> None:
    assert series_spread([480, 480, 480]) == 0.0
    assert series_spread([480, 490, 540]) == (10 + 0 + 50) / 3


def test_visits_with_another_window_or_service_are_another_series() -> None:
    assert series_key(_visit(0)) == series_key(_visit(1))
    assert series_key(_visit(0)) != series_key(_visit(1, latest="11:00"))
    assert series_key(_visit(0)) != series_key(_visit(1, service="evening"))


def test_client_spread_averages_its_series_and_ignores_single_visits() -> None:
    at = parse_clock
    served = [
        (_visit(0), at("08:00")),
        (_visit(1), at("08:20")),
        (_visit(2), at("08:00")),  # spread 20/3
        (_visit(0, service="lunch"), at("12:00")),
        (_visit(1, service="lunch"), at("12:00")),  # spread 0
        (_visit(0, client="C2"), at("09:00")),  # one visit: no series
    ]
    spreads = client_arrival_spread(served)
    assert set(spreads) == {"C1"}
    assert abs(spreads["C1"] - (20 / 3 + 0) / 2) < 1e-9
