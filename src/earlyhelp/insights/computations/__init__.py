"""One small function per indicator, registered by code: aggregate queries over the casework.

`bases` says what the indicators count and `flow` builds the indicators of things that happen in a
period; each family has its module – `initiation`, `timeliness`, `caseload`, `outcomes`, `needs`.
The app's `ready()` imports the family modules, which fills the registry.
"""
