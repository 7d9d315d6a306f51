"""Test support that spans apps: the small known world, the journey walkers, the shipped rows.

The top of the house (docs/architecture.md): it may import every app, and only tests import it.
Each app's own factories live in its `tests/factories.py`."""
