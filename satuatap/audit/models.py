from collections.abc import Callable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    UNIT_CREATED = "unit.created", _("Unit created")
    UNIT_UPDATED = "unit.updated", _("Unit updated")
    UNIT_MOVED = "unit.moved", _("Unit moved")
    MEMBERSHIP_GRANTED = "membership.granted", _("Role granted")
    MEMBERSHIP_ENDED = "membership.ended", _("Role ended")
    API_TOKEN_CREATED = "api_token.created", _("API token created")
    API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")
    LEDGER_CHART_CREATED = "ledger.chart_created", _("Chart of accounts set up")
    LEDGER_ACCOUNT_CREATED = "ledger.account_created", _("Account added")
    LEDGER_ACCOUNT_UPDATED = "ledger.account_updated", _("Account changed")
    LEDGER_AMIL_RATE_SET = "ledger.amil_rate_set", _("Amil share rate set")
    LEDGER_PERIOD_CLOSED = "ledger.period_closed", _("Period closed")
    LEDGER_ENTRY_APPROVED = "ledger.entry_approved", _("Manual entry approved")
    LEDGER_ENTRY_DISCARDED = "ledger.entry_discarded", _("Manual entry discarded")
    LEDGER_ENTRY_REVERSED = "ledger.entry_reversed", _("Entry reversed")
    LEDGER_OPENING_IMPORTED = "ledger.opening_imported", _("Opening balances imported")
    DONOR_REGISTERED = "donor.registered", _("Donor registered")
    DONOR_UPDATED = "donor.updated", _("Donor changed")
    DONOR_MERGED = "donor.merged", _("Donors merged")
    DONOR_IDENTIFIERS_VIEWED = "donor.identifiers_viewed", _("Donor identifiers viewed")
    DONATION_RECORDED = "donation.recorded", _("Donation recorded")
    RECEIPT_VOIDED = "receipt.voided", _("Receipt voided")
    RECEIPT_PRINTED = "receipt.printed", _("Receipt printed")
    RECEIPT_SENT = "receipt.sent", _("Receipt sent")
    COLLECTION_CONFIGURED = "collection.configured", _("Collection settings changed")
    CAMPAIGN_SAVED = "campaign.saved", _("Campaign saved")
    IMPORT_COMMITTED = "import.committed", _("Import committed")
    IMPORT_CORRECTED = "import.corrected", _("Import cell corrected")
    BENEFICIARY_REGISTERED = "beneficiary.registered", _("Beneficiary registered")
    BENEFICIARY_UPDATED = "beneficiary.updated", _("Beneficiary changed")
    BENEFICIARY_STATUS = "beneficiary.status", _("Beneficiary status changed")
    BENEFICIARY_ASSESSED = "beneficiary.assessed", _("Beneficiary assessed")
    BENEFICIARY_MERGED = "beneficiary.merged", _("Beneficiaries merged")
    BENEFICIARY_NOT_DUPLICATE = "beneficiary.not_duplicate", _("Marked as not a duplicate")
    BENEFICIARY_IDENTIFIERS_VIEWED = "beneficiary.identifiers_viewed", _("Beneficiary identifiers viewed")
    BENEFICIARY_DOCUMENT_ADDED = "beneficiary.document_added", _("Beneficiary document added")
    BENEFICIARY_DOCUMENT_VIEWED = "beneficiary.document_viewed", _("Beneficiary document viewed")
    BENEFICIARY_CONSENT = "beneficiary.consent", _("Consent recorded")
    BENEFICIARY_EXPORTED = "beneficiary.exported", _("Personal data exported (data-subject request)")
    BENEFICIARY_ERASED = "beneficiary.erased", _("Personal data erased (data-subject request)")
    BENEFICIARY_AID = "beneficiary.aid", _("Aid recorded")
    NEEDS_STANDARD_SAVED = "beneficiary.standard_saved", _("Needs standard saved")
    DEDUP_RUN = "beneficiary.dedup_run", _("Registry deduplication run")
    PROGRAM_SAVED = "program.saved", _("Program saved")
    AUTHORITY_LIMIT_SET = "program.authority_limit", _("Authority limit set")
    APPLICATION_STEP = "application.step", _("Aid application step")
    DISBURSEMENT_PAID = "disbursement.paid", _("Disbursement paid")
    EVIDENCE_ADDED = "disbursement.evidence_added", _("Evidence of aid added")
    EVIDENCE_VIEWED = "disbursement.evidence_viewed", _("Evidence of aid viewed")
    PILLAR_SAVED = "program.pillar_saved", _("Pillar saved")
    STOCK_MOVED = "stock.moved", _("Goods stock moved")
    LOAN_REPAID = "loan.repaid", _("Loan repayment received")
    OFFICE_HOURS_SET = "unit.hours_set", _("Office hours set")
    CLOSURE_SAVED = "unit.closure_saved", _("Office closure saved")
    CLOSURE_REMOVED = "unit.closure_removed", _("Office closure removed")
    SERVICE_SAVED = "service.saved", _("Service saved")
    SERVICE_ADOPTED = "service.adopted", _("Service adopted from the parent unit")
    STANDARD_SAVED = "service.standard_saved", _("Service standard drafted")
    STANDARD_APPROVED = "service.standard_approved", _("Service standard approved")
    STANDARD_PUBLISHED = "service.standard_published", _("Service standard published")
    QUEUE_CONFIGURED = "queue.configured", _("Queue lines or counters changed")
    APPOINTMENT_CANCELLED = "appointment.cancelled", _("Appointment cancelled")
    SERVICE_REQUEST_CREATED = "service_request.created", _("Service request created")
    SERVICE_REQUEST_STEP = "service_request.step", _("Service request step")
    SERVICE_REQUEST_DOCUMENT_ADDED = "service_request.document_added", _("Service request document added")
    SERVICE_REQUEST_DOCUMENT_VIEWED = "service_request.document_viewed", _("Service request document viewed")
    TWO_FACTOR_RESET = "account.two_factor_reset", _("Two-factor authentication reset")
    PASSWORD_RESET_REQUESTED = "account.password_reset_requested", _("Password reset link sent")
    PASSWORD_RESET_BY_ADMIN = "account.password_reset_by_admin", _("Password reset by an administrator")
    PASSWORD_RESET = "account.password_reset", _("New password set with a reset link")


class AuditEvent(models.Model):
    """A typed record of an important action: who did what to which object, when, old and new values.

    Written in the same transaction as the change by ``audit.services.audit_record``;
    never updated or deleted.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=64, choices=AuditAction.choices)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(_("object"), max_length=300)
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    def change_rows(self) -> list[tuple[str, str, str]]:
        """(field label, old, new) in the reader's language: see ``audit.display`` for the rules.
        A list page computes them for all its events at once (``display.with_change_rows``)."""
        rows = getattr(self, "_change_rows", None)
        if rows is None:
            rows = self._change_rows = CHANGE_ROWS[0](self)
        return rows


# How an event's changes read: ``audit.display`` (which reads these models, not the other way round)
# puts its ``change_rows`` here when the app is ready.
CHANGE_ROWS: list[Callable[[AuditEvent], list[tuple[str, str, str]]]] = []
