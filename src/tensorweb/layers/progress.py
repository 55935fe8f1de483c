"""A Keras 3-style progress bar on stdout:

    8/8 ━━━━━━━━━━━━━━━━━━━━ 0s 3ms/step - accuracy: 0.9000 - loss: 0.3000

verbose=1 redraws one line with '\\r' as batches finish (throttled to `interval` seconds, the last update
always drawn); verbose=2 prints one line per epoch ('8/8 - 0s - 3ms/step - loss: 0.3000'). Keras' colours
(ANSI codes) are written only when stdout is a terminal.
"""
from __future__ import annotations

import math
import sys
import time
from typing import Any, Sequence

__all__ = ["Progbar"]


def _format_time(time_per_unit: float, unit_name: str) -> str:
    if time_per_unit >= 1 or time_per_unit == 0:
        return f" {time_per_unit:.0f}s/{unit_name}"
    if time_per_unit >= 1e-3:
        return f" {time_per_unit * 1000.0:.0f}ms/{unit_name}"
    return f" {time_per_unit * 1000000.0:.0f}us/{unit_name}"


def _format_value(v: Any) -> str:
    try:
        avg = float(v)
    except (TypeError, ValueError):
        return f" {v}"
    return f" {avg:.4f}" if abs(avg) > 1e-3 else f" {avg:.4e}"


class Progbar:
    """Displays progress towards `target` steps (None: unknown)."""

    def __init__(self, target: int | None, width: int = 20, verbose: int = 1, interval: float = 0.05,
                 unit_name: str = "step", stream: Any = None) -> None:
        self.target, self.width, self.verbose = target, width, verbose
        self.interval, self.unit_name = interval, unit_name
        self.stream = stream
        self._values: dict[str, Any] = {}
        self._values_order: list[str] = []
        self._start = time.time()
        self._last_update = 0.0
        self._prev_total_width = 0
        self._seen_so_far = 0
        self._time_at_epoch_start = self._start
        self._time_after_first_step: float | None = None

    def _out(self) -> Any:
        return self.stream if self.stream is not None else sys.stdout

    def _colour(self) -> bool:
        out = self._out()
        return bool(getattr(out, "isatty", lambda: False)())

    def _step_duration(self, current: int, now: float) -> float:
        if current:
            if self._time_after_first_step is not None and current > 1:
                return (now - self._time_after_first_step) / (current - 1)
            return (now - self._time_at_epoch_start) / current
        return 0.0

    def update(self, current: int, values: Sequence[tuple[str, Any]] | None = None,
               finalize: bool | None = None) -> None:
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for k, v in values or []:
            if k not in self._values_order:
                self._values_order.append(k)
            self._values[k] = v
        self._seen_so_far = current
        now = time.time()
        if current == 1 and self._time_after_first_step is None:
            self._time_after_first_step = now
        time_per_unit = self._step_duration(current, now)
        out = self._out()
        if self.verbose == 1:
            if not finalize and (now - self._last_update < self.interval or not self._colour()):
                return  # redraws only on a terminal; a pipe or file gets each epoch's final line
            colour = self._colour()

            def bold(s: str) -> str:
                return f"\x1b[1m{s}\x1b[0m" if colour else s
            message = "\r"
            if self.target is not None and self.target > 0:
                numdigits = int(math.log10(self.target)) + 1
                bar = bold(f"%{numdigits}d/%d" % (current, self.target)) + " "
                plain = len(f"%{numdigits}d/%d" % (current, self.target)) + 1
                prog_width = int(self.width * min(float(current) / self.target, 1.0))
                done, rest = "━" * prog_width, "━" * (self.width - prog_width)
                bar += (f"\x1b[32m{done}\x1b[0m\x1b[37m{rest}\x1b[0m" if colour else done + rest)
                plain += self.width
            else:
                bar = "%7d/Unknown" % current
                plain = len(bar)
            if self.target is not None and self.target > 0 and not finalize:
                eta = time_per_unit * (self.target - current)
                if eta > 3600:
                    eta_format = "%d:%02d:%02d" % (eta // 3600, (eta % 3600) // 60, eta % 60)
                elif eta > 60:
                    eta_format = "%d:%02d" % (eta // 60, eta % 60)
                else:
                    eta_format = "%ds" % eta
            else:
                eta_format = f"{now - self._start:.0f}s"
            info_plain = f" {eta_format}" + _format_time(time_per_unit, self.unit_name)
            info = f" {bold(eta_format)}" + _format_time(time_per_unit, self.unit_name)
            for k in self._values_order:
                piece = f" - {k}:" + _format_value(self._values[k])
                info += piece
                info_plain += piece
            total_width = plain + len(info_plain)
            message += bar + info
            if self._prev_total_width > total_width:
                message += " " * (self._prev_total_width - total_width)
            if finalize:
                message += "\n"
            out.write(message)
            out.flush()
            self._prev_total_width = total_width
        elif self.verbose == 2:
            if finalize and self.target is not None and self.target > 0:
                numdigits = int(math.log10(self.target)) + 1
                info = f"%{numdigits}d/%d" % (current, self.target) + f" - {now - self._start:.0f}s"
                info += " -" + _format_time(time_per_unit, self.unit_name)
                for k in self._values_order:
                    info += f" - {k}:" + _format_value(self._values[k])
                out.write(info + "\n")
                out.flush()
        self._last_update = now

    def add(self, n: int, values: Sequence[tuple[str, Any]] | None = None) -> None:
        self.update(self._seen_so_far + n, values)
