"""Governance of the records themselves: retention rules and review, legal holds, subject access.
Above the domain: it reads every app's records and is read by none of them."""
