"""``Object3D`` (point clouds, meshes, scenes) and ``Molecule`` (structure files) — R6.13, R6.14.

Point clouds ``(N,3)`` xyz, ``(N,4)`` xyz+category or ``(N,6)`` xyz+rgb and ``lidar/beta``
scene dicts are written as ``.pts.json``; mesh and molecule files are stored byte for byte
under their own extension. Files: ``media/object3D/…`` and ``media/molecule/…``.
"""

from __future__ import annotations

import os
from typing import Any

from cairn.data_types import base, pixels

OBJECT_TYPES = ("obj", "gltf", "glb", "babylon", "stl", "pts.json")
MOLECULE_TYPES = ("pdb", "pqr", "mmcif", "mcif", "cif", "sdf", "sd", "gro", "mol2", "mmtf")


class Object3D(base.Media):
    """A 3-D object to log.

    Arguments:
        data_or_path: an ``(N,3|4|6)`` array, a ``{"type": "lidar/beta", "points": ...}``
            scene, a path, or a file object (its ``name`` gives the type, else ``file_type``).
        file_type: one of obj, gltf, glb, babylon, stl, pts.json (for nameless file objects).
    """

    SUPPORTED_TYPES = set(OBJECT_TYPES)
    _log_type = "object3D-file"

    def __init__(self, data_or_path: Any, caption: str | None = None, file_type: str | None = None,
                 **kwargs: Any) -> None:
        self._caption = None if caption is None else str(caption)
        if isinstance(data_or_path, dict):
            self._bytes, self._ext = _scene(data_or_path), "pts.json"
        elif isinstance(data_or_path, (str, os.PathLike)) or hasattr(data_or_path, "read"):
            self._bytes, name = base.read_source(data_or_path)
            ext = (file_type or "").lower().lstrip(".") or base.extension(name, OBJECT_TYPES)
            if ext not in OBJECT_TYPES:
                raise ValueError(
                    f"Object3D supports {', '.join(OBJECT_TYPES)} files, got {name or file_type!r}"
                    + ("" if name else "; pass file_type= for file objects")
                )
            self._ext = ext
        else:
            self._bytes, self._ext = _points(data_or_path), "pts.json"

    @classmethod
    def from_file(cls, data_or_path: Any, file_type: str | None = None) -> Object3D:
        """An Object3D from a path or file object (``file_type`` for nameless objects)."""
        return cls(data_or_path, file_type=file_type)

    @classmethod
    def from_numpy(cls, data: Any) -> Object3D:
        """An Object3D from an ``(N,3|4|6)`` point array."""
        return cls(data)

    @classmethod
    def from_point_cloud(cls, points: Any, boxes: Any = None, vectors: Any = None,
                         point_cloud_type: str = "lidar/beta") -> Object3D:
        return cls({"type": point_cloud_type, "points": points, "boxes": boxes or [], "vectors": vectors or []})

    def to_json(self, run: Any, key: str = "", summary: bool = False) -> dict:
        """Store the file for ``run``; return the ``object3D-file`` descriptor."""
        return base.file_json(run, "object3D-file", "object3D", key, self._bytes, "." + self._ext, summary, self._caption)


def _points(data: Any) -> bytes:
    import numpy as np

    a = pixels.tensor_to_numpy(data) if pixels.is_tensor(data) else np.asarray(data)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"Object3D points must be numeric, got dtype {a.dtype}")
    if a.ndim != 2 or a.shape[1] not in (3, 4, 6):
        raise ValueError(f"Object3D points must have shape (N,3), (N,4) or (N,6), got {list(a.shape)}")
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise ValueError("Object3D points contain NaN or infinite values")
    return base.dumps(a.tolist()).encode("utf-8")


def _scene(scene: dict) -> bytes:
    import numpy as np

    if scene.get("type") != "lidar/beta":
        raise ValueError(f"Object3D scene dicts need type 'lidar/beta', got {scene.get('type')!r}")
    if "points" not in scene:
        raise ValueError("Object3D scene needs 'points'")
    pts = np.asarray(scene["points"])
    if pts.ndim != 2 or pts.shape[1] not in (3, 4, 6):
        raise ValueError(f"Object3D scene points must have shape (N,3), (N,4) or (N,6), got {list(pts.shape)}")
    body = {k: v for k, v in scene.items()}
    body["points"] = pts.tolist()
    return base.dumps(body).encode("utf-8")


class Molecule(base.Media):
    """A molecular structure file to log (pdb, pqr, mmcif, mcif, cif, sdf, sd, gro, mol2, mmtf)."""

    SUPPORTED_TYPES = set(MOLECULE_TYPES)
    _log_type = "molecule-file"

    def __init__(self, data_or_path: Any, caption: str | None = None, file_type: str | None = None,
                 **kwargs: Any) -> None:
        self._caption = None if caption is None else str(caption)
        self._bytes, name = base.read_source(data_or_path)
        ext = (file_type or "").lower().lstrip(".") or base.extension(name, MOLECULE_TYPES)
        if ext not in MOLECULE_TYPES:
            raise ValueError(f"Molecule supports {', '.join(MOLECULE_TYPES)} files, got {name or file_type!r}")
        self._ext = ext

    @classmethod
    def from_rdkit(cls, data_or_path: Any, caption: str | None = None, **kwargs: Any) -> Molecule:
        """A Molecule from an RDKit molecule or a .mol file, stored as PDB (needs rdkit)."""
        _rdkit()
        from rdkit import Chem

        mol = data_or_path
        if isinstance(mol, (str, os.PathLike)):
            mol = Chem.MolFromMolFile(os.fspath(mol))
        import io

        return cls(io.BytesIO(Chem.MolToPDBBlock(mol).encode()), caption=caption, file_type="pdb")

    @classmethod
    def from_smiles(cls, data: str, caption: str | None = None, **kwargs: Any) -> Molecule:
        """A Molecule from a SMILES string (needs rdkit); ``ValueError`` if it does not parse."""
        _rdkit()
        from rdkit import Chem

        mol = Chem.MolFromSmiles(data)
        if mol is None:
            raise ValueError(f"Unable to parse the SMILES string {data!r}")
        return cls.from_rdkit(mol, caption=caption)

    def to_json(self, run: Any, key: str = "", summary: bool = False) -> dict:
        """Store the file for ``run``; return the ``molecule-file`` descriptor."""
        return base.file_json(run, "molecule-file", "molecule", key, self._bytes, "." + self._ext, summary, self._caption)


def _rdkit() -> None:
    try:
        import rdkit  # noqa: F401
    except ImportError:
        raise ImportError("Molecule.from_rdkit / from_smiles need rdkit: pip install rdkit") from None
