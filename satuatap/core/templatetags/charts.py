"""``{% chart spec %}`` (a ``core.charts.Chart``) or ``{% chart kind title labels datasets %}``."""

import itertools

from django import template

from satuatap.core.charts import Chart
from satuatap.core.charts import chart as make_chart

register = template.Library()
_ids = itertools.count(1)


@register.inclusion_tag("core/_chart.html")
def chart(spec, title=None, labels=None, datasets=None, **options):
    if not isinstance(spec, Chart):
        spec = make_chart(spec, title, labels or [], datasets or [], **options)
    # One id per chart drawn in this process: unique within any page.
    return {"chart": spec, "chart_id": f"sa-chart-{next(_ids)}", "config": spec.config()}
