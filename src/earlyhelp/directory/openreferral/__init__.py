"""The directory in the Open Referral UK JSON shape.

`export` writes it; `importer` reads a file back through `reader` (one record's fields),
`validate` (a write plan per record) and `write` (one service), all or nothing, and reports
with `results`. `vocabulary` holds what both directions share.
"""
