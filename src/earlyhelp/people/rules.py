"""Named rules about people: whose consent covers whom.

Consent in early help follows the law on who may decide: a parent (or anyone with parental
responsibility) decides for a child under 16; a young person of 16 or 17 decides for themselves
(the Mental Capacity Act applies from 16), and so does a child under 16 judged competent (Gillick);
an adult decides only for themselves."""

ADULT, OWN_CONSENT_FROM = 18, 16


def consent_does_not_reach(
    *, giver_age: int | None, giver_has_parental_responsibility: bool, person_age: int | None,
    is_giver: bool,
) -> str:
    """Why the giver's consent does not cover the person, or "" when it does.

    An unknown age counts as an adult's: consent is never assumed for someone whose age we do
    not know."""
    if is_giver:
        return ""
    if person_age is None or person_age >= ADULT:
        return "an adult gives their own consent"
    if person_age >= OWN_CONSENT_FROM:
        return "a young person aged 16 or over gives their own consent"
    if giver_age is not None and giver_age < ADULT:
        return "a young person's consent covers only themselves"
    if not giver_has_parental_responsibility:
        return "the person who gave consent does not have parental responsibility"
    return ""
