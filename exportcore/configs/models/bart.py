from ..normalized_config import NormalizedSeq2SeqConfig
from ...registry import register
from ..base import ConfigBehavior, OnnxConfigWithPast
from ..modality import TextDecoderOnnxConfig, TextSeq2SeqOnnxConfig
from .t5 import SEQ2SEQ_TASKS

#: BART's decoder alone: the causal-LM interface counts the decoder's layers and heads.
_DECODER_ONLY = NormalizedSeq2SeqConfig.with_args(num_attention_heads="decoder_attention_heads")


@register("bart", *SEQ2SEQ_TASKS, "text-classification", "question-answering", "text-generation",
          "text-generation-with-past")
class BartOnnxConfig(TextSeq2SeqOnnxConfig):
    """BART for every Optimum task. ``text-generation`` is ``BartForCausalLM`` (the decoder alone), exported as
    Optimum does: like a decoder-only model (input_ids, attention_mask, ``past_key_values.{i}.key|value``; logits,
    ``present.{i}.key|value``), one file."""

    ATOL_FOR_VALIDATION = 1e-4
    CAUSAL_LM_TASKS = ("text-generation",)
    # The causal-LM interface is the decoder modality's (TextDecoderOnnxConfig.inputs): BartForCausalLM's forward
    # takes input_ids, attention_mask, then the cache, and no position_ids.
    USES_POSITION_IDS = False
    PAST_BEFORE_ATTENTION_MASK = False
    FORWARD_ORDER = None

    def __init__(self, config, task="feature-extraction", int_dtype="int64", float_dtype="fp32", use_past=False,
                 use_past_in_inputs=False, behavior=ConfigBehavior.MONOLITH, preprocessors=None, legacy=False):
        super().__init__(config, task=task, int_dtype=int_dtype, float_dtype=float_dtype, use_past=use_past,
                         use_past_in_inputs=use_past_in_inputs, behavior=behavior, preprocessors=preprocessors,
                         legacy=legacy)
        if self.is_causal_lm:
            self._normalized_config = _DECODER_ONLY(config)

    @property
    def inputs(self):
        if not self.is_causal_lm:
            return super().inputs
        return TextDecoderOnnxConfig.inputs.fget(self)

    @property
    def outputs(self):
        if not self.is_causal_lm:
            return super().outputs
        return OnnxConfigWithPast.outputs.fget(self)

    def add_past_key_values(self, inputs_or_outputs, direction):
        if self.is_causal_lm:  # one cache per layer, no cross-attention: decoder-only names
            return OnnxConfigWithPast.add_past_key_values(self, inputs_or_outputs, direction)
        return super().add_past_key_values(inputs_or_outputs, direction)

    def _generator_classes(self):
        if self.is_causal_lm:
            return TextDecoderOnnxConfig.DUMMY_INPUT_GENERATOR_CLASSES
        return super()._generator_classes()

    def dummy_input_shape(self, name, generator):
        if self.is_causal_lm:
            return TextDecoderOnnxConfig.dummy_input_shape(self, name, generator)
        return super().dummy_input_shape(name, generator)

    def adjust_dummy_input(self, name, values):
        # The classification head pools the hidden state at the <eos> token: each row needs exactly one.
        if name == "input_ids" and self.task == "text-classification":
            eos = self._config.eos_token_id
            values = values.copy()
            values[values == eos] = (eos + 1) % self._normalized_config.vocab_size
            values[..., -1] = eos
        return values

