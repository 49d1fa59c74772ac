"""The HTML report: one self-contained page (inline SVG, CSS and a little JS) to look at a plan.

`html.report_page(instance, schedule, evaluation)` assembles the summary (from the
evaluator), per-day Gantt charts and route maps, and per-client continuity heat maps.
"""
