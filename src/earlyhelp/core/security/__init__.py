"""Access control, consent, audit and sign-in: two-factor, session limits, lockout auditing,
sensitive fields, retention and subject access. Registered as the Django app `security`
(templates, signals); its models live in core.models."""
