"""Who may see what (scope, in earlyhelp.core.access for now) and who may do what (policy)."""
