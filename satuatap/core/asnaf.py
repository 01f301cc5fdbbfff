"""The eight groups entitled to zakat, one vocabulary for the registry (a person's asnaf) and the
ledger (the distribution account of each asnaf)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Asnaf(models.TextChoices):
    """The eight groups entitled to zakat (QS At-Taubah 60)."""

    FAKIR = "fakir", _("Fakir (destitute)")
    MISKIN = "miskin", _("Miskin (poor)")
    AMIL = "amil", _("Amil (zakat worker)")
    MUALAF = "mualaf", _("Mualaf (new to Islam)")
    RIQAB = "riqab", _("Riqab (in bondage)")
    GHARIMIN = "gharimin", _("Gharimin (in debt)")
    FISABILILLAH = "fisabilillah", _("Fisabilillah (in God's cause)")
    IBNU_SABIL = "ibnu_sabil", _("Ibnu sabil (stranded traveller)")
