"""The CP-SAT model of one neighbourhood: re-plan a set of freed visits, everything else fixed.

Built by one function per constraint family, each in its own module, so that each can be read
and tested on its own (`tests/solver/continuity/test_model.py`: satisfied and violated):

- `assignment`: which carer serves a freed visit on which day, and whether it is served;
- `staffing`: exactly as many carers as the visit needs, all on one day; a double-staffed visit
  has one start shared by both carers, so they start together;
- `roles`: a visit with roles has a carer holding each role's skills;
- `stagger`: a visit whose carers start apart (a start gap) has a start per role, the second
  within [min, max] after the first, and each carer's route sees its own (it replaces `roles`
  for such a visit);
- `routes`: per carer-day a circuit over the office, the visits staying on the route and the
  candidate freed visits, with starts pushed along each arc by duration plus travel;
- `breaks`: the break rides on one arc of an active route, inside its window;
- `continuity`: a (client, carer) pair not yet met outside the neighbourhood;
- `objective`: the levels of `solver.score`, solved heads first (`solve.lexicographic`).

`neighbourhood.solve_neighbourhood` builds them in that order and reads the solution back.
"""
