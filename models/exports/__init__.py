"""Exports for people: a CSV day list and an iCalendar file per carer.

Each format is a pure function `(instance, schedule) -> {file name: text}`; the CLI writes
the files atomically. `matching.check_matches` refuses a schedule of another instance first.
"""
