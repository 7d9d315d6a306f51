"""Who may see what (scoping: decided in the query) and who may do what (roles, policy)."""
