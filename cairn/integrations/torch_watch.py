"""``run.watch`` / ``run.unwatch`` for PyTorch models (wandb-semantics R8.13).

Hooks log 64-bin histograms, with ``commit=False`` so they join the next committed row:

* parameters: a forward hook on each watched module; every ``log_freq``-th forward pass logs
  ``parameters/<prefix><name>`` for every parameter;
* gradients: a tensor hook on each parameter that requires grad; every ``log_freq``-th
  backward pass through it logs ``gradients/<prefix><name>``.

A process-wide counter numbers watched models: the first gets no prefix, later ones (or one
passed ``idx > 0``) get ``graph_<i>`` glued to the parameter name (``gradients/graph_10.weight``
is parameter ``0.weight`` of model 1). Histograms are computed with torch on the tensor's own
device; only the 64 counts and 65 edges cross to the CPU. A hook never raises into training:
after ``finish`` it does nothing. torch is imported only when ``watch`` is called.
"""

from __future__ import annotations

import threading
from typing import Any

BINS = 64
_LOG_CHOICES = ("gradients", "parameters", "all", None)
_counter_lock = threading.Lock()
_next_graph = [0]


def histogram(t: Any, bins: int = BINS) -> dict | None:
    """``{"_type": "histogram", "values": counts, "bins": edges}`` of a tensor's finite values,
    or None when it has none."""
    import torch

    flat = t.detach().reshape(-1)
    if not flat.is_floating_point():
        flat = flat.float()
    flat = flat[torch.isfinite(flat)]
    if flat.numel() == 0:
        return None
    lo, hi = flat.min().item(), flat.max().item()
    if lo == hi:  # one value: a bin of width 1 centred on it, as a histogram needs a range
        lo, hi = lo - 0.5, hi + 0.5
    counts = torch.histc(flat.float(), bins=bins, min=lo, max=hi)
    edges = torch.linspace(lo, hi, bins + 1)
    return {"_type": "histogram", "values": [int(c) for c in counts.tolist()], "bins": edges.tolist()}


def _modules(models: Any) -> list:
    import torch

    ms = list(models) if isinstance(models, (list, tuple)) else [models]
    for m in ms:
        if not isinstance(m, torch.nn.Module):
            raise ValueError(f"Expected a pytorch model (torch.nn.Module). Received {type(m).__name__}")
    return ms


def watch(run: Any, models: Any, criterion: Any = None, log: str | None = "gradients", log_freq: int = 100,
          idx: int | None = None, log_graph: bool = False) -> None:
    """Register the hooks described in the module docstring on each model of ``models``.

    Raises ``ValueError`` for a non-Module, an unknown ``log`` value or a ``log_freq`` < 1.
    """
    if log not in _LOG_CHOICES:
        raise ValueError(f"log must be one of 'gradients', 'parameters', 'all', or None, got {log!r}")
    if not isinstance(log_freq, int) or log_freq < 1:
        raise ValueError(f"log_freq must be a positive integer, got {log_freq!r}")
    for model in _modules(models):
        if idx is None:
            with _counter_lock:
                i = _next_graph[0]
                _next_graph[0] += 1
        else:
            i = idx
        prefix = f"graph_{i}" if i > 0 else ""
        handles: list = []
        if log in ("parameters", "all"):
            handles.append(model.register_forward_hook(_param_hook(run, prefix, log_freq)))
        if log in ("gradients", "all"):
            for name, p in model.named_parameters():
                if p.requires_grad:
                    handles.append(p.register_hook(_grad_hook(run, f"gradients/{prefix}{name}", log_freq)))
        if log_graph:
            run.summary[f"graph_{i}"] = _graph(model)
        run._watchers.append((model, handles))


def _param_hook(run: Any, prefix: str, log_freq: int) -> Any:
    calls = [0]

    def hook(module: Any, inputs: Any, output: Any) -> None:
        if not module.training or run._finished:
            return
        calls[0] += 1
        if calls[0] % log_freq:
            return
        out = {}
        for name, p in module.named_parameters():
            h = histogram(p)
            if h is not None:
                out[f"parameters/{prefix}{name}"] = h
        if out:
            run.log(out, commit=False)

    return hook


def _grad_hook(run: Any, key: str, log_freq: int) -> Any:
    calls = [0]

    def hook(grad: Any) -> None:
        if run._finished:
            return
        calls[0] += 1
        if calls[0] % log_freq:
            return
        h = histogram(grad)
        if h is not None:
            run.log({key: h}, commit=False)

    return hook


def _graph(model: Any) -> dict:
    """A small description of the module tree, recorded in the summary for ``log_graph``."""
    nodes = [
        {"name": name or type(model).__name__, "class": type(m).__name__,
         "parameters": sum(p.numel() for p in m.parameters(recurse=False))}
        for name, m in model.named_modules()
    ]
    return {"_type": "graph", "format": "torch", "nodes": nodes}


def unwatch(run: Any, models: Any = None) -> None:
    """Remove the hooks of ``models`` (all watched models when None)."""
    targets = None if models is None else {id(m) for m in (models if isinstance(models, (list, tuple)) else [models])}
    keep = []
    for model, handles in run._watchers:
        if targets is None or id(model) in targets:
            for h in handles:
                h.remove()
        else:
            keep.append((model, handles))
    run._watchers[:] = keep
