"""Indonesia's administrative areas with the Ministry of Home Affairs (Kemendagri) codes.

One table for the four levels: a province ("33"), a regency or city ("33.18"), a district
(kecamatan, "33.18.01") and a village (desa/kelurahan, "33.18.01.2001"). The code is the key, so
an address stores the official code itself and a NIK's first six digits are a district's code
without its dots. Loaded from the vendored public dataset (``regions/data``) on ``migrate``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    REGENCY = 2, _("Regency/city")
    DISTRICT = 3, _("District (kecamatan)")
    VILLAGE = 4, _("Village (kelurahan/desa)")


class Area(models.Model):
    code = models.CharField(_("code"), max_length=13, primary_key=True)
    # Kept whole by the loader from one file; no database constraint or index of its own (the
    # (parent, name) index serves the look-ups), so 90,000 rows load in a second or two.
    parent = models.ForeignKey(
        "self",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
        db_constraint=False,
        db_index=False,
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    name = models.CharField(_("name"), max_length=100)
    # The name without its kind ("Kabupaten", "Kota", "Desa"), folded: what typed names are matched on.
    name_key = models.CharField(max_length=100, editable=False)

    class Meta:
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["parent", "name"], name="regions_area_parent_name"),
            models.Index(fields=["level", "name_key"], name="regions_area_level_key"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def digits(self) -> str:
        """The code without dots, as in a NIK ("331801")."""
        return self.code.replace(".", "")
