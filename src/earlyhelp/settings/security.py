"""Security settings (sign-in, two-factor, sessions, CSP, retention) – owned by the access issue."""
