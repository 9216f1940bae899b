"""One module per model family; importing this package registers them all."""

from . import bart, bert, clip, gpt2, llama, t5, vit, wav2vec2, whisper  # noqa: F401
from . import (  # noqa: F401 - architecture coverage (issue 6)
    bert_family,
    bloom,
    deberta,
    detr,
    falcon,
    gemma,
    gpt_bigcode,
    gpt_neo,
    hubert,
    hybrid_decoders,
    image_text,
    qwen2_vl,
    mbart,
    mistral,
    opt,
    siglip,
    t5_family,
    vision,
    audio_spectrogram,
    layoutlm,
    speech_to_text,
    vision_encoder_decoder,
    xlm,
)
