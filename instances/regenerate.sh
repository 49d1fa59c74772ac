#!/usr/bin/env bash
# Regenerate the bundled instances (byte-identical for the same code). Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
hemplan generate --teams 1 --clients-per-team 6 --staff-per-team 3 --days 2 --seed 3 --name tiny -o instances/tiny.json
hemplan generate --teams 1 --clients-per-team 30 --staff-per-team 10 --days 14 --seed 1 --name team-14d -o instances/team-14d.json
hemplan generate --teams 5 --clients-per-team 26 --staff-per-team 10 --days 14 --seed 1 --name district-14d -o instances/district-14d.json
hemplan generate --teams 5 --clients-per-team 26 --staff-per-team 10 --days 28 --seed 1 --name district-28d -o instances/district-28d.json
hemplan generate --teams 5 --clients-per-team 26 --staff-per-team 10 --days 28 --seed 1 --absence-rate 0.1 --name district-28d-absences -o instances/district-28d-absences.json
hemplan generate --teams 5 --clients-per-team 26 --staff-per-team 10 --days 28 --seed 1 --absence-rate 0.1 --organisation pool --name district-pool-28d -o instances/district-pool-28d.json
hemplan generate --teams 20 --clients-per-team 25 --staff-per-team 10 --days 14 --seed 1 --name city-14d -o instances/city-14d.json
hemplan generate --teams 4 --clients-per-team 20 --staff-per-team 9 --days 14 --seed 1 --absence-rate 0.1 --organisation pool --name group-14d -o instances/group-14d.json
hemplan generate --area rural --teams 3 --clients-per-team 34 --staff-per-team 13 --days 14 --seed 1 --name rural-14d -o instances/rural-14d.json
