"""The one address picker every address form uses: province → regency/city → district → village.

``RegionField`` cleans to an official code ("33.18.01.2001", or a shorter one when the address is
known only down to the regency) or "" for none. ``RegionWidget`` renders four selects; choosing
one asks ``/wilayah/pilih/`` (htmx) for the picker again with the next level's options. Without
JavaScript the code can be typed in a text box instead.
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from satuatap.regions import selectors
from satuatap.regions.models import Level

LEVELS = (
    ("province", Level.PROVINCE, _("province")),
    ("regency", Level.REGENCY, _("regency/city")),
    ("district", Level.DISTRICT, _("district (kecamatan)")),
    ("village", Level.VILLAGE, _("village (kelurahan/desa)")),
)


class RegionWidget(forms.Widget):
    template_name = "regions/region_picker.html"

    def value_from_datadict(self, data, files, name):
        """The deepest level chosen whose code lies under the level above (a stale lower choice, left
        from before the upper one changed, is dropped); else the typed code."""
        chosen = ""
        for suffix, _level, _label in LEVELS:
            code = selectors.normalise_code(data.get(f"{name}_{suffix}"))
            if not code:
                break
            if chosen and not code.startswith(chosen + "."):
                break
            chosen = code
        return chosen or (data.get(f"{name}_code") or data.get(name) or "").strip()

    def value_omitted_from_data(self, data, files, name):
        return not any(key == name or key.startswith(f"{name}_") for key in data)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        area = selectors.area(value) if value else None
        codes = [a.code for a in selectors.chain(area.code)] if area else []
        levels, parent = [], None
        for depth, (suffix, _level, label) in enumerate(LEVELS):
            options = list(selectors.children(parent).values_list("code", "name")) if depth == 0 or parent else []
            selected = codes[depth] if depth < len(codes) else ""
            levels.append(
                {
                    "name": f"{name}_{suffix}",
                    "id": context["widget"]["attrs"].get("id", f"id_{name}") + ("" if depth == 0 else f"_{suffix}"),
                    "label": label,
                    "options": options,
                    "selected": selected,
                    "disabled": depth > 0 and not parent,
                }
            )
            parent = selected or None
        context["widget"].update(
            {
                "levels": levels,
                "code": area.code if area else (value or ""),
                "url": reverse("regions:pick") + f"?name={name}",
                "unknown": bool(value) and area is None,
                "describedby": context["widget"]["attrs"].get("aria-describedby", ""),
                "invalid": context["widget"]["attrs"].get("aria-invalid", ""),
            }
        )
        return context


class RegionField(forms.CharField):
    """An official area code picked with ``RegionWidget``; "" when none was picked."""

    widget = RegionWidget
    default_error_messages = {
        "unknown": _("There is no area with the code %(code)s; choose the region from the lists."),
        "too_coarse": _("Choose the region down to the %(level)s."),
    }

    def __init__(self, *, min_level: int | None = None, **kwargs):
        self.min_level = min_level
        kwargs.setdefault("label", _("Region"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault(
            "help_text", _("Choose the province, then the regency/city, district and village (kelurahan/desa).")
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return ""
        area = selectors.area(value)
        if area is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"code": value})
        if self.min_level and area.level < self.min_level:
            label = dict((lv, lb) for _s, lv, lb in LEVELS)[self.min_level]
            raise forms.ValidationError(self.error_messages["too_coarse"], code="too_coarse", params={"level": label})
        return area.code
