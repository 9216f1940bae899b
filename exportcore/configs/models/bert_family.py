"""BERT's relatives that take BERT's inputs (input_ids, attention_mask, token_type_ids) or RoBERTa's (no
token_type_ids), with the usual encoder heads. Input order = their forward signatures' order (checked by
tests/e2e/test_architectures.py)."""

from ...registry import register
from ..static_axes import StaticAxesMixin
from .bert import ENCODER_TASKS, BertOnnxConfig, DistilBertOnnxConfig

# ---- BERT's inputs (with token_type_ids)


@register("albert", *ENCODER_TASKS)
class AlbertOnnxConfig(BertOnnxConfig):
    pass


@register("convbert", *ENCODER_TASKS)
class ConvBertOnnxConfig(BertOnnxConfig):
    pass


@register("electra", *ENCODER_TASKS)
class ElectraOnnxConfig(BertOnnxConfig):
    pass


@register("roformer", *ENCODER_TASKS)
class RoFormerOnnxConfig(BertOnnxConfig):
    pass


@register("squeezebert", *ENCODER_TASKS)
class SqueezeBertOnnxConfig(BertOnnxConfig):
    pass


@register("mobilebert", *ENCODER_TASKS)
class MobileBertOnnxConfig(BertOnnxConfig):
    pass


@register("rembert", *ENCODER_TASKS)
class RemBertOnnxConfig(BertOnnxConfig):
    pass


@register("megatron-bert", *ENCODER_TASKS)
class MegatronBertOnnxConfig(BertOnnxConfig):
    pass


#: Why Nystromformer's sequence axis is static (the plan document, ``inspect`` and the app say it with the size).
NYSTROMFORMER_FIXED_LENGTH = (
    "landmark attention averages the sequence in segment_means_seq_len // num_landmarks blocks, so the model runs "
    "at exactly segment_means_seq_len tokens: pad (and truncate) every input to that length, with the attention "
    "mask marking the padding")


@register("nystromformer", *ENCODER_TASKS)
class NystromformerOnnxConfig(StaticAxesMixin, BertOnnxConfig):
    STATIC_SHAPES = {"sequence_length": ("segment_means_seq_len", NYSTROMFORMER_FIXED_LENGTH)}
    #: transformers 5's 4-D mask does not fit landmark attention (export/adapter_forwards.py).
    EXPORT_FORWARDS = ("key_padding_mask",)

    def static_shape_sources(self) -> dict[str, tuple[str, str]]:
        # With as many landmarks as segment_means_seq_len, transformers takes plain attention: any length runs.
        if getattr(self._config, "num_landmarks", None) == getattr(self._config, "segment_means_seq_len", None):
            return {}
        return self.STATIC_SHAPES


@register("splinter", "feature-extraction", "question-answering")
class SplinterOnnxConfig(BertOnnxConfig):
    pass


# ---- RoBERTa's inputs (no token_type_ids)


@register("camembert", *ENCODER_TASKS)
class CamembertOnnxConfig(DistilBertOnnxConfig):
    pass


@register("xlm-roberta", *ENCODER_TASKS)
class XLMRobertaOnnxConfig(DistilBertOnnxConfig):
    pass


@register("data2vec-text", *ENCODER_TASKS)
class Data2VecTextOnnxConfig(DistilBertOnnxConfig):
    pass


@register("ibert", *ENCODER_TASKS)
class IBertOnnxConfig(DistilBertOnnxConfig):
    pass


@register("mpnet", *ENCODER_TASKS)
class MPNetOnnxConfig(DistilBertOnnxConfig):
    pass


@register("big_bird", *ENCODER_TASKS)
class BigBirdOnnxConfig(DistilBertOnnxConfig):
    pass


@register("modernbert", "feature-extraction", "fill-mask", "text-classification", "token-classification")
class ModernBertOnnxConfig(DistilBertOnnxConfig):
    pass


@register("esm", "feature-extraction", "fill-mask", "text-classification", "token-classification")
class EsmOnnxConfig(DistilBertOnnxConfig):
    pass
