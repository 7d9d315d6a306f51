"""schemathesis hooks for scripts/api-fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

One check replaces `positive_data_acceptance`: the same check, except the 400s of schema-valid
requests that are right (an id naming no record the caller may see, NUL in a key, the Open
Referral standard's own rules) – earlyhelp.testing.api_fuzz, shared with the in-process run.
"""

import schemathesis

from earlyhelp.testing.api_fuzz import positive_data_acceptance_known_records

schemathesis.check(positive_data_acceptance_known_records)
