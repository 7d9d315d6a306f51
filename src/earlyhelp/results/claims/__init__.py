"""Payment-by-results claims: prepare, sample and verify, approve (locked), export, payments.
See docs/results.md."""
