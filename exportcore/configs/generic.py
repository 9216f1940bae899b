"""The generic path: an export configuration derived for a model type that has no hand-written one.

For a type that transformers maps to a task through an Auto class (recorded in ``generic_table``), the configuration
class is derived here, in the usual hierarchy (``OnnxConfig`` → ``OnnxConfigWithPast`` → ``TextDecoderOnnxConfig``
→ ``GenericCausalLMOnnxConfig`` → one subclass per type): the ONNX inputs in the order of the model class's
``forward``, ``position_ids`` only where it takes them, and the cache's layout (layers, key/value heads, head sizes,
multi-head latent attention's compressed cache) from the configuration's attributes. The export checks that layout
against the cache the model really returns before tracing (``export/generic_model.py``) and validates the files like
any other: a derivation that guesses wrong stops with a coded error and publishes nothing.

``NOT_GENERIC`` lists the types tried on the recorded transformers that the generic path cannot export, with why.
Light: no torch, no transformers.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, ClassVar

from ..errors import ExportError
from . import generic_encoders, generic_table
from .modality import TextDecoderOnnxConfig
from .normalized_config import NormalizedTextConfig

#: The tasks the generic path derives configurations for, and the names they are offered under.
GENERIC_TASKS: dict[str, tuple[str, ...]] = {
    "text-generation": ("text-generation", "text-generation-with-past"),
    "fill-mask": ("fill-mask",),
    "text-classification": ("text-classification",),
    "token-classification": ("token-classification",),
    "image-classification": ("image-classification",),
}
#: The only tasks derived for a type that has hand-written ones (the option rules know such a mix for these).
HAND_WRITTEN_DERIVED = ("text-generation",)
#: Tasks whose model takes images: the only ones derived for a type whose configuration nests a vision tower.
VISION_TASKS = ("image-classification",)

#: The words the plan document, ``exportcore models`` and the app show for a derived configuration.
GENERIC_BADGE = "generic"
GENERIC_NOTE = "derived, validated on export"

#: Normalized name -> the attribute names tried, in order (the first one the configuration has wins).
CANDIDATES: dict[str, tuple[str, ...]] = {
    "num_layers": ("num_hidden_layers", "n_layer", "num_layers", "n_layers", "decoder_layers"),
    "num_attention_heads": ("num_attention_heads", "n_head", "num_heads", "n_heads", "decoder_attention_heads",
                            "attention_heads"),
    "num_key_value_heads": ("num_key_value_heads", "num_kv_heads", "n_kv_heads", "multi_query_group_num",
                            "num_query_groups"),
    "head_dim": ("head_dim", "kv_channels", "attention_head_dim", "d_head"),
    "hidden_size": ("hidden_size", "d_model", "n_embd", "dim"),
    "vocab_size": ("vocab_size",),
    "max_position_embeddings": ("max_position_embeddings", "n_positions", "max_seq_len"),
}


def _attr(config: Any, name: str) -> Any:
    try:
        value = config.get(name) if isinstance(config, dict) else getattr(config, name, None)
    except RuntimeError:  # a heterogeneous configuration refuses a per-layer attribute read globally: layer 0's
        layers = getattr(config, "per_layer_config", None)
        value = getattr(layers[0], name, None) if layers else None
    return None if isinstance(value, bool) else value


def layer_views(config: Any, layers: int) -> list[Any] | None:
    """A heterogeneous configuration's layers (``per_layer_config``: attributes that differ per layer), each as the
    whole configuration with its layer's values; ``None`` when every layer has the global values."""
    if isinstance(config, dict):
        overrides = config.get("per_layer_config")
        if not isinstance(overrides, dict) or not overrides:
            return None
        by_index = {int(key): value for key, value in overrides.items()
                    if str(key).isdigit() and isinstance(value, dict)}
        return [{**config, **by_index.get(i, {})} for i in range(layers)]
    if not getattr(config, "is_heterogeneous", False):
        return None
    return [config.per_layer_config[i] for i in range(layers)]


class GenericNormalizedTextConfig(NormalizedTextConfig):
    """The text attributes under whichever of the usual names the configuration (or its ``text_config``) has."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "config":
            raise AttributeError(name)
        for config in (self.config, _attr(self.config, "text_config")):
            if config is None:
                continue
            for candidate in CANDIDATES.get(name, (name,)):
                value = _attr(config, candidate)
                if value is not None:
                    return value
        return self._derived(name)

    def _derived(self, name: str) -> Any:
        if name in ("num_key_value_heads", "head_dim") and self.has("num_attention_heads"):
            return super()._derived(name)
        raise AttributeError(f"none of {', '.join(CANDIDATES.get(name, (name,)))}")


#: Model types tried on the recorded transformers (tests/e2e/test_generic.py builds each from its configuration
#: class with seeded weights) that the generic path cannot export: model type -> why.
_RECURRENT = ("layers that keep no key/value cache (state-space, recurrent or linear attention layers): the flat "
              "past_key_values interface cannot carry their state (its hand-written configuration carries it as "
              "past_conv / past_ssm / past_recurrent inputs)")
_NO_TINY = "not tried: no small model could be built from its configuration class's defaults"
_SPARSE_CACHE = "a cache with extra per-layer state (sparse-attention indexer keys or compressed blocks)"
_VISION = "the model takes images or audio as well (a vision or audio tower): not a text decoder"
NOT_GENERIC: dict[str, str] = {
    # hand-written hybrids (configs/models/hybrid_*.py): no derived task beside their state-carrying one
    **dict.fromkeys(("bailing_hybrid", "bamba", "falcon_h1", "granitemoehybrid", "jamba", "kimi_linear", "lara_mini",
                     "lfm3", "nemotron_h", "olmo_hybrid", "qwen3_5_moe_text", "qwen3_5_text", "qwen3_next", "zamba2",
                     "zaya", "mamba", "falcon_mamba", "lfm2_moe"), _RECURRENT),
    "minimax": ("lightning-attention state in its own cache (MiniMaxCache); transformers' generate ignores the left "
                "padding on its cached steps (the mask takes its size from an empty layer), so no export can pass "
                "the end-to-end check of a padded batch"),
    "recurrent_gemma": ("keeps its convolution and recurrent states in module attributes, not in the cache, and "
                        "restarts them on every multi-token call: no graph input can hold them"),
    "rwkv": "its state is a list of five tensors per layer passed as `state`, not a cache, and it ignores the "
            "attention mask: not done yet",
    "xlstm": "its own xLSTMCache of matrix-memory states per block: not done yet",
    "cpmant": ("prepends its own prompt tokens inside forward and builds its mask from the ids (attention_mask is a "
               "dummy parameter): the cache is longer than the input and padding is not a mask"),
    "zamba": ("its per-head Mamba scans take no cached state over several tokens, and a small model fails "
              "transformers' tying of the shared attention block's weights"),
    "mamba2": _NO_TINY,
    "reformer": "its reversible layers run inside a custom autograd function, which the TorchScript exporter "
                "cannot trace",
    **dict.fromkeys(("axk2", "deepseek_v32", "deepseek_v4", "glm_moe_dsa", "hy_v4", "dots3_note_text", "kolibri1_1",
                     "qwen4_exp_text"), _SPARSE_CACHE),
    **dict.fromkeys(("emu3", "fuyu"), _VISION),
    "openai-gpt": "returns no cache (no past_key_values support)",
    "bros": "a layout model: its forward needs bounding boxes (bbox) besides the text",
    "layoutlmv2": "a layout model that needs the detectron2 library (not installable here)",
    "tapas": "a table model: its token_type_ids carry seven kinds of table positions",
    "canine": "works on characters (no vocab_size): the derived text inputs do not fit",
    "dinat": "needs the natten library (not installable here)",
    "timm_wrapper": "needs the timm library and an image processor configuration",
    "fnet": "mixes tokens with a Fourier transform (torch.fft): no ONNX export on the TorchScript path",
    "funnel": "pools the sequence by half per block: PyTorch itself fails at the validation's 1-token sequence",
    "siglip2": "takes a variable number of image patches (pixel_attention_mask, spatial_shapes), not an image",
    **dict.fromkeys(("t5gemma", "t5gemma2"), "an encoder-decoder: its classifiers run both stacks (not a text "
                    "encoder)"),
    "shieldgemma2": "a vision-language model (images with text)",
    **dict.fromkeys(("megatron-bert", "rembert"), "its causal LM class returns an encoder-decoder cache without "
                    "cross-attention layers"),
    "xlm": "its causal LM class (XLMWithLMHeadModel) returns no cache",
    **dict.fromkeys(("bert", "big_bird", "camembert", "data2vec-text", "electra", "roberta", "roformer",
                     "xlm-roberta"), "an encoder: its causal-LM class decodes (and keeps a cache) only for a "
                    "config.json with is_decoder, which its checkpoints do not have"),
    "xlnet": "a memory of hidden states (mems), not a key/value cache",
    "prophetnet": "an encoder-decoder cache (cross-attention) in its causal LM class",
    "roc_bert": "its causal LM class returns an encoder-decoder cache (cross-attention layers)",
    "blt": "byte-level patching model: its configuration has no num_hidden_layers; the forward needs patch inputs",
    **dict.fromkeys(("gemma4_assistant", "gemma4_unified_assistant"), "an assistant model: its forward needs the "
                    "main model's shared key/value states"),
    **dict.fromkeys(("inkling_text", "inkling2_text", "inkling2_loop_text"), "its attention layers keep short "
                    "convolution states in the cache besides keys and values: the flat past_key_values interface "
                    "cannot carry them"),
    "xmod": "needs a language adapter chosen per call (set_default_language): no single graph",
    "mimo_v2_flash": "sliding-window layers have another number of key/value heads than the full-attention ones",
}


#: (model type, task) pairs tried and refused where the type's other tasks are taken: -> why.
NOT_GENERIC_TASKS: dict[tuple[str, str], str] = {
    **dict.fromkeys((("mvp", "text-classification"), ("plbart", "text-classification")),
                    "its classifier reads the last EOS token of every row: the trace keeps one row's position"),
}


def _task_reason(model_type: str, entry: dict, task: str) -> str | None:
    if (model_type, task) in NOT_GENERIC_TASKS:
        return NOT_GENERIC_TASKS[(model_type, task)]
    if task not in GENERIC_TASKS:
        return f"{task} is not derived"
    if entry.get("hand_written") and task not in HAND_WRITTEN_DERIVED:
        return f"{task}: its hand-written configuration's tasks are not mixed with derived ones"
    if entry.get("vision") and task not in VISION_TASKS:
        return _VISION
    return None


def not_generic_reason(model_type: str) -> str | None:
    """Why the generic path takes no task of ``model_type``, or ``None`` when it takes one (or never saw it)."""
    if model_type in NOT_GENERIC:
        return NOT_GENERIC[model_type]
    entry = generic_table.entry(model_type)
    if entry is None:
        return None
    if entry.get("import_error"):
        return f"its transformers classes cannot be imported here ({entry['import_error']})"
    reasons = [_task_reason(model_type, entry, task) for task in entry["tasks"]]
    if reasons and all(reasons):
        return "; ".join(dict.fromkeys(reasons))
    return None


def generic_tasks(model_type: str) -> list[str]:
    """The task names (``-with-past`` spelled out) the generic path offers for ``model_type``; empty when none."""
    entry = generic_table.entry(model_type)
    if entry is None or model_type in NOT_GENERIC or entry.get("import_error"):
        return []
    return [name for task in GENERIC_TASKS if task in entry["tasks"] and not _task_reason(model_type, entry, task)
            for name in GENERIC_TASKS[task]]  # in GENERIC_TASKS' order: a decoder's first task is text generation


#: Auto classes of a remote-code model's ``auto_map`` the generic path may derive a configuration for -> the task.
REMOTE_AUTO_CLASSES = {"AutoModelForCausalLM": "text-generation"}
#: A remote model's forward cannot be read without running its code: Llama's order is assumed, and the export's
#: cache check and validation say whether the model agrees.
REMOTE_FORWARD = ("input_ids", "attention_mask", "position_ids", "past_key_values")


def adopt_remote(raw_config: dict, trust_remote_code: bool, model: str) -> None:
    """A remote-code model (``auto_map`` in config.json) of a type transformers does not ship, with a standard
    causal-LM class: offered to the generic path with ``--trust-remote-code`` (``remote_code_required`` without)."""
    model_type = raw_config.get("model_type")
    auto_map = raw_config.get("auto_map")
    if not isinstance(model_type, str) or not isinstance(auto_map, dict) or generic_table.entry(model_type):
        return
    tasks = {task: {"model_class": str(auto_map[name]), "forward": list(REMOTE_FORWARD)}
             for name, task in REMOTE_AUTO_CLASSES.items() if isinstance(auto_map.get(name), str)}
    if not tasks:
        return
    if not trust_remote_code:
        raise ExportError("remote_code_required", model=model)
    generic_table.add_remote(model_type, {"config_class": None, "tasks": tasks, "remote": True})


class GenericCausalLMOnnxConfig(TextDecoderOnnxConfig):
    """A decoder-only language model whose configuration is derived (see the module's docstring)."""

    GENERIC = True
    ATOL_FOR_VALIDATION = 1e-4
    NORMALIZED_CONFIG_CLASS = GenericNormalizedTextConfig
    #: The model type it was derived for, and the model class's forward parameters (recorded).
    MODEL_TYPE: ClassVar[str] = ""
    FORWARD_PARAMS: ClassVar[tuple[str, ...]] = ()

    #: What the derivation needs from the configuration (checked when a configuration is made).
    DERIVED: ClassVar[tuple[str, ...]] = ("num_layers", "num_attention_heads", "hidden_size", "num_key_value_heads",
                                          "head_dim")

    def __init__(self, config: Any, task: str = "feature-extraction", int_dtype: str = "int64",
                 float_dtype: str = "fp32", use_past: bool = False, use_past_in_inputs: bool = False,
                 preprocessors: list[Any] | None = None, legacy: bool = False) -> None:
        super().__init__(config, task=task, int_dtype=int_dtype, float_dtype=float_dtype, use_past=use_past,
                         use_past_in_inputs=use_past_in_inputs, preprocessors=preprocessors, legacy=legacy)
        if config is None:  # the class is asked about its tasks only (option_facts.model_facts)
            return
        for name in self.DERIVED:
            if not self._normalized_config.has(name):
                raise ExportError("generic_derivation_failed", model_type=self.MODEL_TYPE, attribute=name,
                                  tried=", ".join(CANDIDATES.get(name, (name,))))

    def cache_layout(self) -> list[tuple[int, int, int, int]]:
        """Per cache layer (key heads, key size, value heads, value size), as the model's cache holds them."""
        nc = self._normalized_config
        # layers that read an earlier layer's keys and values (Gemma 3n, Gemma 4) keep none of their own
        layers = nc.num_layers - (nc.num_kv_shared_layers if nc.has("num_kv_shared_layers") else 0)
        loops, looped = _attr(nc.config, "n_recurrent_loops"), _attr(nc.config, "n_recurrent_layers")
        if loops and looped and _attr(nc.config, "recurrent_kv_cache_mode") == "per_loop":
            layers += looped * (loops - 1)  # a looped block (Dory) keeps one cache layer per layer and loop
        views = next((views for config in (nc.config, _attr(nc.config, "text_config")) if config is not None
                      for views in [layer_views(config, layers)] if views is not None), None)
        if views is None:
            return [self._layer_layout(nc)] * layers
        return [self._layer_layout(type(nc)(view)) for view in views]

    @staticmethod
    def _layer_layout(nc: "GenericNormalizedTextConfig") -> tuple[int, int, int, int]:
        kv_lora_rank, rope_dim = _attr(nc.config, "kv_lora_rank"), _attr(nc.config, "qk_rope_head_dim")
        if kv_lora_rank and rope_dim:
            # multi-head latent attention caches the compressed key/value and the rotary key, one "head" each
            return (1, kv_lora_rank, 1, rope_dim)
        heads, size = nc.num_key_value_heads, nc.head_dim
        return (heads, size, heads, size)

    @property
    def num_past_layers(self) -> int:
        return len(self.cache_layout())

    def dummy_input_shape(self, name: str, generator) -> list[int]:
        shape = super().dummy_input_shape(name, generator)
        if name.startswith(self.PAST_INPUT_PREFIX + "."):
            _, layer, part = name.split(".")
            key_heads, key_size, value_heads, value_size = self.cache_layout()[int(layer)]
            shape[1], shape[3] = (key_heads, key_size) if part == "key" else (value_heads, value_size)
        return shape


def _forward_order(params: list[str]) -> tuple[str, ...]:
    names = ("input_ids", "attention_mask", "position_ids", "past_key_values")
    return tuple("past_key_values" if p in ("cache", "past_key_values") else p for p in params
                 if p in names or p == "cache")


@lru_cache(maxsize=None)
def config_class(model_type: str, task: str) -> type:
    """The configuration class derived for ``model_type`` and ``task`` (a base task name): a decoder's for a type
    transformers has a causal LM of, an image classifier's for image classification, a text encoder's otherwise."""
    entry = generic_table.entry(model_type)
    if entry is None or task not in entry["tasks"] or task not in GENERIC_TASKS:
        raise ExportError("unsupported_model_type", model_type=model_type)
    params = list(entry["tasks"][task]["forward"])
    camel = "".join(part.capitalize() for part in model_type.replace("-", "_").split("_"))
    attributes = {
        "__module__": __name__,
        "__doc__": f"Derived for {model_type!r} ({entry['tasks'][task]['model_class']}): {GENERIC_NOTE}.",
        "MODEL_TYPE": model_type,
        "FORWARD_PARAMS": tuple(params),
    }
    if task == "image-classification":
        return type(f"Generic{camel}VisionOnnxConfig", (generic_encoders.GenericVisionOnnxConfig,), attributes)
    if "text-generation" not in entry["tasks"]:
        attributes["TEXT_INPUTS"] = generic_encoders.text_inputs(params)
        return type(f"Generic{camel}EncoderOnnxConfig", (generic_encoders.GenericTextEncoderOnnxConfig,), attributes)
    return type(f"Generic{camel}OnnxConfig", (GenericCausalLMOnnxConfig,), {
        **attributes, "USES_POSITION_IDS": "position_ids" in params, "FORWARD_ORDER": _forward_order(params)})
