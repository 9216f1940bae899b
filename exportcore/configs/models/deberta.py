"""DeBERTa (v1, v2): BERT's inputs, without token_type_ids when the config has no token types
(``type_vocab_size == 0``, DeBERTa's default)."""

from ...registry import register
from .bert import BertOnnxConfig, ENCODER_TASKS


@register("deberta", "feature-extraction", "fill-mask", "text-classification", "token-classification",
          "question-answering")
class DebertaOnnxConfig(BertOnnxConfig):
    @property
    def inputs(self):
        inputs = super().inputs
        if not getattr(self._config, "type_vocab_size", 0):
            inputs.pop("token_type_ids")
        return inputs


@register("deberta-v2", *ENCODER_TASKS)
class DebertaV2OnnxConfig(DebertaOnnxConfig):
    pass
