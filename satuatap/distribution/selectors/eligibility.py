"""Whether a person may be helped by a program now: eligibility and the program's fair-share rules."""

from datetime import date, timedelta
from types import SimpleNamespace
from typing import cast

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.beneficiaries.models import AidRecord, Beneficiary, DocumentKind, Status
from satuatap.core.formatting import rupiah, tanggal
from satuatap.distribution.models import (
    Application,
    Program,
)
from satuatap.ledger.models import FundKind

# Statuses a person must have to be helped.
HELPABLE = (Status.VERIFIED, Status.ACTIVE)


def eligibility_problems(application: Application | SimpleNamespace) -> list[str]:
    """Why the person may not be helped under this program, if anything."""
    person, program = application.beneficiary, application.program
    problems = []
    if person.is_held:
        problems.append(
            _("%(name)s may be the same person as %(other)s: someone must review the possible duplicate first.")
            % {"name": person.full_name, "other": cast(Beneficiary, person.possible_duplicate_of).number}
        )
    if person.status not in HELPABLE:
        problems.append(
            _("%(name)s is %(status)s; only verified or active beneficiaries are helped.")
            % {"name": person.full_name, "status": person.get_status_display().lower()}
        )
    if program.fund_kind == FundKind.ZAKAT and person.asnaf not in program.asnaf:
        problems.append(
            _("Zakat of this program goes only to %(asnaf)s; %(name)s is %(theirs)s.")
            % {
                "asnaf": ", ".join(program.asnaf_labels()),
                "name": person.full_name,
                "theirs": person.get_asnaf_display() or _("not classified"),
            }
        )
    if program.regions and not lives_in(person, program.regions):
        problems.append(
            _("The program serves %(regions)s; %(name)s lives in %(where)s.")
            % {
                "regions": ", ".join(program.regions),
                "name": person.full_name,
                "where": ", ".join(p for p in (person.district, person.regency, person.province) if p)
                or _("an unknown place"),
            }
        )
    missing = missing_documents(person, program)
    if missing:
        problems.append(
            _("Documents still missing for this program: %(documents)s.") % {"documents": ", ".join(missing)}
        )
    if program.min_score is not None:
        assessment = application.assessment if application.assessment_id else None
        score = assessment.score if assessment is not None else None
        if score is None or score < program.min_score:
            problems.append(
                _("The program needs a need score of at least %(min)s; this application's is %(score)s.")
                % {"min": program.min_score, "score": "—" if score is None else score}
            )
    return problems


def _place(name: str) -> str:
    """A region's name without its kind, in lower case: "Kota Surakarta" and "SURAKARTA" match."""
    words = name.lower().replace(".", " ").split()
    while words and words[0] in ("kota", "kabupaten", "kab", "provinsi", "prov", "kecamatan", "kec"):
        words = words[1:]
    return " ".join(words)


def lives_in(person, regions: list[str]) -> bool:
    """Whether the person's address lies in one of the named provinces, regencies/cities or districts."""
    places = {_place(p) for p in (person.province, person.regency, person.district) if p}
    return any(_place(region) in places for region in regions)


def missing_documents(person, program: Program) -> list[str]:
    """The labels of the program's required documents the person has none of in the registry."""
    if not program.required_documents:
        return []
    held = set(person.documents.values_list("kind", flat=True))
    return [str(DocumentKind(kind).label) for kind in program.required_documents if kind not in held]


def fair_share_warnings(application: Application, amount: int, on: date | None = None) -> list[str]:
    """What the program's fair-share rules say about helping this person now, read from the aid
    history of the whole institution (the person's and their household's)."""
    on = on or timezone.localdate()
    person, program = application.beneficiary, application.program
    warnings = []
    if program.once_per_months:
        since = on - timedelta(days=round(program.once_per_months * 30.44))
        earlier = AidRecord.objects.filter(
            beneficiary=person, source__startswith=f"program:{program.pk}:", given_on__gte=since
        ).order_by("-given_on")
        last = earlier.first()
        if last is not None:
            warnings.append(
                _("%(name)s was already helped by this program on %(date)s; the rule is once in %(months)s months.")
                % {"name": person.full_name, "date": tanggal(last.given_on), "months": program.once_per_months}
            )
    if program.household_yearly_cap:
        year_ago = on - timedelta(days=365)
        scope = {"household_id": person.household_id} if person.household_id else {"beneficiary": person}
        received = (
            AidRecord.objects.filter(given_on__gte=year_ago, **scope).aggregate(total=Sum("amount"))["total"] or 0
        )
        if received + amount > program.household_yearly_cap:
            warnings.append(
                _(
                    "The household received %(received)s in the last 12 months; "
                    "with %(amount)s it passes the cap of %(cap)s."
                )
                % {
                    "received": rupiah(received),
                    "amount": rupiah(amount),
                    "cap": rupiah(program.household_yearly_cap),
                }
            )
    return warnings
