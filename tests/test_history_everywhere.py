"""Every model of ours keeps field-level history, unless it is append-only by design."""

from django.apps import apps

# Rows that are never changed after they are written: their own table is the history.
APPEND_ONLY = {
    "audit.AuditEvent",
    "ledger.JournalLine",  # posted lines; corrections are reversing entries
    "ledger.AmilShareMark",  # marks a receipt whose amil share was taken
    "ledger.OpeningBalance",  # one per unit, written once
    "collection.DonationLine",  # a donation's lines never change; a void keeps them
    "collection.Receipt",  # number, year and token fixed at issue; voiding changes the donation
    "collection.ReceiptPrint",  # the log of prints and sendings
    "beneficiaries.StatusChange",  # a beneficiary's lifecycle, one row per step
    "distribution.ApplicationStep",  # an application's workflow, one row per step
    "distribution.StockMove",  # goods in and out; a mistake is corrected by another move
    "distribution.LoanRepayment",  # money received back, posted to the ledger
    "servicedesk.TicketEvent",  # a queue ticket's trail, one row per call, start, transfer, finish
    "servicedesk.RequestStep",  # a service request's way, one row per step
}
# Rollups recomputable from the journal lines, written in the same transaction as the lines.
# Sequence: the last number taken. LoanInstallment: its "paid" is the loan's repayments set against
# the installments oldest first.
DERIVED = {"ledger.LedgerBalance", "ledger.FundPosition", "core.Sequence", "distribution.LoanInstallment"}
# Reference data: Indonesia's administrative areas, loaded from the vendored public dataset.
DERIVED |= {"regions.Area"}
# A duplicate run's pairs are written once by the run; the one review decision is stamped on the
# row (who, when) and the merge or "not the same person" it makes is audited.
DERIVED |= {"beneficiaries.DedupPair"}
# A queue ticket changes only by its events (TicketEvent, written in the same transaction: who, when,
# at which counter), at 400 tickets a unit a day; LineDay is the last number given on a line.
DERIVED |= {"servicedesk.QueueTicket", "servicedesk.LineDay"}
# A finished week's desk figures, computed from the tickets on first read (the Friday evaluation).
DERIVED |= {"servicedesk.WeekFigures"}


def test_every_model_has_field_level_history_or_is_append_only():
    missing = []
    for model in apps.get_models():
        label = f"{model._meta.app_label}.{model.__name__}"
        if not model.__module__.startswith("satuatap.") or model.__name__.startswith("Historical"):
            continue
        if label in APPEND_ONLY or label in DERIVED or hasattr(model, "history"):
            continue
        missing.append(label)
    assert not missing, f"add simple_history HistoricalRecords (or list as append-only): {missing}"
