"""The linkage model: what is compared, how candidate pairs are found, how it is trained.

Only Splink's backend-neutral creators are used here (no DuckDB, no SQL of one dialect), so
the same model runs on DuckDB in-process (``batch``) and on Spark for a national registry.
The columns are those of ``prepare.COLUMNS``.

Every comparison level carries a reason a reviewer can read ("same NIK", "birth day and month
swapped"); ``{similarity}`` in a label is filled with the Jaro-Winkler similarity of the two
normalised names.
"""

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule

SEED = 2026
# Pairs at or above this match probability are reported and clustered.
MATCH_THRESHOLD = 0.9
# Random pairs sampled to estimate u (how often non-matches agree by chance).
U_SAMPLE_PAIRS = 2_000_000
# Below this many records there is too little to train on: the prior m and u below are used.
MIN_TRAINING_RECORDS = 500


def _exact(column: str, same: str, different: str, m: float, u: float) -> tuple:
    return column, column, [(cll.ExactMatchLevel(column), same, m, u), (cll.ElseLevel(), different, 1 - m, 1 - u)]


def _model() -> list[tuple]:
    """The comparisons as (output column, column whose null means "no evidence", levels), each
    level as (level, reason, prior m, prior u), from the most to the least alike.

    The prior m and u are domain guesses: training replaces them when there is enough data, and
    they make EM start from a sensible point. Fresh objects each time: Splink configures levels
    in place.
    """
    same_district = cll.ExactMatchLevel("district_key")
    return [
        _exact("nik_key", "same NIK", "different NIK", 0.95, 0.00001),
        (
            "name",
            "name_key",
            [
                (cll.ExactMatchLevel("name_key").configure(tf_adjustment_column="name_key"), "same name", 0.55, 0.0005),
                (cll.ExactMatchLevel("name_sorted"), "same name parts in another order", 0.05, 0.00001),
                (cll.JaroWinklerLevel("name_key", 0.92), "name {similarity:.2f}", 0.25, 0.002),
                (cll.ArrayIntersectLevel("name_tokens", 2), "two name parts in common", 0.05, 0.0005),
                (cll.JaroWinklerLevel("name_key", 0.8), "name {similarity:.2f}", 0.07, 0.05),
                (cll.ElseLevel(), "different name", 0.03, 0.947),
            ],
        ),
        (
            "birth_date",
            "birth_date",
            [
                (cll.ExactMatchLevel("birth_date"), "same birth date", 0.85, 0.0001),
                (cll.CustomLevel("birth_date_swapped_l = birth_date_r"), "birth day and month swapped", 0.05, 0.00001),
                (cll.LevenshteinLevel("birth_date", 1), "birth date one digit apart", 0.06, 0.005),
                (cll.ElseLevel(), "different birth date", 0.04, 0.99489),
            ],
        ),
        _exact("sex", "same sex", "different sex", 0.99, 0.5),
        _exact("phone", "same phone", "different phone", 0.6, 0.0001),
        _exact("kk_key", "same KK", "different KK", 0.9, 0.0001),
        (
            "place",
            "village_key",
            [
                (cll.And(cll.ExactMatchLevel("village_key"), same_district), "same village", 0.8, 0.005),
                (cll.And(cll.JaroWinklerLevel("village_key", 0.9), same_district), "similar village name", 0.08, 0.005),
                (cll.ExactMatchLevel("district_key"), "same district", 0.05, 0.02),
                (cll.ExactMatchLevel("regency_key"), "same regency", 0.05, 0.1),
                (cll.ElseLevel(), "different regency", 0.02, 0.87),
            ],
        ),
    ]


def comparisons() -> list[cl.CustomComparison]:
    return [
        cl.CustomComparison(
            comparison_levels=[
                cll.NullLevel(null_column),
                *(level.configure(label_for_charts=reason, m_probability=m, u_probability=u) for level, reason, m, u in levels),
            ],
            output_column_name=output,
        )
        for output, null_column, levels in _model()
    ]


def reasons() -> dict[str, list[str]]:
    """Per comparison output column, its levels' reasons indexed by comparison vector value
    (gamma): Splink numbers the non-null levels from the most alike (highest) down to 0."""
    return {output: [level[1] for level in reversed(levels)] for output, _null, levels in _model()}


# Candidate pairs: a pair is scored when it agrees on at least one of these. Each is an equality
# (a hash join on any backend); together they let through a duplicate that lost its NIK, has a
# typo in the name and the day and month of the birth date swapped.
BLOCKING_RULES = [
    block_on("nik_key"),
    block_on("kk_key"),
    block_on("phone"),
    block_on("name_sorted", "regency_key"),
    block_on("birth_date", "district_key"),
    CustomRule("l.birth_date_swapped = r.birth_date and l.district_key = r.district_key"),
]
# EM sessions: each trains the m of every comparison but those its rule blocks on.
TRAINING_RULES = [
    block_on("nik_key"),
    block_on("name_sorted", "birth_date"),
]
# Rules that admit almost only true pairs, and the share of all true pairs they are expected to
# find (a domain estimate fixed once, not measured at run time), for the prior match probability.
DETERMINISTIC_RULES = [
    block_on("nik_key"),
    block_on("name_key", "birth_date", "village_key"),
]
DETERMINISTIC_RECALL = 0.75


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        max_iterations=25,
    )
