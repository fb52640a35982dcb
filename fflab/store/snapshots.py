"""A run's last snapshot as bytes and back, without pickle.

Snapshots are dataclasses (fflab's own, checked on the way back) holding numpy
arrays, tensors, numbers, strings and containers of them. They are written as
JSON with tagged nodes, arrays as raw little-endian bytes, the whole compressed.
Reading rebuilds only dataclasses defined in fflab and only numeric arrays, so
a stored file cannot make the reader run anything.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import importlib
import json
import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

ARRAY_KINDS = "biufc"  # bool, signed and unsigned ints, floats, complex


class SnapshotCodecError(ValueError):
    """A snapshot holds something this codec does not write, or stored bytes that are not a snapshot."""


def snapshot_to_bytes(snapshot: Any) -> bytes:
    return zlib.compress(json.dumps(_encode(snapshot), separators=(",", ":")).encode(), 6)


def snapshot_from_bytes(data: bytes) -> Any:
    try:
        tree = json.loads(zlib.decompress(data))
    except (zlib.error, ValueError) as exc:
        raise SnapshotCodecError(f"not a stored snapshot: {exc}") from exc
    return _decode(tree)


def _array(a: np.ndarray) -> dict[str, Any]:
    if a.dtype.kind not in ARRAY_KINDS:
        raise SnapshotCodecError(f"arrays of dtype {a.dtype} are not stored")
    a = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<"))
    return {"dtype": a.dtype.str, "shape": list(a.shape), "data": base64.b64encode(a.tobytes()).decode()}


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return _encode(value.value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return {"#": "nd", **_array(value)}
    if isinstance(value, torch.Tensor):
        return {"#": "pt", **_array(value.detach().cpu().numpy())}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        fields = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"#": "dc", "cls": f"{cls.__module__}:{cls.__qualname__}", "fields": fields}
    if isinstance(value, tuple):
        return {"#": "tuple", "items": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, Mapping):
        return {"#": "map", "items": [[_encode(k), _encode(v)] for k, v in value.items()]}
    raise SnapshotCodecError(f"a snapshot holds a {type(value).__name__}, which is not stored")


def _decode_array(node: Mapping[str, Any]) -> np.ndarray:
    dtype = np.dtype(node["dtype"])
    if dtype.kind not in ARRAY_KINDS:
        raise SnapshotCodecError(f"arrays of dtype {dtype} are not read")
    return np.frombuffer(base64.b64decode(node["data"]), dtype=dtype).reshape(node["shape"]).copy()


def _dataclass(path: str) -> type:
    module_name, _, qualname = path.partition(":")
    if not (module_name == "fflab" or module_name.startswith("fflab.")):
        raise SnapshotCodecError(f"{path} is not one of fflab's snapshot types")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    if not (isinstance(obj, type) and dataclasses.is_dataclass(obj)):
        raise SnapshotCodecError(f"{path} is not a dataclass")
    return obj


def _decode(node: Any) -> Any:
    if isinstance(node, list):
        return [_decode(v) for v in node]
    if not isinstance(node, dict):
        return node
    tag = node.get("#")
    if tag == "nd":
        return _decode_array(node)
    if tag == "pt":
        return torch.from_numpy(_decode_array(node))
    if tag == "tuple":
        return tuple(_decode(v) for v in node["items"])
    if tag == "map":
        return {_decode(k): _decode(v) for k, v in node["items"]}
    if tag == "dc":
        cls = _dataclass(node["cls"])
        values = {name: _decode(v) for name, v in node["fields"].items()}
        init = {f.name for f in dataclasses.fields(cls) if f.init}
        made = cls(**{k: v for k, v in values.items() if k in init})
        for name in values.keys() - init:
            object.__setattr__(made, name, values[name])
        return made
    raise SnapshotCodecError(f"unknown node {str(tag)[:40]!r} in a stored snapshot")
