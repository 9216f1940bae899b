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
    hybrid_linear_attention,
    hybrid_recurrent,
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
from . import (  # noqa: F401 - the rest of Optimum's list (issue 13 §3)
    clap,
    decision_transformer,
    dense_prediction,
    detr_variants,
    encoder_decoder,
    imagegpt,
    longformer,
    maskformer,
    mgp_str,
    owlvit,
    rt_detr,
    swin2sr,
    time_series,
    vision_towers,
    visual_bert,
    vit_mae,
    vitpose,
)
from . import pix2struct  # noqa: F401 - issue 13 §3
from . import sam  # noqa: F401 - issue 13 §3
from . import text_towers  # noqa: F401 - issue 13 §3
from . import vits  # noqa: F401 - issue 13 §3
from . import colpali  # noqa: F401 - issue 13 §3
from . import perceiver  # noqa: F401 - issue 13 §3
