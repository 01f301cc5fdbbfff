"""Small bar and line charts drawn as SVG on the server, for the Friday PDF (WeasyPrint runs no
JavaScript, so Chart.js cannot draw there): the geometry here, the drawing in
``servicedesk/figures/_svg_chart.html``."""

from dataclasses import dataclass, field

from django.utils.formats import number_format

WIDTH, HEIGHT = 360, 150
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 10, 26


@dataclass
class SvgChart:
    title: str
    kind: str
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[dict] = field(default_factory=list)
    points: str = ""
    dots: list[dict] = field(default_factory=list)
    labels: list[dict] = field(default_factory=list)
    ticks: list[dict] = field(default_factory=list)
    baseline: float = 0
    suffix: str = ""
    label_y: float = HEIGHT - BOTTOM + 12
    left: float = LEFT
    right: float = WIDTH - RIGHT


def _nice_top(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000):
        if value <= step * 4:
            return step * 4
    return value


def svg_chart(kind: str, title: str, labels: list[str], values: list[float | None], *, top: float | None = None,
              suffix: str = "") -> SvgChart:  # fmt: skip
    """A ``bar`` or ``line`` chart of ``values`` over ``labels`` (``None``: no bar, a gap in the line)."""
    chart = SvgChart(str(title), kind, suffix=suffix)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    known = [v for v in values if v is not None]
    top = top or _nice_top(max(known, default=0))
    chart.baseline = TOP + plot_h
    for index in range(5):
        value = top * index / 4
        y = TOP + plot_h - plot_h * index / 4
        shown = number_format(value, 0 if value == int(value) else 1)
        chart.ticks.append({"y": round(y, 1), "text": shown, "text_y": round(y + 3, 1)})
    slot = plot_w / max(len(values), 1)
    line = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        center = LEFT + slot * index + slot / 2
        chart.labels.append({"x": round(center, 1), "text": label})
        if value is None:
            continue
        height = plot_h * min(value / top, 1) if top else 0
        y = TOP + plot_h - height
        shown = number_format(value, 0 if value == int(value) else 1)
        if kind == "bar":
            width = slot * 0.6
            chart.bars.append(
                {
                    "x": round(center - width / 2, 1),
                    "y": round(y, 1),
                    "w": round(width, 1),
                    "h": round(height, 1),
                    "cx": round(center, 1),
                    "ty": round(y - 2, 1),
                    "text": shown,
                }  # fmt: skip
            )
        else:
            line.append(f"{center:.1f},{y:.1f}")
            chart.dots.append({"x": round(center, 1), "y": round(y, 1), "ty": round(y - 4, 1), "text": shown})
    chart.points = " ".join(line)
    return chart
