"""The one chart component: a chart's data as plain Python, drawn by the vendored Chart.js.

A view or report builds a ``Chart`` (``chart(kind, title, labels, datasets)``) and a template
draws it with ``{% load charts %}{% chart spec %}``: a canvas that ``static/js/charts.js`` fills
from the data kept beside it in a ``json_script``, and always the same figures as a table in a
``<details>`` below it, so they can be read without the canvas (a screen reader, a printout, no
JavaScript). Money is whole rupiah and shows as ``Rp1.250.000`` on axes, tooltips and the table.
"""

from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import pgettext

KINDS = ("bar", "line", "doughnut", "pie")


@dataclass
class Dataset:
    label: str
    data: list[int | float | None]


@dataclass
class Chart:
    kind: str
    title: str
    labels: list[str]
    datasets: list[Dataset]
    money: bool = True
    stacked: bool = False
    horizontal: bool = False
    # What the table's first column is headed (the labels' kind: "Month", "Fund").
    label_heading: str = ""
    note: str = ""
    # A heading right above already says the title: keep it for screen readers only.
    title_hidden: bool = False
    options: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}")
        for dataset in self.datasets:
            if len(dataset.data) != len(self.labels):
                raise ValueError("a dataset needs one value per label")

    @property
    def is_empty(self) -> bool:
        return not self.labels or all(not value for d in self.datasets for value in d.data)

    @property
    def rows(self) -> list[tuple[str, list]]:
        """The table fallback: one row per label, one value per dataset."""
        return [(label, [d.data[i] for d in self.datasets]) for i, label in enumerate(self.labels)]

    def config(self) -> dict:
        """What charts.js reads (JSON): the data and the words it needs in the page's language."""
        return {
            "kind": self.kind,
            "title": str(self.title),
            "labels": [str(label) for label in self.labels],
            "datasets": [{"label": str(d.label), "data": list(d.data)} for d in self.datasets],
            "money": self.money,
            "stacked": self.stacked,
            "horizontal": self.horizontal,
            # Short scale words for axis ticks: Rp1,5 jt, Rp2 M.
            "units": [
                pgettext("short scale word after an amount", "k"),
                pgettext("short scale word after an amount", "m"),
                pgettext("short scale word after an amount", "bn"),
                pgettext("short scale word after an amount", "tn"),
            ],
            "decimal": formats.get_format("DECIMAL_SEPARATOR"),
        }


def chart(kind: str, title, labels, datasets, **options) -> Chart:
    """A chart of ``datasets`` (``[(label, values), ...]`` or ``Dataset``s) over ``labels``."""
    sets = [d if isinstance(d, Dataset) else Dataset(str(d[0]), list(d[1])) for d in datasets]
    return Chart(kind, title, [str(label) for label in labels], sets, **options)
