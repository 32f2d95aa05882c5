"""Turning arrays and tensors into 8-bit pixel arrays with wandb's rules (R6.4).

NumPy arrays: trivial dimensions are squeezed; 2-D is ``L``, a last dimension of 3 is
``RGB`` and of 4 ``RGBA``; a channel-first ``(C,H,W)`` with C in 1/3/4 is moved to
channel-last. Values: if the minimum is below 0 the array is min-max normalised to [0,1];
then, if the maximum is at most 1.0, it is multiplied by 255; finally clipped to [0,255].
Tensors ``(C,H,W)`` / ``(N,C,H,W)`` are always min-max normalised and tiled into a grid
(8 per row, 2 pixels of padding), as torchvision's ``make_grid(normalize=True)`` does.
"""

from __future__ import annotations

from typing import Any


def is_tensor(v: Any) -> bool:
    """True for torch/TF/JAX-like tensors (duck typed: never imports torch)."""
    mod = type(v).__module__ or ""
    return hasattr(v, "numpy") and (hasattr(v, "detach") or mod.split(".")[0] in ("torch", "tensorflow", "jax"))


def tensor_to_numpy(t: Any) -> Any:
    """A tensor's values as a NumPy array (detached, on the CPU; bfloat16 as float32)."""
    import numpy as np

    if hasattr(t, "detach"):
        t = t.detach()
    if hasattr(t, "cpu"):
        t = t.cpu()
    try:
        return np.asarray(t.numpy())
    except Exception:  # e.g. bfloat16 tensors have no NumPy view
        return np.asarray(t.float().numpy())


def check_finite(a: Any) -> None:
    """``ValueError`` if a float array holds NaN or an infinity."""
    import numpy as np

    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise ValueError("Image data contains NaN or infinite values")


def to_uint8(a: Any) -> Any:
    """wandb's scaling: shift negatives by min-max normalising, scale [0,1] by 255, clip."""
    import numpy as np

    if a.dtype == np.bool_:
        a = a.astype(np.uint8)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"Image data must be numeric, got dtype {a.dtype}")
    check_finite(a)
    if a.size == 0:
        raise ValueError(f"Image data is empty (shape {a.shape})")
    lo = a.min()
    if lo < 0:
        span = float(a.max()) - float(lo)
        a = (a - lo) / (span if span else 1.0)
    if a.max() <= 1.0:
        a = (a * 255).astype(np.int32)
    if a.dtype == np.uint8:
        return a
    return np.clip(a, 0, 255).astype(np.uint8)


def channels_last(a: Any) -> Any:
    """Squeeze trivial dimensions and return an (H,W) or (H,W,C) array; else ``ValueError``."""
    import numpy as np

    if a.ndim > 2:
        keep = [i for i, n in enumerate(a.shape) if n != 1]
        if len(keep) == 2:
            a = a.reshape([a.shape[i] for i in keep])
        elif len(keep) == 3 and a.ndim > 3:
            a = a.reshape([a.shape[i] for i in keep])
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[:, :, 0]
    if a.ndim == 3 and a.shape[-1] not in (3, 4) and a.shape[0] in (1, 3, 4):
        a = np.moveaxis(a, 0, -1)
        if a.shape[-1] == 1:
            a = a[:, :, 0]
    if a.ndim == 2 or (a.ndim == 3 and a.shape[-1] in (3, 4)):
        return a
    raise ValueError(f"Un-supported shape for image conversion {list(a.shape)}")


def make_grid(a: Any, nrow: int = 8, padding: int = 2) -> Any:
    """Tile ``(N,C,H,W)`` into one ``(C,H',W')`` image like torchvision's ``make_grid``."""
    import numpy as np

    n, c, h, w = a.shape
    if n == 1:
        return a[0]
    if c == 1:
        a = np.repeat(a, 3, axis=1)
        c = 3
    cols = min(nrow, n)
    rows = -(-n // cols)
    hh, ww = h + padding, w + padding
    grid = np.zeros((c, rows * hh + padding, cols * ww + padding), dtype=a.dtype)
    for i in range(n):
        r, q = divmod(i, cols)
        grid[:, r * hh + padding: r * hh + padding + h, q * ww + padding: q * ww + padding + w] = a[i]
    return grid


def tensor_pixels(t: Any) -> Any:
    """A tensor → (H,W[,C]) uint8 array: min-max normalised, batches tiled."""
    import numpy as np

    a = tensor_to_numpy(t).astype(np.float64)
    check_finite(a)
    if a.ndim == 4:
        a = make_grid(a)
    if a.ndim == 3 and a.shape[0] in (1, 3, 4):
        a = np.moveaxis(a, 0, -1)
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[:, :, 0]
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[-1] not in (3, 4)):
        raise ValueError(f"Un-supported shape for image conversion {list(a.shape)}")
    lo, hi = a.min(), a.max()
    a = (a - lo) / max(hi - lo, 1e-5)
    return np.clip(a * 255 + 0.5, 0, 255).astype(np.uint8)


def array_pixels(a: Any) -> Any:
    """A NumPy array → (H,W[,C]) uint8 array by the rules above."""
    import numpy as np

    return to_uint8(channels_last(np.asarray(a)))  # to_uint8 checks dtype and finiteness
