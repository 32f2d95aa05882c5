"""wandb-compatible views written into ``run.dir`` at finish: ``config.yaml`` (every value
wrapped as ``{value: v}``, R4.10) and ``wandb-summary.json`` (the final summary, R5.1).

The YAML is emitted here rather than through PyYAML, whose import alone costs more than the
whole of ``finish``: block mappings and sequences, scalars as JSON (a JSON string is a valid
YAML double-quoted scalar), non-finite floats as ``.nan``/``.inf``. These files are views;
the run file stays the source of truth, so a failure here only warns.
"""

from __future__ import annotations

import json
import math
import os
import re
import warnings
from typing import Any

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _key(k: Any) -> str:
    k = str(k)
    if _PLAIN_KEY.fullmatch(k) and k.lower() not in _YAML_WORDS:
        return k
    return json.dumps(k, ensure_ascii=False)


def _scalar(v: Any) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float):
        if math.isnan(v):
            return ".nan"
        if math.isinf(v):
            return ".inf" if v > 0 else "-.inf"
        r = repr(v)
        # PyYAML (YAML 1.1) reads a float only with a '.': 1e-05 must be written 1.0e-05
        return r.replace("e", ".0e", 1) if "e" in r and "." not in r else r
    if isinstance(v, int):
        return str(int(v))
    return json.dumps(str(v), ensure_ascii=False)


def _emit(v: Any, indent: int, out: list[str]) -> None:
    """Append the block-style lines of a mapping or sequence ``v`` at ``indent`` spaces."""
    pad = " " * indent
    if isinstance(v, dict):
        for k, x in v.items():
            key = _key(k)
            if isinstance(x, (dict, list)) and x:
                out.append(f"{pad}{key}:")
                _emit(x, indent + 2, out)
            else:
                out.append(f"{pad}{key}: {_inline(x)}")
    else:
        for x in v:
            if isinstance(x, (dict, list)) and x:
                out.append(f"{pad}-")
                _emit(x, indent + 2, out)
            else:
                out.append(f"{pad}- {_inline(x)}")


def _inline(v: Any) -> str:
    if isinstance(v, dict):
        return "{}"
    if isinstance(v, list):
        return "[]"
    return _scalar(v)


def to_yaml(d: dict) -> str:
    """Block-style YAML for a dict of plain values (what ``yaml.safe_load`` reads back)."""
    out: list[str] = []
    _emit(d, 0, out)
    return "\n".join(out) + "\n" if out else "{}\n"


def jsonable(v: Any) -> Any:
    """Non-finite floats become the strings wandb writes ("NaN", "Infinity", "-Infinity")."""
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    return v


def write(run_dir: str, config: dict, final_summary: dict) -> None:
    """Write ``config.yaml`` and ``wandb-summary.json`` into ``run_dir``; warn on failure."""
    try:
        os.makedirs(run_dir, exist_ok=True)
        with open(os.path.join(run_dir, "wandb-summary.json"), "w") as f:
            json.dump(jsonable(final_summary), f)
        cfg = {k: {"value": v} for k, v in config.items() if not hasattr(v, "_cairn_artifact")}
        with open(os.path.join(run_dir, "config.yaml"), "w") as f:
            f.write(to_yaml(cfg))
    except Exception as e:  # a view failing must never fail the user's program
        warnings.warn(f"cairn: could not write config.yaml/wandb-summary.json: {e!r}", stacklevel=2)
