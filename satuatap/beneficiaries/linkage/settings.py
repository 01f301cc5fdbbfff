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


def gettext_noop(message: str) -> str:
    """A reason as an English msgid, marked for extraction (makemessages looks for this name) and
    translated when shown (``services.dedup.reason_text``). Not Django's: the model runs without Django's
    settings (on Spark, in ``bench.registry_batch``)."""
    return message


SEED = 2026
# Pairs at or above this match probability are reported and clustered. 0.8 since lists without
# district, regency, KK and phone came in: there a duplicate whose birth date is missing rests on
# its name, street and sex alone and scores 0.83-0.88; on the generated registry (two seeds) 0.8
# keeps pair precision at 0.99 on the full list and lifts recall on the sparse one from 0.93 to 0.94.
MATCH_THRESHOLD = 0.8
# Random pairs sampled to estimate u (how often non-matches agree by chance).
U_SAMPLE_PAIRS = 1_500_000
# Below this many records there is too little to train on (nor to count how common a name is):
# the prior m and u below are used, without term-frequency adjustment.
MIN_TRAINING_RECORDS = 500
# An EM session needs at least this many pairs from its rule; with fewer (a registry without
# NIKs, say) the comparisons it would train keep their priors.
MIN_TRAINING_PAIRS = 50
# The reason of a name compared by similarity, "name 0.93". The other reasons are English msgids
# (marked with ``gettext_noop`` for extraction): stored as they are, translated when shown
# (``services.dedup.reason_text``), so a run reads in the language of whoever reviews it.
SIMILAR_NAME = "name {similarity:.2f}"


def _same(column: str) -> cll.ExactMatchLevel:
    return cll.ExactMatchLevel(column)


def _district_agrees() -> cll.CustomLevel:
    """Village names repeat across districts (every regency has a Sukamaju), so a village match
    needs the district to match too, or to be unknown on one side."""
    return cll.CustomLevel("(district_key_l = district_key_r OR district_key_l IS NULL OR district_key_r IS NULL)")


def _same_village() -> cll.And:
    return cll.And(_same("village_key"), _district_agrees())


def _similar_village() -> cll.And:
    """Village names a typo apart ("Sukamaju", "Sukamajuu")."""
    return cll.And(cll.JaroWinklerLevel("village_key", 0.9), _district_agrees())


def _null_in_all(*columns: str) -> cll.CustomLevel:
    """No evidence only when every one of ``columns`` is missing on one side or the other."""
    return cll.CustomLevel(" AND ".join(f"({column}_l IS NULL OR {column}_r IS NULL)" for column in columns))


def _exact(column: str, same: str, different: str, m: float, u: float) -> tuple:
    return column, cll.NullLevel(column), [(_same(column), same, m, u), (cll.ElseLevel(), different, 1 - m, 1 - u)]


def _model(term_frequencies: bool) -> list[tuple]:
    """The comparisons as (output column, level meaning "no evidence", levels), each
    level as (level, reason, prior m, prior u), from the most to the least alike; a level
    without a reason is another "no evidence" one.

    The prior m and u are domain guesses: training replaces them when there is enough data, and
    they make EM start from a sensible point. With ``term_frequencies`` an exact name match
    counts for more when the name is rare ("Cakrawala Sihombing") than when it is common ("Siti
    Aminah"). Fresh objects each time: Splink configures levels in place.
    """
    same_name = cll.ExactMatchLevel("name_key")
    if term_frequencies:
        same_name.configure(tf_adjustment_column="name_key")
    return [
        _exact("nik_key", gettext_noop("same NIK"), gettext_noop("different NIK"), 0.95, 0.00001),
        (
            "name",
            cll.NullLevel("name_key"),
            [
                (same_name, gettext_noop("same name"), 0.55, 0.0005),
                (cll.ExactMatchLevel("name_sorted"), gettext_noop("same name parts in another order"), 0.05, 0.00001),
                # Jaro-Winkler first: it is cheap and rules out most pairs before the costly
                # Damerau-Levenshtein (a typo, a doubled or a transposed letter is one edit).
                (
                    cll.And(cll.JaroWinklerLevel("name_key", 0.8), cll.DamerauLevenshteinLevel("name_key", 1)),
                    gettext_noop("name one letter apart"),
                    0.15,
                    0.0002,
                ),
                (cll.JaroWinklerLevel("name_key", 0.92), SIMILAR_NAME, 0.1, 0.002),
                (
                    cll.JaroWinklerLevel("name_sorted", 0.92),
                    gettext_noop("similar name parts in another order"),
                    0.02,
                    0.0005,
                ),
                (cll.ArrayIntersectLevel("name_tokens", 2), gettext_noop("two name parts in common"), 0.05, 0.0005),
                (cll.JaroWinklerLevel("name_key", 0.8), SIMILAR_NAME, 0.07, 0.05),
                (cll.ElseLevel(), gettext_noop("different name"), 0.03, 0.947),
            ],
        ),
        (
            "birth_date",
            cll.NullLevel("birth_date"),
            [
                (cll.ExactMatchLevel("birth_date"), gettext_noop("same birth date"), 0.85, 0.0001),
                (
                    cll.CustomLevel("birth_date_swapped_l = birth_date_r"),
                    gettext_noop("birth day and month swapped"),
                    0.05,
                    0.00001,
                ),
                (cll.LevenshteinLevel("birth_date", 1), gettext_noop("birth date one digit apart"), 0.06, 0.005),
                (cll.ElseLevel(), gettext_noop("different birth date"), 0.04, 0.99489),
            ],
        ),
        _exact("sex", gettext_noop("same sex"), gettext_noop("different sex"), 0.99, 0.5),
        (
            # One comparison for KK, phone and place, because they are not independent: the
            # members of a household share all three, so three separate comparisons would count
            # "same household" three times as evidence of "same person".
            "household",
            _null_in_all("kk_key", "phone", "village_key", "street_key"),
            [
                (cll.And(_same("kk_key"), _same("phone")), gettext_noop("same KK and phone"), 0.3, 0.000005),
                (_same("kk_key"), gettext_noop("same KK"), 0.3, 0.00001),
                (cll.And(_same("phone"), _same_village()), gettext_noop("same phone and village"), 0.15, 0.000005),
                (_same("phone"), gettext_noop("same phone"), 0.05, 0.00001),
                (cll.And(_same("street_key"), _district_agrees()), gettext_noop("same street"), 0.2, 0.0005),
                (_same_village(), gettext_noop("same village"), 0.15, 0.005),
                (_similar_village(), gettext_noop("similar village name"), 0.02, 0.005),
                (_same("district_key"), gettext_noop("same district"), 0.01, 0.02),
                (cll.ExactMatchLevel("regency_key"), gettext_noop("same regency"), 0.01, 0.1),
                # Without a regency on both sides, "different" would be a guess: no evidence.
                (cll.NullLevel("regency_key"), None, None, None),
                (cll.ElseLevel(), gettext_noop("different regency"), 0.01, 0.87),
            ],
        ),
    ]


def comparisons(term_frequencies: bool = True) -> list[cl.CustomComparison]:
    """Splink comparisons of ``_model``: a null level first, then the levels with their reasons."""
    return [
        cl.CustomComparison(
            comparison_levels=[
                null_level.configure(is_null_level=True),
                *(
                    level.configure(is_null_level=True)
                    if reason is None
                    else level.configure(label_for_charts=reason, m_probability=m, u_probability=u)
                    for level, reason, m, u in levels
                ),
            ],
            output_column_name=output,
        )
        for output, null_level, levels in _model(term_frequencies)
    ]


def reasons() -> dict[str, list[str]]:
    """Per comparison output column, its levels' reasons indexed by comparison vector value
    (gamma): Splink numbers the non-null levels from the most alike (highest) down to 0."""
    return {
        output: [reason for _level, reason, _m, _u in reversed(levels) if reason is not None]
        for output, _null, levels in _model(False)
    }


# Candidate pairs: a pair is scored when it agrees on at least one of these. Each is an equality
# (a hash join on any backend); together they let through a duplicate that lost its NIK, has a
# typo in the name and the day and month of the birth date swapped.
BLOCKING_RULES = [
    block_on("nik_key"),
    block_on("kk_key"),
    block_on("phone"),
    block_on("name_sorted", "regency_key"),
    block_on("birth_date", "regency_key"),
    block_on("village_key", "district_key", "substr(name_key, 1, 3)"),
    block_on("name_tokens", "village_key", "district_key", arrays_to_explode=["name_tokens"]),
    block_on("birth_date", "substr(name_key, 1, 1)"),
    CustomRule("l.birth_date_swapped = r.birth_date and l.district_key = r.district_key"),
    # Rules that need no place nor NIK, KK or phone (a partner's list of names, birth dates and
    # streets): the name (in any word order, or as it sounds) with the birth year; one name word
    # with the birth month; the street address (with its number: a household, rarely more); the
    # swapped birth date with the name's first letter. A name is paired with a date, so a common
    # name ("Siti Aminah") meets only the few born the same year, never the whole list; the
    # street alone finds the duplicate whose birth date is missing and whose name has a typo.
    block_on("name_sorted", "birth_year"),
    block_on("name_sound", "birth_year"),
    block_on("name_tokens", "birth_month", arrays_to_explode=["name_tokens"]),
    block_on("street_key"),
    CustomRule("l.birth_date_swapped = r.birth_date and substr(l.name_key, 1, 1) = substr(r.name_key, 1, 1)"),
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
    block_on("name_key", "birth_date", "village_key", "district_key"),
]
DETERMINISTIC_RECALL = 0.75


def settings(*, term_frequencies: bool = True) -> SettingsCreator:
    """The model for a deduplication of one table (an institution's whole registry)."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="id",
        comparisons=comparisons(term_frequencies),
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_matching_columns=True,
        # The per-comparison match weights: the evidence shown to reviewers.
        retain_intermediate_calculation_columns=True,
    )
