"""Judge transformers' load report: do the checkpoint's weights really fill the model that will be exported?

``from_pretrained`` initialises randomly every weight the checkpoint lacks and drops every tensor the model has no
place for; validation (PyTorch vs ONNX of the *same* model) cannot notice either. transformers has already taken out
of its report what it knows to be fine: tied weights it tied, its classes' ``_keys_to_ignore_on_load_*`` patterns,
non-persistent buffers, legacy ``position_ids`` / ``rotary_emb.inv_freq`` entries. What remains is judged here:

- a **missing** parameter (or normalization statistic) is an error when it reaches an exported output: each is set
  to NaN and the submodels the plan exports are run once on small dummy inputs (a base model's pooler, unused by
  ``last_hidden_state``, passes; a random classifier head or a missing layer does not). Other missing buffers
  (position ids, masks) are built from the configuration and are fine.
- an **unexpected** checkpoint tensor is an error when it belongs to the model's layers: a layer list has no place
  for it (the config declares fewer layers than the checkpoint holds) or a layer lacks it (a bias or a norm the
  config leaves out). Tensors outside the layers are parts this class does not build (another task's head:
  ``cls.*`` of a masked-LM checkpoint loaded as ``BertModel``; a pooler; ViT's masked-image ``mask_token``) and
  are only logged.
- a weight with **another shape** in the checkpoint is always an error.

The class's own ``_keys_to_ignore_on_load_*`` patterns are also matched with and without the base model's prefix:
transformers writes some in the other class's naming.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import torch
from torch import nn

from ..errors import ExportError

Log = Callable[[str], None]
#: Runs what will be exported (every submodel of the plan) and returns its output tensors.
ExportedOutputs = Callable[[nn.Module], Iterable[torch.Tensor]]

#: Buffers training changes: missing from a checkpoint they are wrong, not rebuilt from the configuration.
LEARNED_BUFFERS = ("running_mean", "running_var")
#: Modules holding numbered layers: a checkpoint tensor under one of them belongs to the model's layers.
LAYER_CONTAINERS = (nn.ModuleList, nn.ModuleDict, nn.Sequential)
SHOWN_KEYS = 4


@dataclass
class LoadReport:
    """transformers' report (``output_loading_info=True``): missing keys in the model's naming, unexpected ones as
    the checkpoint names them after transformers' renaming, mismatched ones with both shapes."""

    missing: set[str] = field(default_factory=set)
    unexpected: set[str] = field(default_factory=set)
    mismatched: set[tuple[str, tuple, tuple]] = field(default_factory=set)

    @classmethod
    def from_loading_info(cls, info: dict) -> "LoadReport":
        return cls(set(info.get("missing_keys") or ()), set(info.get("unexpected_keys") or ()),
                   set(info.get("mismatched_keys") or ()))


def check_weights(model: nn.Module, report: LoadReport, exported_outputs: ExportedOutputs | None,
                  log: Log = lambda message: None) -> None:
    """``weights_mismatch`` unless every weight that reaches an exported output came from the checkpoint and every
    checkpoint tensor the model has a place for was loaded. ``exported_outputs=None``: any missing weight counts."""
    declared = declared_ignorable(model, sorted(report.missing), "_keys_to_ignore_on_load_missing")
    rebuilt, random = split_missing(model, report.missing - set(declared))
    rebuilt += declared
    ignored = set(declared_ignorable(model, sorted(report.unexpected), "_keys_to_ignore_on_load_unexpected"))
    foreign, misplaced = split_unexpected(model, report.unexpected - ignored)
    used = bool(random) and reaches_outputs(model, random, exported_outputs, log)
    if used or misplaced or report.mismatched:
        raise ExportError("weights_mismatch", detail=mismatch_detail(model, random if used else [], misplaced,
                                                                     foreign, report.mismatched))
    if random:
        log(f"weights: {len(random)} weights of {type(model).__name__} are not in the checkpoint but reach no "
            f"exported output, so they are not exported ({few(random)})")
    if rebuilt:
        log(f"weights: {len(rebuilt)} buffers (or weights its class declares so) not in the checkpoint are built from "
            f"the configuration ({few(sorted(rebuilt))})")
    if foreign:
        log(f"weights: {len(foreign)} tensors of the checkpoint belong to parts {type(model).__name__} does not have "
            f"(another task's head, a pooler) and were left out ({few(foreign)})")


def split_missing(model: nn.Module, missing: set[str]) -> tuple[list[str], list[str]]:
    """(buffers the model builds from its configuration, weights that are random now). A missing name whose tensor
    is shared with a loaded one (modules tied in a custom model's ``__init__``) was loaded after all."""
    if not missing:
        return [], []
    buffers = dict(model.named_buffers())
    loaded = {t.data_ptr() for name, t in model.state_dict().items() if name not in missing}
    rebuilt, random = [], []
    for name in sorted(missing):
        tensor = _tensor(model, name)
        if tensor is not None and tensor.numel() and tensor.data_ptr() in loaded:
            continue
        if name in buffers and not name.endswith(LEARNED_BUFFERS):
            rebuilt.append(name)
        else:
            random.append(name)
    return rebuilt, random


def split_unexpected(model: nn.Module, unexpected: set[str]) -> tuple[list[str], list[str]]:
    """(tensors of parts the model does not build, tensors that land inside the model)."""
    if not unexpected:
        return [], []
    structure = _Structure(model)
    foreign, misplaced = [], []
    for key in sorted(unexpected):
        (misplaced if structure.lands_inside(key) else foreign).append(key)
    return foreign, misplaced


class _Structure:
    """The model's module tree, to place checkpoint keys in it."""

    def __init__(self, model: nn.Module) -> None:
        self.modules = dict(model.named_modules())
        self.buffers = {name for name, _ in model.named_buffers()}
        self.prefix = getattr(model, "base_model_prefix", "") or ""

    def lands_inside(self, key: str) -> bool:
        """Whether a checkpoint tensor the model did not load belongs to its layers: a layer list has no place for
        it (more layers than the configuration declares) or a layer lacks it (a bias, a norm the configuration
        leaves out). Tensors outside the layers may be another class's (a head, a pooler, ViT's ``mask_token`` of
        masked image modelling): those are not judged."""
        names = with_and_without_prefix(key, self.prefix)
        if any(name in self.buffers for name in names):
            return False  # a non-persistent buffer now: the model builds it
        return any(self.in_layer_container(self.deepest_module(name)) for name in names)

    def deepest_module(self, key: str) -> str:
        parts = key.split(".")
        for i in range(len(parts) - 1, 0, -1):
            if ".".join(parts[:i]) in self.modules:
                return ".".join(parts[:i])
        return ""

    def in_layer_container(self, owner: str) -> bool:
        parts = owner.split(".") if owner else []
        return any(isinstance(self.modules[".".join(parts[:i])], LAYER_CONTAINERS) for i in range(1, len(parts) + 1))


def with_and_without_prefix(key: str, prefix: str) -> list[str]:
    """``key`` in the naming of a task model and of its base model (``bert.pooler.dense.weight`` /
    ``pooler.dense.weight``)."""
    if not prefix:
        return [key]
    if key.startswith(prefix + "."):
        return [key, key[len(prefix) + 1:]]
    return [key, f"{prefix}.{key}"]


def declared_ignorable(model: nn.Module, keys: list[str], patterns_attribute: str) -> list[str]:
    """The keys a ``_keys_to_ignore_on_load_*`` pattern of the model's class matches in the other naming (with or
    without the base model's prefix). transformers matches only the names as they are, but writes some patterns in
    the task model's naming (``MarianModel``'s ``model.encoder.embed_positions.weight``)."""
    patterns = getattr(model, patterns_attribute, None) or ()
    if not patterns or not keys:
        return []
    prefix = getattr(model, "base_model_prefix", "") or ""
    ignorable = re.compile("|".join(f"({pattern})" for pattern in patterns))
    return [key for key in keys if any(ignorable.search(name) for name in with_and_without_prefix(key, prefix))]


def _tensor(model: nn.Module, name: str) -> torch.Tensor | None:
    for get in (model.get_parameter, model.get_buffer):
        try:
            return get(name)
        except AttributeError:
            continue
    return None


def reaches_outputs(model: nn.Module, names: list[str], exported_outputs: ExportedOutputs | None, log: Log) -> bool:
    """Whether any of these (randomly initialised) tensors changes what is exported: each is set to NaN and the
    exported submodels are run once. Those that do not matter are zeroed afterwards (their random values carry
    nothing, and the exporter leaves them out of the graph)."""
    tensors = [_tensor(model, name) for name in names]
    if exported_outputs is None or any(t is None or not t.is_floating_point() for t in tensors):
        return True
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            for tensor in tensors:
                tensor.fill_(float("nan"))
            return any(t.is_floating_point() and bool(torch.isnan(t).any()) for t in exported_outputs(model))
    except Exception as exc:  # noqa: BLE001 - when it cannot be shown that they do not matter, they do
        log(f"weights: running the model to see whether the missing weights matter failed: {type(exc).__name__}: {exc}")
        return True
    finally:
        with torch.no_grad():
            for tensor in tensors:
                tensor.zero_()
        model.train(was_training)


def mismatch_detail(model: nn.Module, random: list[str], misplaced: list[str], foreign: list[str],
                    mismatched: Iterable[tuple[str, tuple, tuple]]) -> str:
    """What does not fit, with counts and a few keys of each kind."""
    parts = []
    head = _missing_head(model, random)
    if head:
        architectures = ", ".join(getattr(model.config, "architectures", None) or []) or "no class"
        parts.append(f"the checkpoint has no weights for the task head of {type(model).__name__} ({few(head)}), "
                     f"which would be random: it was not trained for this task (its config.json names "
                     f"{architectures}); export it with the task it was trained for (--task)")
        random = [name for name in random if name not in head]
    if random:
        parts.append(f"{len(random)} weights of {type(model).__name__} are not in the checkpoint and would be random "
                     f"({few(random)})")
    if misplaced:
        parts.append(f"{len(misplaced)} tensors of the checkpoint fit no weight of the model, e.g. layers or weights "
                     f"its config.json leaves out ({few(misplaced)})")
    mismatched = sorted(mismatched)
    if mismatched:
        key, in_checkpoint, in_model = mismatched[0]
        parts.append(f"{len(mismatched)} weights have other shapes than config.json describes "
                     f"({few([k for k, _, _ in mismatched])}; {key} is {list(in_checkpoint)} in the checkpoint, "
                     f"{list(in_model)} in the model)")
    if foreign and (random or misplaced):
        parts.append(f"{len(foreign)} tensors of the checkpoint were not used ({few(foreign)})")
    return "; ".join(parts)


def _missing_head(model: nn.Module, random: list[str]) -> list[str]:
    """The missing weights outside the base model, when the base model itself is complete: a task head that the
    checkpoint (a base model, or one trained for another task) does not have."""
    prefix = getattr(model, "base_model_prefix", "")
    if not random or not prefix or not isinstance(getattr(model, prefix, None), nn.Module):
        return []
    outside = [name for name in random if not name.startswith(prefix + ".")]
    return outside if len(outside) == len(random) else []


def few(keys: list[str]) -> str:
    shown = ", ".join(keys[:SHOWN_KEYS])
    return shown if len(keys) <= SHOWN_KEYS else f"{shown}, … {len(keys) - SHOWN_KEYS} more"
