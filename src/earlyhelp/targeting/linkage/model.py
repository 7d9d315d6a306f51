"""The linkage model for English person records: comparisons, blocking rules and training.

The settings are plain column comparisons over the derived columns `normalise.build_profiles`
writes, so one settings object runs unchanged on DuckDB and on Spark.
"""

import copy
import functools
import json
from pathlib import Path

from splink import SettingsCreator, block_on
from splink import comparison_level_library as cll
from splink import comparison_library as cl
from splink.internals.exceptions import EMTrainingException

UNIQUE_ID = "profile_id"

# Estimated on the synthetic borough (bench/targeting), for data too small to estimate from.
SHIPPED_MODEL = Path(__file__).resolve().parent.parent / "data" / "default_model.json"
MIN_PROFILES_TO_TRAIN = 500


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


class _ArraysOverlapLevel(cll.ArrayIntersectLevel):
    """Two lists share a value. Splink's own level sizes the whole intersection; asking only
    whether there is one is three times faster on DuckDB, and the same answer."""

    def create_sql(self, sql_dialect) -> str:
        if sql_dialect.sql_dialect_str == "duckdb":
            col = self.col_expression
            col.sql_dialect = sql_dialect
            return f"list_has_any({col.name_l}, {col.name_r})"
        return super().create_sql(sql_dialect)


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
            _ArraysOverlapLevel("first_name_groups", 1).configure(
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
            # One edit leaves the year or the month and day as they were. Checking that first
            # (in a CASE, which DuckDB evaluates lazily; an AND it does not) spares the edit
            # distance – ten times the cost of the rest of the comparison – on almost every
            # pair of strangers.
            cll.CustomLevel(
                "CASE WHEN substr(dob_l, 1, 4) = substr(dob_r, 1, 4) "
                "OR substr(dob_l, 6, 5) = substr(dob_r, 6, 5) "
                "THEN damerau_levenshtein(dob_l, dob_r) <= 1 ELSE false END",
                label_for_charts=DOB_CLOSE_LABELS[2],
            ),
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


# The profile columns each comparison reads; a comparison takes part only when a file has them.
COMPARISON_COLUMNS = {
    "first_name": ("first_name",),
    "surname": ("surname",),
    "dob": ("dob",),
    "sex": ("sex",),
    "location": ("postcode", "address"),
    "nhs_number": ("nhs_number",),
    "upn": ("upn",),
}
ALL_COMPARISONS = tuple(COMPARISON_COLUMNS)
_BUILDERS = {
    "first_name": _first_name,
    "surname": _surname,
    "dob": _date_of_birth,
    "sex": lambda: _exact("sex", "sex"),
    "location": _location,
    "nhs_number": lambda: _exact("nhs_number", "NHS number"),
    "upn": lambda: _exact("upn", "unique pupil number"),
}
# Derived columns and the detail they come from (for choosing the rules the data can serve).
_SOURCE_COLUMN = {
    "first_name_mp": "first_name",
    "surname_mp": "surname",
    "birth_year": "dob",
}
# Without a date of birth the names alone (by sound) must let a pair through.
NAMES_ONLY_RULES = (("first_name_mp", "surname_mp"),)


def present_columns(con, table: str = "lk_profiles") -> set[str]:
    """The identifying columns that hold at least one value."""
    columns = ("first_name", "surname", "dob", "sex", "postcode", "address", "nhs_number", "upn")
    counts = con.execute(
        "SELECT " + ", ".join(f"count({c})" for c in columns) + f" FROM {table}"
    ).fetchall()[0]
    return {c for c, n in zip(columns, counts, strict=True) if n}


def comparisons_for(columns: set[str]) -> tuple[str, ...]:
    return tuple(
        name
        for name, needs in COMPARISON_COLUMNS.items()
        if any(column in columns for column in needs)
    )


def _usable(rule: tuple[str, ...], columns: set[str]) -> bool:
    return all(_SOURCE_COLUMN.get(part, part) in columns for part in rule)


def blocking_rules(columns: set[str]) -> list[tuple[str, ...]]:
    rules = [rule for rule in BLOCKING_RULES if _usable(rule, columns)]
    if "dob" not in columns:
        rules += [rule for rule in NAMES_ONLY_RULES if _usable(rule, columns)]
    return rules


def settings_creator(
    comparisons: tuple[str, ...] = ALL_COMPARISONS, columns=None, *, keep_weights: bool = True
):
    """`keep_weights`: the scored pairs carry each comparison's match weight and the details
    compared (the explanation page shows them); without it they carry only the levels, the
    total and the identifiers the hold rules read (the files command: on a million records the
    compared details were a third of the scoring's memory, and nothing read them)."""
    columns = (
        set(columns)
        if columns is not None
        else {c for name in comparisons for c in COMPARISON_COLUMNS[name]}
    )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name=UNIQUE_ID,
        comparisons=[_BUILDERS[name]() for name in ALL_COMPARISONS if name in comparisons],
        blocking_rules_to_generate_predictions=[
            block_on(*rule) for rule in blocking_rules(columns)
        ],
        retain_matching_columns=keep_weights,
        retain_intermediate_calculation_columns=keep_weights,
        additional_columns_to_retain=(
            ["middle_names"]
            if keep_weights
            else [c for c in ("nhs_number", "upn") if c in columns and c in comparisons]
        ),
    )


def _deterministic_rules(columns: set[str]) -> list[tuple[str, ...]]:
    rules = [rule for rule in DETERMINISTIC_RULES if _usable(rule, columns)]
    if not rules:  # no identifier and no date of birth: same names at the same place
        rules = [
            rule
            for rule in (
                ("first_name", "surname", "postcode"),
                ("first_name", "surname", "address"),
            )
            if _usable(rule, columns)
        ]
    return rules or [("first_name", "surname")]


U_CHUNKS = 5

# EM sessions, in order, with the detail each needs. A comparison cannot be learnt in a session
# that blocks on it, so the sessions take turns: the date of birth lets EM learn the names and
# places, the names let it learn the date of birth, an identifier is the cleanest view of how
# often a true match disagrees on each detail (one identifier per session: an OR would make the
# join a cross product), and the postcode lets it learn the names when there is no date.
EM_SESSIONS = (
    ("dob",),
    ("first_name", "surname"),
    ("nhs_number",),
    ("upn",),
    ("postcode",),
)


def train(
    linker,
    *,
    columns: set[str] | None = None,
    profiles: int = 10_000,
    seed: int = 42,
    u_max_pairs: float = 1e6,
    em_max_pairs: float = 1e6,
    rebuild=None,
) -> tuple[dict, object]:
    """Estimate the model's parameters without labels (random sampling, then EM) from whatever
    details the data holds. Levels no session can learn keep the shipped model's m values (how
    often a true match disagrees is about recording, not about the file). `rebuild(model)`
    makes a fresh linker from a model (to go on after a failed session). Returns the notes and
    the trained linker."""
    columns = (
        set(columns)
        if columns is not None
        else {c for cols in COMPARISON_COLUMNS.values() for c in cols}
    )
    training = linker.training
    deterministic = _deterministic_rules(columns)
    training.estimate_probability_two_random_records_match(
        [block_on(*rule) for rule in deterministic], recall=0.7
    )
    settings = linker._settings_obj
    prior_note = "from the deterministic rules"
    if not settings._probability_two_random_records_match:
        # No pair agrees on every detail of the rules (e.g. names only, and identical names
        # collapse into one profile): assume about one other record per person.
        settings._probability_two_random_records_match = 1 / max(profiles, 2)
        prior_note = "about one other record per person (no pair met the rules)"
    # Splink splits the sample into ten chunks to stop early once every level has 100 pairs;
    # our rare levels (names swapped, an initial) never get there, so every chunk runs, and on
    # small files each chunk is mostly fixed cost. Five chunks score the same pairs (the same
    # u values) in 1-2 s less on FEBRL1's 1,000 records; one chunk was faster still but held
    # the whole sample's comparisons at once (60 MB more).
    training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed, num_chunks=U_CHUNKS)
    sessions, skipped = [], []
    compared = comparisons_for(columns)
    for rule in EM_SESSIONS:
        if not _usable(rule, columns):
            continue
        # A session must leave something to learn beyond what it blocks on.
        left = [c for c in compared if not set(COMPARISON_COLUMNS[c]) & set(rule)]
        if rule == ("postcode",) and "dob" in columns:
            continue  # the dob session already learnt names and places
        if len([c for c in left if c in ("first_name", "surname", "dob", "location")]) == 0:
            continue
        before = linker.misc.save_model_to_json() if rebuild else None
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*rule), estimate_without_term_frequencies=True, max_pairs=em_max_pairs
            )
        except (EMTrainingException, ValueError) as exc:
            # Too few pairs to learn from, or a level driven to exactly 0 on very clean data
            # (Splink refuses the value). A failed session can leave the linker's settings
            # half-changed, so training goes on from a linker rebuilt as it was before.
            if rebuild is None:
                raise
            linker = rebuild(regularise(before))
            skipped.append({"session": list(rule), "reason": str(exc).split("\n")[0][:200]})
            continue
        sessions.append(list(rule))
    return {
        "u_max_pairs": u_max_pairs,
        "em_max_pairs": em_max_pairs,
        "seed": seed,
        "comparisons": list(compared),
        "em_sessions": sessions,
        "em_sessions_skipped": skipped,
        "deterministic_rules": [list(r) for r in deterministic],
        "prior": prior_note,
    }, linker


# No detail is impossible: a true match can always carry a recording slip, and a pair of
# strangers can always agree by chance. Training on clean data can drive a probability to 0,
# which would make one detail decide a pair alone (weight ±infinity).
M_FLOOR = 1e-3
U_FLOOR = 1e-6


def regularise(model: dict) -> dict:
    """Keep every m and u probability set, and at or above its floor."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            for key, floor in (("m_probability", M_FLOOR), ("u_probability", U_FLOOR)):
                # A level training never saw (no random pair, no match in any EM session) is
                # rarer than the floor: say so, rather than leave the value unset.
                if level.get(key) is None or level[key] < floor:
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


def m_of(model: dict, comparison: str, label: str) -> float | None:
    """The m probability (share of true matches at this level) of a labelled level."""
    for item in model["comparisons"]:
        if item["output_column_name"] == comparison:
            for level in item["comparison_levels"]:
                if level.get("label_for_charts") == label:
                    return level.get("m_probability")
    return None


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


def model_comparisons(model: dict) -> tuple[str, ...]:
    return tuple(c["output_column_name"] for c in model["comparisons"])


def model_columns(model: dict) -> set[str]:
    """The details a saved model compares (its blocking follows them too)."""
    names = model_comparisons(model)
    return {c for name in names if name in COMPARISON_COLUMNS for c in COMPARISON_COLUMNS[name]}


def restrict(model: dict, comparisons: tuple[str, ...]) -> dict:
    """A saved model cut down to the comparisons the files can serve (a shipped model holds
    all of them; files without an NHS number simply do not use that one)."""
    kept = dict(model)
    kept["comparisons"] = [
        c for c in model["comparisons"] if c["output_column_name"] in comparisons
    ]
    return kept


@functools.lru_cache(maxsize=16)
def _settings_dict(
    names: tuple[str, ...], columns: frozenset[str], dialect: str, keep_weights: bool
) -> dict:
    # Building the settings parses every level's SQL: about 0.4 s, once per run is enough.
    return settings_creator(names, columns, keep_weights=keep_weights).create_settings_dict(dialect)


def for_engine(
    model: dict, dialect: str, columns: set[str] | None = None, *, keep_weights: bool = True
) -> dict:
    """A saved model's trained parameters on this code's comparisons, written for an engine.

    A saved model holds its SQL in the dialect it was trained on (DuckDB quotes identifiers in a
    way Spark reads as text). So the settings are generated afresh for the engine that will run
    them, and the trained probabilities copied across level by level. The model may hold any
    subset of the comparisons (it follows the details its files had).
    """
    names = model_comparisons(model)
    unknown = [n for n in names if n not in COMPARISON_COLUMNS]
    if unknown:
        raise IncompatibleModel(
            f"The saved model has comparisons this version does not know ({', '.join(unknown)}): "
            "estimate a new version"
        )
    if columns is None:
        columns = model_columns(model)
    fresh = copy.deepcopy(_settings_dict(names, frozenset(columns), dialect, keep_weights))
    fresh["sql_dialect"] = dialect
    fresh["probability_two_random_records_match"] = model["probability_two_random_records_match"]
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
