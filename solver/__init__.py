"""Planning algorithms of hemplan (CP-SAT continuity solver and baselines)."""
