"""How a stored run's fields are written: JSON for params, metrics and history, safetensors for weights.

Weights never go through pickle: they are safetensors bytes, read back as plain tensors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors


def weights_to_bytes(weights: Mapping[str, Any]) -> bytes:
    """Tensors (or arrays, or numbers) by name, as safetensors bytes; copied to the CPU first."""
    tensors: dict[str, torch.Tensor] = {}
    for name, value in weights.items():
        if isinstance(value, torch.Tensor):
            tensor = value.detach().to("cpu", copy=True)
        elif isinstance(value, (np.ndarray, np.generic, int, float, bool)):
            tensor = torch.as_tensor(np.asarray(value)).clone()
        else:
            raise TypeError(f"weight {name!r} is a {type(value).__name__}, not a tensor")
        tensors[name] = tensor.contiguous()
    return save_safetensors(tensors)


def weights_from_bytes(blob: bytes) -> dict[str, torch.Tensor]:
    """The inverse of `weights_to_bytes` (tensors on the CPU)."""
    return load_safetensors(bytes(blob))


def dumps(value: Any) -> str:
    """Compact JSON; numpy and torch numbers (and arrays) as plain numbers (and lists)."""
    return json.dumps(value, separators=(",", ":"), default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, (np.generic, np.ndarray, torch.Tensor)):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} cannot be stored as JSON")


def params_from_json(text: str) -> dict[str, Any]:
    """Stored params with JSON lists back as tuples, as `ParamSpec` holds list-valued parameters."""
    return {name: _tuples(value) for name, value in json.loads(text).items()}


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def history_to_json(records: Sequence[Mapping[str, float]]) -> str:
    """Records column-wise, `{"columns": [...], "rows": [[...], ...]}`; a key a record lacks is null."""
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    return dumps({"columns": list(columns), "rows": [[record.get(key) for key in columns] for record in records]})


def history_from_json(text: str) -> list[dict[str, float]]:
    encoded = json.loads(text)
    columns = encoded["columns"]
    return [
        {key: value for key, value in zip(columns, row, strict=True) if value is not None} for row in encoded["rows"]
    ]
