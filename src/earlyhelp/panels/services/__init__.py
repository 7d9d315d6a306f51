"""Writes for panels, one module per job: `panel_setup` (panels and members), `meetings`,
`cases` (brought and withdrawn), `detection` (stuck cases brought automatically), `decisions`,
`actions` and `unmet_need`.
"""
