"""The linkage model for English person records: comparisons, blocking rules and training.

The settings are plain column comparisons over the derived columns `normalise.build_profiles`
writes, so one settings object runs unchanged on DuckDB and on Spark.
"""

import json
from pathlib import Path

from splink import SettingsCreator, block_on
from splink import comparison_level_library as cll
from splink import comparison_library as cl

UNIQUE_ID = "profile_id"

# Estimated on the synthetic borough (bench/targeting), for data too small to estimate from.
SHIPPED_MODEL = Path(__file__).resolve().parent.parent / "data" / "default_model.json"
MIN_PROFILES_TO_TRAIN = 5000


def shipped_model() -> dict:
    return json.loads(SHIPPED_MODEL.read_text())


# What each comparison is called on the explanation page (Splink does not keep descriptions).
COMPARISON_NAMES = {
    "first_name": "First name",
    "surname": "Surname",
    "dob": "Date of birth",
    "sex": "Sex",
    "location": "Postcode and address",
    "nhs_number": "NHS number",
    "upn": "Unique pupil number",
}


def _first_name():
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name").configure(
                tf_adjustment_column="first_name", label_for_charts="Same first name"
            ),
            cll.CustomLevel(
                "first_name_l = surname_r AND surname_l = first_name_r",
                label_for_charts="First name and surname swapped",
            ),
            cll.ArrayIntersectLevel("first_name_groups", 1).configure(
                label_for_charts="Same name or a known short form (e.g. Bill, William)"
            ),
            cll.JaroWinklerLevel("first_name", 0.92).configure(
                label_for_charts="Very similar spelling (Jaro-Winkler at least 0.92)"
            ),
            cll.ExactMatchLevel("first_name_mp").configure(
                label_for_charts="Sounds the same (metaphone)"
            ),
            cll.JaroWinklerLevel("first_name", 0.8).configure(
                label_for_charts="Similar spelling (Jaro-Winkler at least 0.8)"
            ),
            cll.CustomLevel(
                "(length(first_name_l) = 1 OR length(first_name_r) = 1) "
                "AND first_initial_l = first_initial_r",
                label_for_charts="One side is an initial, and the initials agree",
            ),
            cll.ElseLevel().configure(label_for_charts="Different first names"),
        ],
    )


def _surname():
    return cl.CustomComparison(
        output_column_name="surname",
        comparison_levels=[
            cll.NullLevel("surname"),
            cll.ExactMatchLevel("surname").configure(
                tf_adjustment_column="surname", label_for_charts="Same surname"
            ),
            # Counted once, on the first name: here it is neutral (weight 0), not "different".
            cll.CustomLevel(
                "first_name_l = surname_r AND surname_l = first_name_r",
                label_for_charts="First name and surname swapped",
            ).configure(
                m_probability=0.5,
                u_probability=0.5,
                fix_m_probability=True,
                fix_u_probability=True,
            ),
            cll.JaroWinklerLevel("surname", 0.92).configure(
                label_for_charts="Very similar spelling (Jaro-Winkler at least 0.92)"
            ),
            cll.ExactMatchLevel("surname_mp").configure(
                label_for_charts="Sounds the same (metaphone)"
            ),
            cll.JaroWinklerLevel("surname", 0.8).configure(
                label_for_charts="Similar spelling (Jaro-Winkler at least 0.8)"
            ),
            cll.ElseLevel().configure(label_for_charts="Different surnames"),
        ],
    )


DOB_CLOSE_LABELS = (
    "Same date of birth",
    "Day and month swapped",
    "One digit different or two digits transposed",
)


def _date_of_birth():
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob").configure(label_for_charts=DOB_CLOSE_LABELS[0]),
            cll.CustomLevel("dob_swapped_l = dob_r", label_for_charts=DOB_CLOSE_LABELS[1]),
            cll.DamerauLevenshteinLevel("dob", 1).configure(label_for_charts=DOB_CLOSE_LABELS[2]),
            cll.CustomLevel(
                "abs(birth_year_l - birth_year_r) <= 1",
                label_for_charts="Born within a year of each other",
            ),
            cll.ElseLevel().configure(label_for_charts="Different dates of birth"),
        ],
    )


def _location():
    """Postcode and first address line as one comparison: they are not independent evidence."""
    return cl.CustomComparison(
        output_column_name="location",
        comparison_levels=[
            cll.CustomLevel(
                "(postcode_l IS NULL OR postcode_r IS NULL) "
                "AND (address_l IS NULL OR address_r IS NULL)",
                label_for_charts="Postcode or address missing",
            ).configure(is_null_level=True),
            cll.CustomLevel(
                "postcode_l = postcode_r AND address_l = address_r",
                label_for_charts="Same postcode and address",
            ),
            cll.CustomLevel(
                "postcode_l = postcode_r AND house_number_l = house_number_r",
                label_for_charts="Same postcode and house number",
            ),
            cll.CustomLevel("postcode_l = postcode_r", label_for_charts="Same postcode"),
            cll.CustomLevel(
                "address_l = address_r", label_for_charts="Same address, different postcode"
            ),
            cll.CustomLevel(
                "postcode_sector_l = postcode_sector_r", label_for_charts="Same postcode sector"
            ),
            cll.CustomLevel(
                "postcode_district_l = postcode_district_r",
                label_for_charts="Same postcode district",
            ),
            cll.ElseLevel().configure(label_for_charts="Different places"),
        ],
    )


def _exact(column: str, description: str):
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column).configure(label_for_charts=f"Same {description}"),
            cll.ElseLevel().configure(label_for_charts=f"Different {description}"),
        ],
    )


# Each rule pairs two keys, so no block is as big as a common name on its own; together they let
# through any pair with one of: an identifier, or date of birth plus one more agreeing detail, or
# the names and year of birth (catching day/month swaps and typos in the date), or a name and the
# postcode.
BLOCKING_RULES = (
    ("nhs_number",),
    ("upn",),
    ("dob", "surname_mp"),
    ("dob", "first_name_mp"),
    ("dob", "postcode"),
    ("first_name_mp", "surname_mp", "birth_year"),
    ("surname", "postcode"),
    ("first_name_mp", "postcode"),
)

# Pairs that are certainly the same person, used to estimate how common matches are.
DETERMINISTIC_RULES = (
    ("nhs_number",),
    ("upn",),
    ("first_name", "surname", "dob"),
)


def settings_creator() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name=UNIQUE_ID,
        comparisons=[
            _first_name(),
            _surname(),
            _date_of_birth(),
            _exact("sex", "sex"),
            _location(),
            _exact("nhs_number", "NHS number"),
            _exact("upn", "unique pupil number"),
        ],
        blocking_rules_to_generate_predictions=[block_on(*rule) for rule in BLOCKING_RULES],
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["middle_names"],
    )


def train(linker, *, seed: int = 42, u_max_pairs: float = 1e6, em_max_pairs: float = 1e6) -> dict:
    """Estimate the model's parameters without labels (random sampling, then EM). Returns notes."""
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on(*rule) for rule in DETERMINISTIC_RULES], recall=0.7
    )
    training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    # Blocking on date of birth lets EM learn the names and places; blocking on the names lets it
    # learn the date of birth (a comparison cannot be learnt in a session that blocks on it).
    training.estimate_parameters_using_expectation_maximisation(
        block_on("dob"), estimate_without_term_frequencies=True, max_pairs=em_max_pairs
    )
    training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname"),
        estimate_without_term_frequencies=True,
        max_pairs=em_max_pairs,
    )
    # Pairs sharing an NHS number are almost all true matches: the cleanest view of how often a
    # true match disagrees on each detail. (One identifier per session: an OR here would make
    # the join a cross product.)
    training.estimate_parameters_using_expectation_maximisation(
        block_on("nhs_number"), estimate_without_term_frequencies=True, max_pairs=em_max_pairs
    )
    return {"u_max_pairs": u_max_pairs, "em_max_pairs": em_max_pairs, "seed": seed}


# No detail is impossible: a true match can always carry a recording slip, and a pair of
# strangers can always agree by chance. Training on clean data can drive a probability to 0,
# which would make one detail decide a pair alone (weight ±infinity).
M_FLOOR = 1e-3
U_FLOOR = 1e-6


def regularise(model: dict) -> dict:
    """Keep every trained m and u probability at or above its floor."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            for key, floor in (("m_probability", M_FLOOR), ("u_probability", U_FLOOR)):
                if key in level and level[key] is not None and level[key] < floor:
                    level[key] = floor
    return model


def gamma(model: dict, comparison: str, label: str) -> int:
    """The gamma value Splink gives a level: null is -1, then the levels count down to 0."""
    for item in model["comparisons"]:
        if item["output_column_name"] != comparison:
            continue
        levels = [lv for lv in item["comparison_levels"] if not lv.get("is_null_level")]
        for index, level in enumerate(levels):
            if level.get("label_for_charts") == label:
                return len(levels) - 1 - index
    raise KeyError(f"{comparison}: no level {label!r}")


def level_labels(model: dict) -> dict[str, dict]:
    """{comparison: {"description": …, "levels": {gamma: label}}} for explaining a pair."""
    found = {}
    for item in model["comparisons"]:
        levels = item["comparison_levels"]
        non_null = [lv for lv in levels if not lv.get("is_null_level")]
        labels = {-1: "Missing on one or both records"}
        for index, level in enumerate(non_null):
            labels[len(non_null) - 1 - index] = (
                level.get("label_for_charts") or level["sql_condition"]
            )
        name = item["output_column_name"]
        found[name] = {
            "description": COMPARISON_NAMES.get(name, name),
            "levels": labels,
        }
    return found


class IncompatibleModel(ValueError):
    pass


TRAINED_KEYS = ("m_probability", "u_probability", "tf_minimum_u_value")


def for_engine(model: dict, dialect: str) -> dict:
    """A saved model's trained parameters on this code's comparisons, written for an engine.

    A saved model holds its SQL in the dialect it was trained on (DuckDB quotes identifiers in a
    way Spark reads as text). So the settings are generated afresh for the engine that will run
    them, and the trained probabilities copied across level by level.
    """
    fresh = settings_creator().create_settings_dict(dialect)
    fresh["sql_dialect"] = dialect
    fresh["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    if len(fresh["comparisons"]) != len(model["comparisons"]):
        raise IncompatibleModel("The saved model has other comparisons: estimate a new version")
    for new, old in zip(fresh["comparisons"], model["comparisons"], strict=True):
        new_levels, old_levels = new["comparison_levels"], old["comparison_levels"]
        if new["output_column_name"] != old["output_column_name"] or len(new_levels) != len(
            old_levels
        ):
            raise IncompatibleModel(
                f"The saved model compares {old['output_column_name']} differently: "
                "estimate a new version"
            )
        for new_level, old_level in zip(new_levels, old_levels, strict=True):
            for key in TRAINED_KEYS:
                if key in old_level:
                    new_level[key] = old_level[key]
    return fresh
