"""Model.summary: Keras 3's table, drawn with the same box characters, column widths and cell wrapping
(Keras draws it with the `rich` library; this reproduces rich's layout for that table in plain text).

    Model: "sequential"
    ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
    ┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
    ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
    │ dense (Dense)                        │ (None, 4)                   │              16 │
    └──────────────────────────────────────┴─────────────────────────────┴─────────────────┘
     Total params: 16 (64.00 B)
     ...
"""
from __future__ import annotations

import re
import shutil
from typing import Any, Callable

__all__ = ["summary", "summary_text"]


def _readable_size(n_bytes: float) -> str:
    for unit in ["B", "KB", "MB", "GB", "TB", "PB"]:
        if n_bytes / 1024 < 1:
            return f"{n_bytes:.2f} {unit}"
        n_bytes /= 1024
    return f"{n_bytes:.2f} PB"


def _count(variables: list) -> int:
    return int(sum(v.size for v in variables))


def _bytes(variables: list) -> int:
    seen = {id(v): v for v in variables}
    return int(sum(v.size * (4 if v.dtype in ("float32", "int32") else 1) for v in seen.values()))


def _ratio_reduce(total: int, widths: list[int]) -> list[int]:
    """rich's ratio_reduce with equal ratios: takes `total` cells off the columns, evenly."""
    ratios = [1 if w else 0 for w in widths]
    total_ratio = sum(ratios)
    if not total_ratio:
        return list(widths)
    remaining = total
    out = []
    for ratio, w in zip(ratios, widths):
        if ratio and total_ratio > 0:
            d = min(w, round(ratio * remaining / total_ratio))
            out.append(w - d)
            remaining -= d
            total_ratio -= ratio
        else:
            out.append(w)
    return out


def _wrap(text: str, width: int) -> list[str]:
    """rich's word wrapping (overflow 'ellipsis'): breaks at spaces, a word longer than the width gets its
    own line cut to width - 1 characters and '…'."""
    lines: list[str] = []
    for para in text.split("\n"):
        breaks = []
        offset = 0
        for m in re.finditer(r"\s*\S+\s*", para):
            start, word = m.start(), m.group(0)
            length = len(word.rstrip())
            if width - offset >= length:
                offset += len(word)
            else:
                if start:
                    breaks.append(start)
                offset = len(word)
        pieces = []
        prev = 0
        for b in breaks + [len(para)]:
            pieces.append(para[prev:b])
            prev = b
        for p in pieces:
            if len(p) > width:
                p = p.rstrip()
                if len(p) > width:
                    p = p[:width - 1] + "…"
            lines.append(p)
    return lines or [""]


def _fit(text: str, width: int, align: str) -> str:
    if align == "right":
        text = text.rstrip()
        return " " * (width - len(text)) + text
    return text + " " * (width - len(text))


def _format_shape(shape: Any) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ")"


def _output_shape_text(layer: Any) -> str:
    nodes = getattr(layer, "_inbound_nodes", [])
    if nodes:
        outs = nodes[-1].outputs
        if len(outs) == 1:
            return _format_shape(outs[0].shape)
        return "[" + ", ".join(_format_shape(o.shape) for o in outs) + "]"
    try:
        shape = layer.compute_output_shape(getattr(layer, "_build_input_shape", None))
    except Exception:  # noqa: BLE001 (Keras shows '?' when the shape cannot be told)
        return "?"
    return _format_shape(shape) if shape is not None else "?"


def _node_depths(model: Any) -> dict[int, int]:
    """Keras' node depths (outputs at 0, growing towards the inputs)."""
    depth: dict[int, int] = {}
    layer_depth: dict[int, int] = {}
    order = list(model._nodes)
    for node in reversed(order):
        d = max(depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = d
        depth[id(node)] = d
        for parent in node.parent_nodes:
            depth[id(parent)] = max(d + 1, depth.get(id(parent), 0))
    return depth


def summary_text(model: Any, line_length: int | None = None, positions: list[float] | None = None) -> str:
    """The summary as one string (ending with a newline)."""
    from .functional import InputLayer
    from .sequential import Sequential
    functional = getattr(model, "_functional", False) and not isinstance(model, Sequential)
    relevant: list = []
    if functional:
        layers = list(model._layers_list)
        relevant = list(model._nodes)
        depths = _node_depths(model)
        by_depth: dict[int, list] = {}
        for n in relevant:
            by_depth.setdefault(depths[id(n)], []).append(n)
        sequential_like = all(len(v) == 1 and len(v[0].input_tensors) <= 1 for v in by_depth.values())
        if sequential_like:
            for layer in layers:
                if sum(1 for n in layer._inbound_nodes if any(n is r for r in relevant)) > 1:
                    sequential_like = False
                    break
    else:
        layers = [l for l in model.layers if not isinstance(l, InputLayer)]
        sequential_like = True
    if sequential_like:
        default_length, positions = 88, positions or [0.45, 0.80, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
        align = ["left", "left", "right"]
    else:
        default_length, positions = 108, positions or [0.3, 0.56, 0.74, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        align = ["left", "left", "right", "left"]
    columns = shutil.get_terminal_size().columns
    line_length = line_length or min(default_length, columns - 4)
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    widths, current = [], 0
    for pos in positions:
        w = int(pos) - current
        if w < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(w)
        current += w
    table_width = min(line_length, columns)
    cells = [w + 2 for w in widths]
    excess = sum(cells) + len(cells) + 1 - table_width
    if excess > 0:
        cells = _ratio_reduce(excess, cells)
    inner = [c - 2 for c in cells]

    def connections(layer: Any) -> str:
        parts = []
        for node in layer._inbound_nodes:
            if relevant and not any(node is r for r in relevant):
                continue
            for t in node.input_tensors:
                src, node_index, tensor_index = t.history
                parts.append(f"{src.name}[{node_index}][{tensor_index}]")
        return ", ".join(parts) if parts else "-"

    rows = []
    for layer in layers:
        if not layer.built:
            params = "0 (unbuilt)"
        else:
            params = f"{layer.count_params():,}"
        fields = [f"{layer.name} ({type(layer).__name__})", _output_shape_text(layer), params]
        if not sequential_like:
            fields.append(connections(layer))
        rows.append(fields)

    def render_row(fields: list[str], left: str, mid: str, right: str) -> list[str]:
        wrapped = [_wrap(f, w) for f, w in zip(fields, inner)]
        height = max(len(w) for w in wrapped)
        out = []
        for i in range(height):
            parts = [" " + _fit(w[i] if i < len(w) else "", iw, a) + " "
                     for w, iw, a in zip(wrapped, inner, align)]
            out.append(left + mid.join(parts) + right)
        return out

    def rule(left: str, fill: str, mid: str, right: str) -> str:
        return left + mid.join(fill * c for c in cells) + right

    lines = [f'Model: "{model.name}"', rule("┏", "━", "┳", "┓")]
    lines += render_row(header, "┃", "┃", "┃")
    lines.append(rule("┡", "━", "╇", "┩"))
    for i, r in enumerate(rows):
        if i:
            lines.append(rule("├", "─", "┼", "┤"))
        lines += render_row(r, "│", "│", "│")
    lines.append(rule("└", "─", "┴", "┘"))
    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    n_t, n_nt = _count(trainable), _count(non_trainable)
    b_t, b_nt = _bytes(trainable), _bytes(non_trainable)
    opt = getattr(model, "optimizer", None)
    opt_count = opt_bytes = 0
    opt_built = False
    if getattr(model, "compiled", False) and opt is not None and getattr(opt, "_slots", None):
        # Keras counts its optimizer's variables: the slots, plus the iteration count and learning rate
        slot_vars = [s.variable for group in opt._slots.values() for s in group]
        opt_count = _count(slot_vars) + 2
        opt_bytes = _bytes(slot_vars) + 8
        opt_built = True
    lines.append(f" Total params: {n_t + n_nt + opt_count:,} ({_readable_size(b_t + b_nt + opt_bytes)})")
    lines.append(f" Trainable params: {n_t:,} ({_readable_size(b_t)})")
    lines.append(f" Non-trainable params: {n_nt:,} ({_readable_size(b_nt)})")
    if opt_built:
        lines.append(f" Optimizer params: {opt_count:,} ({_readable_size(opt_bytes)})")
    return "\n".join(lines) + "\n"


def summary(model: Any, line_length: int | None = None, positions: list[float] | None = None,
            print_fn: Callable[[str], Any] | None = None) -> None:
    """Prints the summary (or passes the whole text, once, to print_fn, as Keras 3 does)."""
    text = summary_text(model, line_length, positions)
    if print_fn is None:
        print(text, end="")
    else:
        print_fn(text)
