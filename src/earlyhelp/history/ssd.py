"""The SSD tables this app reads and writes, and how their codes map to earlyhelp's.

Field names follow the Data to Insight Standard Safeguarding Dataset specification
(data-to-insight/ssd-data-model, docs/admin/data_objects_specification.csv). Each mapping is a
plain dictionary so docs/history.md can show it and an unknown code is refused with the list."""

from earlyhelp.cases.models import ClosureOutcome
from earlyhelp.core.codes import CinClosureReason, EpisodeReason, Ethnicity, ReferralSource, Sex

# table -> (id column, person column, columns written on export; the first ones are required)
TABLES = {
    "ssd_person": ["pers_person_id", "pers_forename", "pers_surname", "pers_sex", "pers_gender",
                   "pers_ethnicity", "pers_dob", "pers_common_child_id", "pers_legacy_id",
                   "pers_upn_unknown", "pers_send_flag", "pers_expected_dob", "pers_death_date",
                   "pers_is_mother", "pers_nationality"],
    "ssd_family": ["fami_table_id", "fami_family_id", "fami_person_id"],
    "ssd_address": ["addr_table_id", "addr_address_json", "addr_person_id", "addr_address_type",
                    "addr_address_start_date", "addr_address_end_date", "addr_address_postcode"],
    "ssd_linked_identifiers": ["link_table_id", "link_person_id", "link_identifier_type",
                               "link_identifier_value", "link_valid_from_date",
                               "link_valid_to_date"],
    "ssd_contacts": ["cont_contact_id", "cont_person_id", "cont_contact_date",
                     "cont_contact_source_code", "cont_contact_source_desc",
                     "cont_contact_outcome_json"],
    "ssd_early_help_episodes": ["earl_episode_id", "earl_person_id", "earl_episode_start_date",
                                "earl_episode_end_date", "earl_episode_reason",
                                "earl_episode_end_reason", "earl_episode_organisation",
                                "earl_episode_worker_id"],
    "ssd_cin_episodes": ["cine_referral_id", "cine_person_id", "cine_referral_date",
                         "cine_cin_primary_need_code", "cine_referral_source_code",
                         "cine_referral_source_desc", "cine_referral_outcome_json",
                         "cine_referral_nfa", "cine_close_reason", "cine_close_date",
                         "cine_referral_team", "cine_referral_worker_id"],
}
REQUIRED_TABLES = ["ssd_person"]
# Columns a row cannot do without.
REQUIRED = {
    "ssd_person": ["pers_person_id", "pers_forename", "pers_surname"],
    "ssd_family": ["fami_family_id", "fami_person_id"],
    "ssd_address": ["addr_person_id"],
    "ssd_linked_identifiers": ["link_person_id", "link_identifier_type", "link_identifier_value"],
    "ssd_contacts": ["cont_contact_id", "cont_person_id", "cont_contact_date",
                     "cont_contact_source_code"],
    "ssd_early_help_episodes": ["earl_episode_id", "earl_person_id", "earl_episode_start_date",
                                "earl_episode_organisation"],
    "ssd_cin_episodes": ["cine_referral_id", "cine_person_id", "cine_referral_date"],
}
ID_COLUMN = {
    "ssd_person": "pers_person_id", "ssd_family": "fami_table_id", "ssd_address": "addr_table_id",
    "ssd_linked_identifiers": "link_table_id", "ssd_contacts": "cont_contact_id",
    "ssd_early_help_episodes": "earl_episode_id", "ssd_cin_episodes": "cine_referral_id",
}
PERSON_COLUMN = {
    "ssd_family": "fami_person_id", "ssd_address": "addr_person_id",
    "ssd_linked_identifiers": "link_person_id", "ssd_contacts": "cont_person_id",
    "ssd_early_help_episodes": "earl_person_id", "ssd_cin_episodes": "cine_person_id",
}


def _by_code_and_label(choices) -> dict[str, str]:
    """Accept a code as the standard writes it, or its label (case-insensitive)."""
    accepted = {}
    for value, label in choices:
        accepted[value.lower()] = value
        accepted[label.lower()] = value
    return accepted


SEX = {"m": Sex.MALE, "male": Sex.MALE, "f": Sex.FEMALE, "female": Sex.FEMALE,
       "u": Sex.NOT_STATED, "unknown": Sex.NOT_STATED, "not stated": Sex.NOT_STATED,
       "n": Sex.NEITHER, "neither": Sex.NEITHER}
SEX_EXPORT = {Sex.MALE: "M", Sex.FEMALE: "F", Sex.NOT_STATED: "U", Sex.NEITHER: "N"}
ETHNICITY = {value.lower(): value for value in Ethnicity.values}
# SSD guidance lists the episode reasons as earlyhelp's labels; codes are accepted too.
EPISODE_REASON = _by_code_and_label(EpisodeReason.choices)
# SSD guidance: end reason "Outcomes met / Step-up / NFA". NFA (no further action: the family
# needed nothing more) is closed as "other" – earlyhelp has no NFA closure, and "needs met"
# would claim an outcome the extract does not show.
END_REASON = {
    "outcomes met": ClosureOutcome.NEEDS_MET, "step-up": ClosureOutcome.STEPPED_UP,
    "step up": ClosureOutcome.STEPPED_UP, "nfa": ClosureOutcome.OTHER,
    **_by_code_and_label(ClosureOutcome.choices),
}
END_REASON_EXPORT = {
    ClosureOutcome.NEEDS_MET: "Outcomes met", ClosureOutcome.STEPPED_UP: "Step-up",
    ClosureOutcome.DISENGAGED: "disengaged", ClosureOutcome.MOVED_AWAY: "moved_away",
    ClosureOutcome.OTHER: "other",
}
REFERRAL_SOURCE = {value.lower(): value for value in ReferralSource.values}
CIN_CLOSE_REASON = {value.lower(): value for value in CinClosureReason.values}
PRIMARY_NEED = {f"n{n}": f"N{n}" for n in range(10)}
# ssd_linked_identifiers types earlyhelp keeps (others are read and ignored).
IDENTIFIER_TYPES = {"unique pupil number": "upn", "upn": "upn", "nhs number": "nhs_number"}


def accepted_list(mapping: dict) -> str:
    return ", ".join(sorted({key for key in mapping}, key=str.lower))
