"""Cost avoidance: service use before and after the work, priced by unit costs held as data.

rules.py – windows, units and uprating (pure arithmetic); records.py – the records and casework
events a cohort's families used; calculation.py – lines and totals for a cohort and its
comparison group; selectors.py – the cohorts (closed episodes, a team, a claim); export.py – the
XLSX of every line. See docs/results.md, "Cost avoidance".
"""
