from ..normalized_config import NormalizedSeq2SeqConfig
from ...registry import register
from ..modality import TextSeq2SeqOnnxConfig
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
    USES_POSITION_IDS = False  # BartForCausalLM's forward: input_ids, attention_mask, then the cache

    def _normalized_config_class(self):
        return _DECODER_ONLY if self.is_causal_lm else super()._normalized_config_class()

    def adjust_dummy_input(self, name, values):
        # The classification head pools the hidden state at the <eos> token: each row needs exactly one.
        if name == "input_ids" and self.task == "text-classification":
            eos = self._config.eos_token_id
            values = values.copy()
            values[values == eos] = (eos + 1) % self._normalized_config.vocab_size
            values[..., -1] = eos
        return values
