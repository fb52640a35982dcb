"""Measuring instruments for `efficiency`: activation memory, CUDA peaks, layer-local and layer-parallel FF.

Nothing here knows about the experiment's phases; each piece takes a Forward-Forward net (`ForwardForward`)
and does one thing to it, so the tests can check each on its own.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:  # for the type hints only: the study gets its nets through the catalog
    from fflab.ff.forward_forward.experiment import ForwardForward


Pair = tuple[torch.Tensor, torch.Tensor]  # (positive, negative) inputs of one layer


class _Saved:
    """What autograd keeps instead of a saved tensor while the meter listens (weak-referenceable)."""

    __slots__ = ("tensor", "__weakref__")

    def __init__(self, tensor: torch.Tensor):
        self.tensor = tensor


class SavedActivationMeter:
    """The peak bytes of tensors autograd holds for backward while the `with` block runs.

    Every tensor saved for backward passes through a pack hook (`torch.autograd.graph.saved_tensors_hooks`).
    Its storage is counted once, however many graph nodes save it or views of it, from the moment it is
    first saved until the last node holding it lets it go (during backward, or when the graph is dropped).
    Storages of `exclude` (the parameters: weights saved to compute input gradients) are left out, so what
    is left is activation memory: inputs, pre-activations and outputs kept for the backward pass.
    """

    def __init__(self, exclude: Iterable[torch.Tensor] = ()):
        self._excluded = {t.untyped_storage().data_ptr() for t in exclude}
        self._holders: dict[int, int] = {}  # storage address -> saved copies alive
        self.live_bytes = 0
        self.peak_bytes = 0
        self._hooks = torch.autograd.graph.saved_tensors_hooks(self._pack, self._unpack)

    def __enter__(self) -> SavedActivationMeter:
        self._hooks.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._hooks.__exit__(*exc)

    def _pack(self, tensor: torch.Tensor) -> Any:
        storage = tensor.untyped_storage()
        address = storage.data_ptr()
        if address in self._excluded:
            return tensor
        held = _Saved(tensor)
        count = self._holders.get(address, 0)
        if count == 0:
            self.live_bytes += storage.nbytes()
            self.peak_bytes = max(self.peak_bytes, self.live_bytes)
        self._holders[address] = count + 1
        # the storage cannot be freed (nor its address reused) while `held` keeps the tensor alive
        weakref.finalize(held, self._release, address, storage.nbytes())
        return held

    def _release(self, address: int, nbytes: int) -> None:
        count = self._holders.pop(address) - 1
        if count:
            self._holders[address] = count
        else:
            self.live_bytes -= nbytes

    @staticmethod
    def _unpack(packed: Any) -> torch.Tensor:
        return packed.tensor if isinstance(packed, _Saved) else packed


def synchronized_clock(device: torch.device) -> float:
    """perf_counter, after the device's queued work has finished (CUDA runs asynchronously)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter()


def measure_step(step: Callable[[], Any], parameters: Iterable[torch.Tensor], device: torch.device) -> dict[str, int]:
    """Run one training step; its peak activation bytes, and on CUDA the allocator's peak above the start.

    `cuda_peak_bytes`: torch.cuda.max_memory_allocated during the step minus what was allocated just before
    it (the dataset, weights and optimiser state are already there), so it counts activations, gradients
    and every temporary of the step.
    """
    meter = SavedActivationMeter(exclude=parameters)
    on_cuda = device.type == "cuda"
    if on_cuda:
        torch.cuda.synchronize(device)
        before = torch.cuda.memory_allocated(device)
        torch.cuda.reset_peak_memory_stats(device)
    with meter:
        step()
    result = {"activation_bytes": int(meter.peak_bytes)}
    if on_cuda:
        torch.cuda.synchronize(device)
        result["cuda_peak_bytes"] = int(torch.cuda.max_memory_allocated(device) - before)
    return result


def layer_optimizers(ff: ForwardForward, layers: Sequence[torch.nn.Module]) -> list[torch.optim.Optimizer]:
    """One optimiser per layer, with `ff`'s optimiser settings."""
    return [ff.make_optimizer(layer.parameters()) for layer in layers]


def train_layer(ff: ForwardForward, index: int, layer: torch.nn.Module, optimizer: torch.optim.Optimizer,
                inputs: Pair) -> tuple[Pair, torch.Tensor]:
    """One local step of one layer on its (detached) inputs: forward, its own loss, backward, update.

    Returns the layer's outputs (detached: the next layer's inputs) and its loss.
    """
    loss, _, _, a_pos, a_neg = ff._layer_loss(index, layer, inputs[0].detach(), inputs[1].detach())
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return (a_pos.detach(), a_neg.detach()), loss.detach()


def layer_local_step(ff: ForwardForward, optimizers: Sequence[torch.optim.Optimizer]) -> float:
    """One FF training step, one layer after another: each layer's graph is freed before the next is built."""
    x, y = ff.next_batch()
    inputs = ff._make_pair(x, y, ff.gen, keep=False)
    total = torch.zeros((), device=ff.device)
    for index, (layer, optimizer) in enumerate(zip(ff.layers, optimizers, strict=True)):
        inputs, loss = train_layer(ff, index, layer, optimizer, inputs)
        total = total + loss
    return float(total)


class LayerPipeline:
    """Forward-Forward as a pipeline: at every tick each layer takes one step on what its predecessor
    produced at the previous tick (layer 1 on the tick's new batch pair).

    `concurrent=True` runs the layers of a tick at the same time, one thread per layer (each on its own
    CUDA stream on a GPU), with a barrier between ticks; `concurrent=False` runs the same schedule one
    layer after another in the calling thread. Both compute the same thing from the same start, so their
    times differ only by what concurrency buys (or costs: on a CPU the threads share the cores, and the
    Python parts of each step take turns under the GIL).
    """

    def __init__(self, ff: ForwardForward, layers: torch.nn.ModuleList, concurrent: bool,
                 threads_per_layer: int = 1):
        self.ff = ff
        self.layers = layers
        self.optimizers = layer_optimizers(ff, layers)
        self.concurrent = concurrent
        self.threads_per_layer = max(1, threads_per_layer)
        self.device = ff.device
        self.outputs: list[Pair | None] = [None] * len(layers)
        self._next: list[Pair | None] = [None] * len(layers)
        self.streams = ([torch.cuda.Stream(self.device) for _ in layers]
                        if concurrent and self.device.type == "cuda" else None)

    def _train(self, index: int, pair: Pair) -> None:
        inputs = pair if index == 0 else self.outputs[index - 1]
        if inputs is not None:  # the pipeline is still filling
            self._next[index], _ = train_layer(self.ff, index, self.layers[index], self.optimizers[index], inputs)

    def _advance(self) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        self.outputs, self._next = self._next, [None] * len(self.layers)

    def run(self, pairs: Sequence[Pair]) -> None:
        """One tick per pair."""
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)  # the pairs were made on the default stream
        if not self.concurrent:
            for pair in pairs:
                for index in range(len(self.layers)):
                    self._train(index, pair)
                self._advance()
            return
        barrier = threading.Barrier(len(self.layers), action=self._advance)
        errors: list[BaseException] = []

        def work(index: int) -> None:
            torch.set_num_threads(self.threads_per_layer)
            stream = torch.cuda.stream(self.streams[index]) if self.streams else nullcontext()
            try:
                with stream:
                    for pair in pairs:
                        self._train(index, pair)
                        barrier.wait()
            except threading.BrokenBarrierError:
                pass  # another layer failed; its error is the one to report
            except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
                errors.append(exc)
                barrier.abort()

        workers = [threading.Thread(target=work, args=(i,), name=f"fflab-ff-layer{i + 1}")
                   for i in range(len(self.layers))]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        if errors:
            raise errors[0]
