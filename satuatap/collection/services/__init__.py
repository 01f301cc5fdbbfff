"""Every write of collection. Import services from here.

Donations: ``donation_record``, ``donation_void``, ``DonationLineSpec``, ``purpose_refusal`` (why a unit may
not receive restricted infak for a program).
Preparing a donation, the one recipe of ``donation_record`` and the import (``preparation``): the checks
(``donation_fields_check``, ``donation_fields_clean`` and its parts ``header_problems``, ``money_account``,
``lines_clean``, ``journal_lines``), ``donation_fingerprint``, ``entry_memo``, ``receipt_number`` (and
``receipt_number_take``).
Settings: ``fitrah_rate_set``, ``accepted_kinds_set``, ``collection_settings_set``,
``campaign_save``. Rates and numbers: ``fitrah_rate_for``, ``hijri_year``.
Receipts: rendering (``receipt_context``, ``receipt_pdf``), printing (``receipt_print``, logged) and sending
(``receipt_send_email``, ``receipt_send_whatsapp``).
"""

from satuatap.collection.services.donations import donation_record, donation_void, key_conflict_message
from satuatap.collection.services.preparation import (
    MAX_BACKDATE_DAYS,
    MAX_GOODS_QUANTITY,
    MAX_ID,
    MAX_LINES,
    DonationLineSpec,
    donation_fields_check,
    donation_fields_clean,
    donation_fingerprint,
    entry_memo,
    header_problems,
    journal_lines,
    lines_clean,
    money_account,
    purpose_refusal,
    receipt_number,
    receipt_number_take,
    unit_today,
)
from satuatap.collection.services.receipts import (
    may_print,
    qr_data_uri,
    qr_svg,
    receipt_context,
    receipt_filename,
    receipt_institution,
    receipt_pdf,
    receipt_print,
    receipt_print_log,
    receipt_rendering_warm_up,
    receipt_send_email,
    receipt_send_whatsapp,
    verify_path,
    verify_throttled,
    verify_url,
)
from satuatap.collection.services.setup import (
    accepted_kinds,
    accepted_kinds_set,
    campaign_code_refusal,
    campaign_save,
    collection_settings,
    collection_settings_set,
    fitrah_rate_for,
    fitrah_rate_set,
    hijri_year,
)

__all__ = [
    "MAX_BACKDATE_DAYS",
    "MAX_GOODS_QUANTITY",
    "MAX_ID",
    "MAX_LINES",
    "DonationLineSpec",
    "accepted_kinds",
    "accepted_kinds_set",
    "campaign_code_refusal",
    "campaign_save",
    "collection_settings",
    "collection_settings_set",
    "donation_fields_check",
    "donation_fields_clean",
    "donation_fingerprint",
    "donation_record",
    "donation_void",
    "entry_memo",
    "fitrah_rate_for",
    "fitrah_rate_set",
    "header_problems",
    "hijri_year",
    "journal_lines",
    "key_conflict_message",
    "lines_clean",
    "may_print",
    "money_account",
    "purpose_refusal",
    "qr_data_uri",
    "qr_svg",
    "receipt_context",
    "receipt_filename",
    "receipt_institution",
    "receipt_number",
    "receipt_number_take",
    "receipt_pdf",
    "receipt_print",
    "receipt_print_log",
    "receipt_rendering_warm_up",
    "receipt_send_email",
    "receipt_send_whatsapp",
    "unit_today",
    "verify_path",
    "verify_throttled",
    "verify_url",
]
