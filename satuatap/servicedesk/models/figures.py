"""The figures' weekly rollup: the ticket figures of a finished ISO week of a unit and its subtree
(counts, waiting and service time medians and p90s, within the standard), kept once the week is over
so the Friday evaluation need not sort the eight weeks before again. Exact: the same aggregate as on
the tickets (``figures.selectors``), written on first read of a finished week (a finished week's
tickets no longer change). Requests and appointments are not kept here (an open request may still
become overdue): they are counted from their rows each time."""

from django.db import models

from satuatap.organizations.models import Unit


class WeekFigures(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()  # its Monday
    taken = models.PositiveIntegerField(default=0)
    served = models.PositiveIntegerField(default=0)
    no_show = models.PositiveIntegerField(default=0)
    # Seconds.
    wait_median = models.FloatField(null=True)
    wait_p90 = models.FloatField(null=True)
    service_median = models.FloatField(null=True)
    service_p90 = models.FloatField(null=True)
    within = models.PositiveIntegerField(default=0)
    with_standard = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "week"], name="week_figures_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.week}"
