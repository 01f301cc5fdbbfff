"""A progress bar for the generators, with nothing to install.

On a terminal it redraws one line (``\\r``) at most five times a second::

    journal  [###########.............]  46%   4,600,000 / 10,000,000 lines  61s, about 71s left

Elsewhere (``make bench`` piped to a log, CI) it prints a line at every tenth instead.
"""

import sys
import time


class Progress:
    def __init__(self, total: int, what: str, *, unit: str = "rows", stream=None, width: int = 24):
        self.total, self.what, self.unit, self.width = max(int(total), 1), what, unit, width
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.done = 0
        self.started = self.drawn_at = time.monotonic()
        self.next_tenth = 1

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def advance(self, count: int = 1) -> None:
        self.update(self.done + count)

    def update(self, done: int) -> None:
        self.done = min(int(done), self.total)
        now = time.monotonic()
        if self.tty:
            if now - self.drawn_at >= 0.2 or self.done == self.total:
                self.drawn_at = now
                self.stream.write("\r" + self.line(now))
                self.stream.flush()
        elif self.done * 10 >= self.next_tenth * self.total:
            self.next_tenth = self.done * 10 // self.total + 1
            self.stream.write(self.line(now) + "\n")
            self.stream.flush()

    def line(self, now: float | None = None) -> str:
        now = time.monotonic() if now is None else now
        share = self.done / self.total
        filled = int(share * self.width)
        elapsed = now - self.started
        left = f", about {elapsed / share - elapsed:.0f}s left" if 0 < share < 1 else ""
        return (
            f"{self.what:<12} [{'#' * filled}{'.' * (self.width - filled)}] {share:4.0%} "
            f"{self.done:>12,} / {self.total:,} {self.unit}  {elapsed:.0f}s{left}"
        )

    def close(self) -> None:
        if self.tty:
            self.stream.write("\r" + self.line() + "\n")
            self.stream.flush()
