"""Reads of donors, always scoped, and the donor search.

Scope rule. A donor belongs to the institution, but staff see the donors of their own part of
it: a user with a capability on unit U sees the donors registered at U or below, and the donors
who gave at U or below (a donation recorded there). A role on the institution itself (the root)
therefore sees every donor of the institution. The rule is defensible on both sides: an office
serves the donors it registered and the donors who came to it, and a branch does not browse the
donor list of a sibling branch. Whoever sees a donor sees their whole donation history, as the
donor's page is where a clerk answers "what has this person given us?".

Who gave where, and a donor's giving, come from ``donors.hooks.giving()`` (collection registers it):
``collection`` depends on ``donors``, never the other way round.

The search (``donor_search``) reads what was typed (``matching.parse_search``): a donor number,
phone number, email, NIK or NPWP (by keyed hash) finds that donor, merged ones included; a name
finds donors by ``name_key``, first those whose name starts with what was typed (an ordered
index range, fast at any size), then those whose name has every typed word anywhere (a bounded
look-up sorted here; on PostgreSQL it is answered by the trigram index of migration 0002).
"""

from dataclasses import dataclass, field
from functools import reduce
from heapq import merge
from operator import and_, or_
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from satuatap.donors import matching
from satuatap.donors.hooks import Statement, Totals, giving
from satuatap.donors.models import Donor
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import can, units_where
from satuatap.organizations.selectors import subtree_q

# A name search that is not a plain prefix looks at this many matches at most, sorts them and
# says when there were more (type more of the name, or search by number, phone or NIK).
REST_CAP = 200
MAX_CAP = 2000


@dataclass(frozen=True)
class ScopePart:
    """One part of a user's scope: a condition, and whether it spans a whole institution (wide:
    searched through the institution's name index) or a subtree (a bounded set of donors)."""

    q: Q
    wide: bool
    base: QuerySet | None = None  # a caller's own queryset (``search_donors``) instead of ``q``

    def donors(self) -> QuerySet[Donor]:
        return (self.base if self.base is not None else Donor.objects).filter(self.q)


def _unit_scope_parts(unit: Unit) -> list[ScopePart]:
    """The scope of one unit as parts whose union it is, each answered by its own index."""
    if unit.depth == 1:  # the institution: all its donors
        return [ScopePart(Q(institution_id=unit.pk), wide=True)]
    subtree = Unit.objects.filter(path__startswith=unit.path).values("pk")
    gave_here = giving().donor_ids_at(subtree)
    # A unit below the institution only holds (and takes donations for) donors of its institution.
    return [ScopePart(Q(registered_unit_id__in=subtree), wide=False), ScopePart(Q(pk__in=gave_here), wide=False)]


def _scope_units(user, capability: str, within: Unit | None) -> list[Unit]:
    tops = units_where(user, capability)
    if within is None:
        units = tops
    elif can(user, capability, within):
        units = [within]
    else:
        units = [top for top in tops if within.contains(top)]
    # A unit inside another one of the list adds nothing.
    return [u for u in units if not any(o.path != u.path and o.contains(u) for o in units)]


def _scope_parts(user, capability: str, within: Unit | None) -> list[ScopePart]:
    return [part for unit in _scope_units(user, capability, within) for part in _unit_scope_parts(unit)]


def donors_for(user, *, within: Unit | None = None, capability: str = "donors.view") -> QuerySet[Donor]:
    """The donors ``user`` may see (see the scope rule above), within ``within``'s subtree if given."""
    parts = _scope_parts(user, capability, within)
    if not parts:
        return Donor.objects.none()
    return Donor.objects.filter(reduce(or_, (part.q for part in parts)))


def donor_for(user, pk, *, capability: str = "donors.view") -> Donor:
    """The donor with ``pk`` if the user may see it; 404 otherwise (no hint that it exists)."""
    try:
        return (
            donors_for(user, capability=capability)
            .select_related("institution", "registered_unit", "merged_into", "created_by")
            .get(pk=pk)
        )
    except (Donor.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def donor_within(donor: Donor, unit: Unit) -> bool:
    """True when ``donor`` is in ``unit``'s scope (the rule above): registered at or below it, or
    gave there."""
    if unit.depth == 1:
        return donor.institution_id == unit.pk
    if unit.contains(donor.registered_unit):
        return True
    return giving().gave_at(donor, unit)


def identifiers_unit(user, donor: Donor) -> Unit | None:
    """A unit on which ``user`` holds ``donors.identifiers`` and whose scope holds ``donor``; None
    when the donor's full NIK and NPWP are not the user's to read. The right to see a donor (for
    instance as front office of a branch where they gave) is not the right to read their
    identifiers: that comes only from a role with ``donors.identifiers`` over the donor."""
    tops = units_where(user, "donors.identifiers")
    for top in tops:  # registered there: no query
        if top.contains(donor.registered_unit):
            return top
    for top in tops:
        if donor_within(donor, top):
            return top
    return None


# --- duplicates ----------------------------------------------------------------------------------------


def duplicate_candidates(user, unit, probe: matching.Probe, *, exclude_pk=None) -> list[matching.Candidate]:
    """Donors of ``unit``'s institution the registration described by ``probe`` may repeat.

    Inside the user's scope: same NIK, NPWP, phone or email, or a close name with the same birth
    date or phone. Outside it, only a same NIK or NPWP is reported (by donor number, as the service
    refuses that registration anyway), so a name search cannot leak donors of other units."""
    if probe.is_empty:
        return []
    visible = donors_for(user, within=unit).filter(institution_id=unit.institution_id)
    wanted = Q(pk__in=[])
    if probe.nik_hash:
        wanted |= Q(nik_hash=probe.nik_hash)
    if probe.npwp_hash:
        wanted |= Q(npwp_hash=probe.npwp_hash)
    if probe.phone:
        wanted |= Q(phone=probe.phone)
    if probe.email:
        wanted |= Q(email__in={probe.email, probe.email.lower()})
    if probe.name_key and probe.birth_date:
        wanted |= Q(birth_date=probe.birth_date)
    rows = visible.filter(wanted).exclude(pk=exclude_pk).select_related("registered_unit", "merged_into")[:200]
    found: dict[int, matching.Candidate] = {}
    for donor in rows:
        reasons = matching.match_reasons(probe, donor)
        if reasons:
            found[donor.pk] = matching.Candidate(donor, reasons)
    strong = Q(pk__in=[])
    if probe.nik_hash:
        strong |= Q(nik_hash=probe.nik_hash)
    if probe.npwp_hash:
        strong |= Q(npwp_hash=probe.npwp_hash)
    if probe.nik_hash or probe.npwp_hash:
        others = Donor.objects.filter(institution_id=unit.institution_id).filter(strong).exclude(pk=exclude_pk)
        for donor in others.exclude(pk__in=list(found))[:5]:
            found[donor.pk] = matching.Candidate(donor, matching.match_reasons(probe, donor), visible=False)
    ordered = sorted(found.values(), key=lambda c: (c.strength, not c.visible, c.donor.name_key, c.donor.pk))
    return ordered[: matching.MAX_CANDIDATES]


def exact_duplicates(user, unit, probe: matching.Probe, *, exclude_pk=None) -> list[matching.Candidate]:
    """The active donors of ``unit``'s institution that ``probe`` repeats exactly (``exact_reasons``),
    wherever they registered: one check for the counter, the form, the import and the API.

    A donor outside the user's scope comes back with ``visible`` False: callers name it by its
    number only, so the check tells that the person is registered without showing their data."""
    wanted = Q(pk__in=[])
    if probe.nik_hash:
        wanted |= Q(nik_hash=probe.nik_hash)
    if probe.npwp_hash:
        wanted |= Q(npwp_hash=probe.npwp_hash)
    if probe.phone:
        wanted |= Q(phone=probe.phone)
    if probe.email:
        wanted |= Q(email__in={probe.email, probe.email.lower()})
    if probe.name_key and probe.birth_date:
        wanted |= Q(name_key=probe.name_key, birth_date=probe.birth_date)
    if probe.is_empty or wanted == Q(pk__in=[]):
        return []
    rows = list(
        Donor.objects.filter(institution_id=unit.institution_id, merged_into__isnull=True)
        .filter(wanted)
        .exclude(pk=exclude_pk)
        .select_related("registered_unit")
        .order_by("pk")[: matching.MAX_CANDIDATES]
    )
    if not rows:
        return []
    seen = set(donors_for(user, within=unit).filter(pk__in=[d.pk for d in rows]).values_list("pk", flat=True))
    found = [matching.Candidate(d, matching.exact_reasons(probe, d), visible=d.pk in seen) for d in rows]
    return sorted((c for c in found if c.reasons), key=lambda c: (c.strength, not c.visible, c.donor.pk))


# --- contact -------------------------------------------------------------------------------------------


def contact_refusals(donor: Donor) -> dict[str, str]:
    """Why nothing can be sent to ``donor`` by WhatsApp or by email ("" when it can): the donor did
    not agree to that channel, or gave no number or address. The receipt page and the donor page
    both say it in these words, so neither claims a channel the donor did not agree to."""
    from django.utils.translation import gettext as _

    if not donor.consent_whatsapp:
        whatsapp = _("The donor has not agreed to be contacted by WhatsApp.")
    elif not donor.phone:
        whatsapp = _("The donor agreed to WhatsApp but has no phone number registered.")
    else:
        whatsapp = ""
    if not donor.consent_email:
        email = _("The donor has not agreed to be contacted by email.")
    elif not donor.email:
        email = _("The donor agreed to email but has no email address registered.")
    else:
        email = ""
    return {"whatsapp": whatsapp, "email": email}


# --- search --------------------------------------------------------------------------------------------


@dataclass
class SearchPage:
    terms: matching.SearchTerms
    rows: list[Donor] = field(default_factory=list)
    offset: int = 0
    limit: int = 20
    has_more: bool = False
    # More donors matched than the search looked at: the page shows the first of those it saw.
    truncated: bool = False

    @property
    def next_offset(self) -> int:
        return self.offset + self.limit

    @property
    def previous_offset(self) -> int:
        return max(0, self.offset - self.limit)


def _token_q(alternative: str) -> Q:
    if len(alternative) >= matching.INFIX_MIN:
        return Q(name_key__contains=alternative)
    return Q(name_key__startswith=alternative) | Q(name_key__contains=f" {alternative}")


def name_q(query: matching.NameQuery) -> Q:
    """Every token matches (``matching.token_matches`` in SQL)."""
    return reduce(and_, (reduce(or_, (_token_q(a) for a in alternatives)) for alternatives in query.tokens))


def _identifier_q(terms: matching.SearchTerms) -> Q:
    if terms.kind == "number":
        return Q(number__startswith=terms.number_prefix)
    if terms.kind == "phone":
        return Q(phone__startswith=terms.phone_prefix)
    if terms.kind == "email":
        lookup = "email__startswith" if terms.email_prefix else "email"
        return reduce(or_, (Q(**{lookup: e}) for e in terms.emails))
    query = Q(pk__in=[])
    for value in terms.nik_hashes:
        query |= Q(nik_hash=value)
    for value in terms.npwp_hashes:
        query |= Q(npwp_hash=value)
    return query


Key = tuple[int, str, int]  # (rank, name_key, pk): rank 0 for names that start with what was typed


def _keys(queryset: QuerySet, limit: int, rank: int = 0) -> list[Key]:
    return [(rank, key, pk) for pk, key in queryset.values_list("pk", "name_key")[:limit]]


def _merged(lists) -> list[Key]:
    """Sorted key lists merged into one, each donor once."""
    seen: set[int] = set()
    keys = []
    for key in merge(*lists):
        if key[2] not in seen:
            seen.add(key[2])
            keys.append(key)
    return keys


def donor_search(user, text: str | None, *, within: Unit | None, limit: int = 20, offset: int = 0) -> SearchPage:
    """A page of the donors ``user`` sees (within ``within``) that match ``text``.

    Name searches rank the names that start with what was typed first, then the others that hold
    every typed word, each in name order, and leave merged donors out (their donations live on in
    the survivor); identifier searches find merged donors too, so an old donor number still
    leads to the right donor. Each part of the user's scope (the institution; or the donors
    registered in a subtree, and those who gave in it) is searched on its own, so that each is
    answered by its own index, and the results are merged here."""
    limit = max(1, min(limit, 200))
    return _search(_scope_parts(user, "donors.view", within), text, limit=limit, offset=offset)


def search_donors(bases: list[QuerySet], text: str | None, *, limit: int = 20, offset: int = 0) -> SearchPage:
    """The search engine under ``donor_search``, over the union of ``bases``: querysets of donors
    of one institution (or of any size), already scoped by the caller (e.g. the counter's "every
    donor of the institution")."""
    return _search([ScopePart(Q(), wide=True, base=base) for base in bases], text, limit=limit, offset=offset)


def _search(parts: list[ScopePart], text: str | None, *, limit: int, offset: int) -> SearchPage:
    terms = matching.parse_search(text)
    limit, offset = max(1, min(limit, MAX_CAP)), max(0, offset)
    page = SearchPage(terms=terms, offset=offset, limit=limit)
    if terms.kind == "short" or not parts:
        return page
    need = offset + limit + 1
    if terms.kind == "empty":
        ordered = [p.donors().filter(merged_into__isnull=True).order_by("name_key", "pk") for p in parts]
        keys = _merged(_keys(qs, need) for qs in ordered)
    elif terms.kind == "name":
        assert terms.name is not None  # a name search always has its name query
        keys, page.truncated = _name_keys(parts, terms.name, need)
    else:
        cap = min(max(REST_CAP, need), MAX_CAP)
        found = [_keys(p.donors().filter(_identifier_q(terms)).order_by(), cap) for p in parts]
        page.truncated = any(len(f) == cap for f in found)
        keys = _merged(sorted(f) for f in found)
    chosen = [pk for _rank, _key, pk in keys[offset : offset + limit]]
    page.has_more = len(keys) > offset + limit
    rows = Donor.objects.select_related("registered_unit", "merged_into").defer("nik", "npwp").in_bulk(chosen)
    page.rows = [rows[pk] for pk in chosen if pk in rows]
    return page


def _name_keys(parts: list[ScopePart], query: matching.NameQuery, need: int) -> tuple[list[Key], bool]:
    """(rank, name_key, pk) of the first ``need`` matches, and whether the look-up was cut short."""
    starts = reduce(or_, (Q(name_key__startswith=p) for p in query.prefixes))
    lists, truncated = [], False
    for part in parts:
        base = part.donors().filter(merged_into__isnull=True)
        if not part.wide:
            # A subtree's donors are few enough to rank them all in one query.
            ranked = base.filter(name_q(query)).annotate(
                rank=Case(When(starts, then=Value(0)), default=Value(1), output_field=IntegerField())
            )
            rows = ranked.order_by("rank", "name_key", "pk").values_list("rank", "name_key", "pk")[:need]
            lists.append([tuple(row) for row in rows])
            continue
        found, more = _wide_name_keys(base, query, starts, need)
        lists.append(found)
        truncated |= more
    return _merged(lists), truncated


def _wide_name_keys(base: QuerySet, query: matching.NameQuery, starts: Q, need: int) -> tuple[list[Key], bool]:
    """The same over a whole institution, where ranking every match would sort too many rows.

    First the names that start with one of the query's prefixes, in name order: each prefix is one
    range of the (institution, name_key) index, read in order and stopped after ``need`` rows.
    When those run out, the names that hold every token: at most ``cap`` of them, in whatever
    order the database finds them fastest (trigram index or a scan that stops early), sorted here."""
    lists = [_keys(base.filter(name_key__startswith=p).order_by("name_key", "pk"), need) for p in query.prefixes]
    keys = _merged(lists)
    if any(len(found) >= need for found in lists):
        return keys[:need], False
    cap = min(max(REST_CAP, need), MAX_CAP)
    rest = _keys(base.filter(name_q(query)).exclude(starts).order_by(), cap, rank=1)
    return keys + sorted(rest), len(rest) == cap


def search_filter(donors: QuerySet[Donor], text: str | None) -> QuerySet[Donor]:
    """``donors`` narrowed to those ``text`` finds, read as ``donor_search`` reads it (a phone
    number from its first 4 digits, a donor number, email, NIK, NPWP or a name), unordered and
    unpaged: for a caller that filters, orders and pages on its own (the API)."""
    terms = matching.parse_search(text)
    if terms.kind == "empty":
        return donors
    if terms.kind == "short":
        return donors.none()
    if terms.kind == "name":
        assert terms.name is not None
        return donors.filter(name_q(terms.name))
    return donors.filter(_identifier_q(terms))


def export_rows(user, text: str | None, *, within: Unit | None, limit: int = 100_000):
    """Every donor of a search (or of the whole list when ``text`` is empty) for a download."""
    terms = matching.parse_search(text)
    base = donors_for(user, within=within).select_related("registered_unit", "merged_into").defer("nik", "npwp")
    if terms.kind == "empty":
        return base.filter(merged_into__isnull=True).order_by("name_key", "pk")[:limit].iterator(chunk_size=2000)
    page = _search(_scope_parts(user, "donors.view", within), text, limit=MAX_CAP - 1, offset=0)
    return iter(page.rows)


# --- one donor's giving --------------------------------------------------------------------------------


def donations_of(donor: Donor) -> QuerySet:
    """Every donation of the donor across the institution, newest first, with what a list shows."""
    return giving().donations_of(donor)


def fund_labels() -> dict[str, Any]:
    return giving().fund_labels()


def kind_labels() -> dict[str, Any]:
    return giving().kind_labels()


def donor_totals(donor: Donor) -> Totals:
    """What the donor gave (void donations left out), per year and fund."""
    return giving().totals(donor)


def donation_years(donor: Donor) -> list[int]:
    return giving().years(donor)


def donor_statement(donor: Donor, year: int) -> Statement:
    """The yearly statement (rekap tahunan Bukti Setor Zakat): every receipt of the year, void ones
    listed as void and counted in no total, and the totals per fund."""
    return giving().statement(donor, year)


def donors_visible_to(user) -> QuerySet[Donor]:
    """The API's scope: donors registered in the user's ``donors.view`` units, or who gave a donation in
    their ``collection.view`` units."""
    return Donor.objects.filter(
        subtree_q(user, "donors.view", "registered_unit") | giving().gave_where(user, "collection.view")
    )


def donors_listed(
    user, text: str | None, *, registered_within: Unit | None = None, kind: str | None = None, include_merged=False
) -> QuerySet[Donor]:
    """The API's list: ``donors_visible_to`` narrowed to those registered in ``registered_within``'s
    subtree, of ``kind``, without merged donors unless asked, and found by ``text`` (``search_filter``),
    in name order."""
    donors = donors_visible_to(user)
    if registered_within is not None:
        donors = donors.filter(registered_unit__path__startswith=registered_within.path)
    if kind:
        donors = donors.filter(kind=kind)
    if not include_merged:
        donors = donors.filter(merged_into__isnull=True)
    return search_filter(donors, text).order_by("full_name", "id")


def donor_visible_to(user, donor_id) -> Donor:
    """One donor of ``donors_visible_to``; 404 otherwise (no hint that it exists)."""
    donor = donors_visible_to(user).select_related("registered_unit").filter(pk=donor_id).first()
    if donor is None:
        raise Http404
    return donor


def merged_into_chain_end(donor: Donor) -> Donor:
    """The donor a merged donor now lives on as (merges are kept one hop deep by ``donor_merge``)."""
    seen = {donor.pk}
    while donor.merged_into_id is not None and donor.merged_into_id not in seen:
        seen.add(donor.merged_into_id)
        donor = Donor.objects.select_related("merged_into").get(pk=donor.merged_into_id)
    return donor


def merged_from(donor: Donor) -> QuerySet[Donor]:
    return Donor.objects.filter(merged_into=donor).order_by("number")
