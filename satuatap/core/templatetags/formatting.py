from django import template

from satuatap.core import formatting

register = template.Library()


@register.filter
def rupiah(value):
    return formatting.rupiah(value)


@register.filter
def tanggal(value):
    return formatting.tanggal(value)


@register.filter
def tanggal_jam(value, unit=None):
    """A moment with its time; ``|tanggal_jam:unit`` shows it in that unit's time zone."""
    return formatting.format_datetime(value, unit)


@register.filter
def percent(value, decimals=None):
    """12.5 -> '12,5%' ('12.5%' in English); ``|percent:0`` rounds to whole percent."""
    return formatting.format_percent(value, None if decimals in (None, "") else int(decimals))


@register.filter
def fraction_percent(value):
    """A share between 0 and 1 as a whole percentage: 0.87 -> '87%'."""
    return formatting.format_fraction(value)


@register.simple_tag
def widget(field):
    """Render a bound field's widget with the Bootstrap class its type needs."""
    input_type = getattr(field.field.widget, "input_type", "")
    if input_type == "checkbox":
        css = "form-check-input"
    elif input_type == "select" or field.field.widget.__class__.__name__.endswith("Select"):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": css}
    if field.errors:
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    if field.help_text:
        attrs.setdefault("aria-describedby", f"{field.auto_id}_help")
    return field.as_widget(attrs=attrs)


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (labels of choices, figures per fund)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def basis_points(value):
    """1250 -> '12,5%' (or '12.5%' in English): a rate kept in basis points."""
    return formatting.format_basis_points(value)
