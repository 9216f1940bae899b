from ...registry import register
from ..modality import TextSeq2SeqOnnxConfig
from .t5 import SEQ2SEQ_TASKS


@register("bart", *SEQ2SEQ_TASKS, "text-classification", "question-answering")
class BartOnnxConfig(TextSeq2SeqOnnxConfig):
    ATOL_FOR_VALIDATION = 1e-4

    def adjust_dummy_input(self, name, values):
        # The classification head pools the hidden state at the <eos> token: each row needs exactly one.
        if name == "input_ids" and self.task == "text-classification":
            eos = self._config.eos_token_id
            values = values.copy()
            values[values == eos] = (eos + 1) % self._normalized_config.vocab_size
            values[..., -1] = eos
        return values
