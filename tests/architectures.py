"""Tiny configurations for the model types registered beyond the first twelve (issue 6: architecture coverage).

``ARCHITECTURE_CONFIGS[model_type]()`` returns a tiny transformers configuration (hidden ~32, 2 layers, vocab 128,
small images and audio) for every model type that ``tests/conftest.py``'s ``TINY_CONFIGS`` does not already have;
conftest merges this dict into ``TINY_CONFIGS``, so the registry/config tests cover these types too, and
tests/e2e/test_architectures.py exports and validates each registered (model type, task) with them.

Nothing here imports torch or transformers at import time; each callable imports its configuration class.

The model types that are *not* registered (``exportcore.supported_models.NOT_EXPORTABLE``) keep their tiny
configurations here too: tests/core/test_supported_models_doc.py checks that they resolve to unsupported_model_type.

Also here, for tests that need to know sizes from the transformers configs (independently of exportcore's
normalized configs): :func:`cache_heads` (KV heads and head size of a decoder cache) and :func:`expected_size`
(sizes of inputs specific to a model type).
"""

from __future__ import annotations

from typing import Any, Callable

H = 32  # hidden size
L = 2  # layers
A = 4  # attention heads
V = 128  # vocabulary
I = 37  # noqa: E741 - intermediate (feed-forward) size
IMG = 32  # image size of the vision models that take one from their config
#: Waveform front end downsampling 200x (16000 samples -> 80 frames): cheap to export and validate.
AUDIO_CONV = dict(conv_dim=(H, H, H), conv_stride=(10, 5, 4), conv_kernel=(10, 5, 4),
                  num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=2)


def _cfg(name: str, **kwargs: Any) -> Callable[[], Any]:
    """A callable building ``transformers.<name>(**kwargs)`` (imported when called)."""

    def build():
        import transformers

        return getattr(transformers, name)(**kwargs)

    build.__name__ = f"tiny_{name}"
    return build


TEXT = dict(vocab_size=V, hidden_size=H, num_hidden_layers=L, num_attention_heads=A, intermediate_size=I,
            max_position_embeddings=64)
DECODER = dict(TEXT, bos_token_id=1, eos_token_id=2, pad_token_id=0)
#: Grouped-query attention with an explicit head size that is not hidden / heads.
GQA = dict(DECODER, num_key_value_heads=2, head_dim=16)
BART = dict(vocab_size=V, d_model=H, encoder_layers=L, decoder_layers=L, encoder_attention_heads=A,
            decoder_attention_heads=A, encoder_ffn_dim=I, decoder_ffn_dim=I, max_position_embeddings=64,
            pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2)
T5 = dict(vocab_size=V, d_model=H, d_kv=16, d_ff=I, num_layers=L, num_decoder_layers=L, num_heads=A,
          decoder_start_token_id=0, pad_token_id=0, eos_token_id=1)
VIT = dict(hidden_size=H, num_hidden_layers=L, num_attention_heads=A, intermediate_size=I, image_size=IMG,
           patch_size=4)
SWIN = dict(image_size=IMG, patch_size=4, embed_dim=16, depths=(1, 1), num_heads=(2, 4), window_size=4)
AUDIO = dict(TEXT, **AUDIO_CONV)


def _detr(name: str, **kwargs: Any) -> Callable[[], Any]:
    def build():
        import transformers

        backbone = transformers.ResNetConfig(embedding_size=8, hidden_sizes=[8, 16], depths=[1, 1],
                                             out_features=["stage2"])
        return getattr(transformers, name)(
            use_timm_backbone=False, use_pretrained_backbone=False, backbone_config=backbone, d_model=H,
            encoder_layers=1, decoder_layers=1, encoder_attention_heads=8, decoder_attention_heads=8,
            encoder_ffn_dim=I, decoder_ffn_dim=I, num_queries=5, num_labels=3, **kwargs)

    build.__name__ = f"tiny_{name}"
    return build


#: A four-stage Swin (strides 4 to 32) for the segmentation heads that read every stage, on 64-pixel images (the last
#: stage's map is 2 × 2: group norms of one channel per group need more than one value).
_SWIN4 = dict(image_size=64, patch_size=4, embed_dim=16, depths=(1, 1, 1, 1), num_heads=(2, 2, 2, 2), window_size=4,
              out_features=["stage1", "stage2", "stage3", "stage4"])


def _rt_detr(name: str, backbone: dict | None = None, **kwargs: Any) -> Callable[[], Any]:
    """RT-DETR's layout at 16 channels: three backbone levels (strides 8, 16, 32), a one-layer encoder, two decoder
    layers (the first box head is tied into the others), 5 queries (a 64-pixel image has 84 anchors to choose them
    from). Weights spread (``initializer_range`` 0.5): at the default 0.01 the encoder's states are ~1e-7, every
    anchor scores the bias, and the top-k query selection is a tie that PyTorch and onnxruntime break differently."""
    backbone = backbone or dict(model_type="rt_detr_resnet", embedding_size=8, hidden_sizes=[8, 16, 16, 16],
                                depths=[1, 1, 1, 1], out_features=["stage2", "stage3", "stage4"])
    return _cfg(name, backbone_config=backbone, encoder_in_channels=[16, 16, 16], encoder_hidden_dim=H, d_model=H,
                decoder_in_channels=[H, H, H], encoder_ffn_dim=I, decoder_ffn_dim=I, encoder_attention_heads=A,
                decoder_attention_heads=A, decoder_layers=2, num_queries=5, num_denoising=0, num_labels=3,
                initializer_range=0.5, **kwargs)


def _clip_like(name: str, text: dict | None = None, vision: dict | None = None, **kwargs: Any):
    text_config = dict(vocab_size=V, hidden_size=H, num_hidden_layers=L, num_attention_heads=A,
                       intermediate_size=I, max_position_embeddings=64, **(text or {}))
    vision_config = dict(hidden_size=H, num_hidden_layers=L, num_attention_heads=A, intermediate_size=I,
                         image_size=IMG, patch_size=4, **(vision or {}))
    return _cfg(name, text_config=text_config, vision_config=vision_config, **kwargs)


def _vision_encoder_decoder():
    """A ViT encoder with a TrOCR decoder (TrOCR's layout), hidden sizes that differ (the decoder projects)."""
    import transformers

    encoder = transformers.ViTConfig(**VIT)
    decoder = transformers.TrOCRConfig(vocab_size=V, d_model=24, decoder_layers=L, decoder_attention_heads=A,
                                       decoder_ffn_dim=I, max_position_embeddings=64, pad_token_id=1,
                                       bos_token_id=0, eos_token_id=2, decoder_start_token_id=2)
    config = transformers.VisionEncoderDecoderConfig(encoder=encoder.to_dict(), decoder=decoder.to_dict())
    config.decoder_start_token_id, config.pad_token_id, config.eos_token_id = 2, 1, 2
    return config


def _encoder_decoder():
    """bert2bert: a BERT encoder and a BERT decoder with cross-attention, hidden sizes that differ."""
    import transformers

    encoder = transformers.BertConfig(**TEXT)
    decoder = transformers.BertConfig(**{**TEXT, "hidden_size": 24}, is_decoder=True, add_cross_attention=True)
    config = transformers.EncoderDecoderConfig(encoder=encoder.to_dict(), decoder=decoder.to_dict())
    config.decoder_start_token_id, config.pad_token_id, config.eos_token_id = 2, 0, 3
    config.architectures = ["EncoderDecoderModel"]
    return config


#: Gated delta-rule hybrids: a delta-rule layer (2 key heads serving 4 value heads) and an attention layer.
_DELTA = dict(vocab_size=V, hidden_size=H, num_hidden_layers=2, num_attention_heads=A, num_key_value_heads=2,
              head_dim=8, linear_conv_kernel_dim=4, linear_key_head_dim=8, linear_value_head_dim=8,
              linear_num_key_heads=2, linear_num_value_heads=4, layer_types=["linear_attention", "full_attention"],
              max_position_embeddings=256, pad_token_id=0, eos_token_id=2)
_DELTA_MOE = dict(moe_intermediate_size=16, shared_expert_intermediate_size=16, num_experts_per_tok=2, num_experts=4)


#: Hybrid decoders (issue 14): layer lists mixing state and attention layers, small scan chunks (4) so that the
#: checks' prompts cross several, a convolution window (3-4) shorter than them.
HYBRID_CONFIGS: dict[str, tuple[str, dict[str, Any]]] = {
    "lfm2": ("Lfm2Config", dict(vocab_size=V, hidden_size=H, intermediate_size=64, num_hidden_layers=3,
                                num_attention_heads=A, num_key_value_heads=2, max_position_embeddings=256,
                                conv_L_cache=3, block_multiple_of=16, pad_token_id=0,
                                layer_types=["conv", "full_attention", "conv"])),
    "lfm3": ("Lfm3Config", dict(vocab_size=V, hidden_size=H, intermediate_size=64, num_hidden_layers=4,
                                num_attention_heads=A, num_key_value_heads=2, head_dim=8, max_position_embeddings=256,
                                conv_L_cache=3, sliding_window=8, pad_token_id=0, bos_token_id=1, eos_token_id=2,
                                layer_types=["conv", "sliding_attention", "full_attention", "conv"])),
    "lfm2_moe": ("Lfm2MoeConfig", dict(vocab_size=V, hidden_size=H, intermediate_size=64, moe_intermediate_size=16,
                                       num_hidden_layers=3, num_attention_heads=A, num_key_value_heads=2,
                                       max_position_embeddings=256, conv_L_cache=3, num_dense_layers=1, num_experts=4,
                                       num_experts_per_tok=2, pad_token_id=0,
                                       layer_types=["conv", "full_attention", "conv"])),
    "granitemoehybrid": ("GraniteMoeHybridConfig", dict(
        vocab_size=V, hidden_size=H, intermediate_size=48, shared_intermediate_size=48, num_hidden_layers=2,
        num_attention_heads=A, num_key_value_heads=2, max_position_embeddings=256, num_local_experts=4,
        num_experts_per_tok=2, mamba_n_heads=4, mamba_n_groups=1, mamba_d_state=8, mamba_d_conv=4, mamba_expand=2,
        mamba_chunk_size=4, layer_types=["mamba", "attention"], position_embedding_type="rope", pad_token_id=0)),
    "falcon_h1": ("FalconH1Config", dict(
        vocab_size=V, hidden_size=H, intermediate_size=48, num_hidden_layers=2, num_attention_heads=A,
        num_key_value_heads=2, head_dim=8, mamba_d_ssm=32, mamba_n_heads=4, mamba_d_head=8, mamba_n_groups=1,
        mamba_d_state=8, mamba_d_conv=4, mamba_chunk_size=4, max_position_embeddings=256, pad_token_id=0)),
    "nemotron_h": ("NemotronHConfig", dict(
        vocab_size=V, hidden_size=H, layers_block_type=["mamba", "attention", "mlp"], num_attention_heads=A,
        num_key_value_heads=2, head_dim=8, intermediate_size=48, ssm_state_size=8, mamba_num_heads=4,
        mamba_head_dim=16, n_groups=1, conv_kernel=4, chunk_size=4, max_position_embeddings=256, pad_token_id=0)),
    "mamba2": ("Mamba2Config", dict(vocab_size=V, hidden_size=H, num_hidden_layers=2, state_size=8, num_heads=4,
                                    head_dim=16, n_groups=1, conv_kernel=4, chunk_size=4, expand=2, pad_token_id=0)),
    # issue 13 §5: more hybrid families
    "bamba": ("BambaConfig", dict(
        vocab_size=V, hidden_size=H, intermediate_size=48, num_hidden_layers=2, num_attention_heads=A,
        num_key_value_heads=2, attn_layer_indices=[1], mamba_n_heads=4, mamba_n_groups=1, mamba_d_state=8,
        mamba_d_conv=4, mamba_expand=2, mamba_chunk_size=4, max_position_embeddings=256, pad_token_id=0)),
    "zamba2": ("Zamba2Config", dict(
        vocab_size=V, hidden_size=H, num_hidden_layers=3, layers_block_type=["mamba", "hybrid", "mamba"],
        num_attention_heads=A, mamba_d_state=8, mamba_d_conv=4, n_mamba_heads=4, chunk_size=4, adapter_rank=8,
        max_position_embeddings=256, use_mamba_kernels=False, pad_token_id=0)),
    "mamba": ("MambaConfig", dict(vocab_size=V, hidden_size=H, num_hidden_layers=2, state_size=8, conv_kernel=4,
                                  expand=2, pad_token_id=0)),
    "falcon_mamba": ("FalconMambaConfig", dict(vocab_size=V, hidden_size=H, num_hidden_layers=2, state_size=8,
                                               conv_kernel=4, expand=2, pad_token_id=0)),
    "jamba": ("JambaConfig", dict(
        vocab_size=V, hidden_size=H, intermediate_size=48, num_hidden_layers=2, num_attention_heads=A,
        num_key_value_heads=2, num_experts=4, num_experts_per_tok=2, expert_layer_period=2, expert_layer_offset=1,
        attn_layer_period=2, attn_layer_offset=1, mamba_d_state=8, mamba_d_conv=4, mamba_expand=2,
        use_mamba_kernels=False, max_position_embeddings=256, pad_token_id=0)),
    **{name: (cls, dict(_DELTA, **extra)) for name, cls, extra in (
        ("qwen3_next", "Qwen3NextConfig", _DELTA_MOE), ("qwen3_5_moe_text", "Qwen3_5MoeTextConfig", _DELTA_MOE),
        ("lara_mini", "LaraMiniConfig", dict(_DELTA_MOE, num_hidden_layers=3, sliding_window=8,
                                             layer_types=["linear_attention", "sliding_attention",
                                                          "full_attention"])),
        ("qwen3_5_text", "Qwen3_5TextConfig", dict(intermediate_size=48)),
        ("olmo_hybrid", "OlmoHybridConfig", dict(intermediate_size=48)))},
    "kimi_linear": ("KimiLinearConfig", dict(
        vocab_size=V, hidden_size=H, intermediate_size=48, moe_intermediate_size=16, num_hidden_layers=2,
        num_attention_heads=A, num_key_value_heads=A, kv_lora_rank=16, qk_rope_head_dim=4, v_head_dim=8,
        qk_nope_head_dim=8, num_experts_per_tok=2, num_local_experts=4, linear_head_dim=8, linear_num_heads=4,
        layer_types=["linear_attention", "full_attention"], max_position_embeddings=256, pad_token_id=0,
        bos_token_id=1, eos_token_id=2)),
    "bailing_hybrid": ("BailingHybridConfig", dict(
        vocab_size=V, hidden_size=H, intermediate_size=48, moe_intermediate_size=16, num_hidden_layers=2,
        num_attention_heads=A, num_key_value_heads=A, kv_lora_rank=16, qk_rope_head_dim=4, v_head_dim=8,
        qk_nope_head_dim=8, head_dim=8, n_group=1, topk_group=1, num_experts_per_tok=2, num_local_experts=4,
        first_k_dense_replace=1, layer_group_size=2, max_position_embeddings=256, pad_token_id=0, eos_token_id=2)),
    "zaya": ("ZayaConfig", dict(vocab_size=V, hidden_size=H, num_hidden_layers=2, num_attention_heads=A,
                                num_key_value_heads=2, head_dim=8, moe_intermediate_size=16, num_experts=4,
                                router_hidden_size=16, cca_time0=2, cca_time1=3, max_position_embeddings=256,
                                pad_token_id=0, eos_token_id=2)),
}
_VLM_TEXT = dict(vocab_size=V, hidden_size=H, num_hidden_layers=2, num_attention_heads=A, num_key_value_heads=2,
                 intermediate_size=48, max_position_embeddings=256, pad_token_id=0, bos_token_id=1, eos_token_id=2)
_VLM_VISION = dict(hidden_size=24, intermediate_size=40, num_hidden_layers=1, num_attention_heads=4, image_size=IMG,
                   patch_size=8)
#: Vision-language models (issue 14): 32-pixel images of 8-pixel patches, a 2-layer text model.
IMAGE_TEXT_CONFIGS: dict[str, tuple[str, dict[str, Any]]] = {
    "llava": ("LlavaConfig", dict(vision_config=dict(_VLM_VISION, model_type="clip_vision_model"),
                                  text_config=dict(_VLM_TEXT, model_type="llama"), image_token_id=5,
                                  vision_feature_layer=-1, vision_feature_select_strategy="default")),
    "paligemma": ("PaliGemmaConfig", dict(vision_config=dict(_VLM_VISION, projection_dim=H),
                                          text_config=dict(_VLM_TEXT, model_type="gemma", head_dim=8),
                                          image_token_id=5, projection_dim=H)),
    "gemma3": ("Gemma3Config", dict(vision_config=_VLM_VISION, mm_tokens_per_image=4, image_token_id=4,
                                    boi_token_index=5, eoi_token_index=6, tie_word_embeddings=False,
                                    text_config=dict(_VLM_TEXT, head_dim=8, sliding_window=8, tie_word_embeddings=False,
                                                     layer_types=["sliding_attention", "full_attention"]))),
    "idefics3": ("Idefics3Config", dict(vision_config=_VLM_VISION, text_config=dict(_VLM_TEXT, model_type="llama"),
                                        scale_factor=2, image_token_id=5)),
    "smolvlm": ("SmolVLMConfig", dict(vision_config=_VLM_VISION, text_config=dict(_VLM_TEXT, model_type="llama"),
                                      scale_factor=2, image_token_id=5)),
    "qwen2_vl": ("Qwen2VLConfig", dict(
        text_config=dict(_VLM_TEXT, max_position_embeddings=512,
                         rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2, 1, 1]}),
        vision_config=dict(depth=1, embed_dim=32, hidden_size=H, num_heads=4, mlp_ratio=2, patch_size=4,
                           spatial_merge_size=2, temporal_patch_size=2, in_channels=3),
        image_token_id=7, video_token_id=8, vision_start_token_id=5, vision_end_token_id=6)),
    "qwen2_5_vl": ("Qwen2_5_VLConfig", dict(
        text_config=dict(_VLM_TEXT, max_position_embeddings=512,
                         rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2, 1, 1]}),
        vision_config=dict(depth=2, hidden_size=32, out_hidden_size=H, intermediate_size=40, num_heads=4, patch_size=4,
                           spatial_merge_size=2, temporal_patch_size=2, in_channels=3, window_size=16,
                           fullatt_block_indexes=[1]),
        image_token_id=7, video_token_id=8, vision_start_token_id=5, vision_end_token_id=6)),
    "lfm2_vl": ("Lfm2VlConfig", dict(
        vision_config=dict(hidden_size=24, intermediate_size=40, num_hidden_layers=1, num_attention_heads=4,
                           patch_size=4, num_patches=64),
        text_config=dict(vocab_size=V, hidden_size=H, num_hidden_layers=3, num_attention_heads=A,
                         num_key_value_heads=2, intermediate_size=64, block_multiple_of=16, conv_L_cache=3,
                         layer_types=["conv", "full_attention", "conv"], pad_token_id=0),
        image_token_id=4, projector_hidden_size=32, downsample_factor=2)),
}

#: Their classes (they register no task a folder without ``architectures`` would default to).
ISSUE_14_ARCHITECTURES = {
    'lfm2': 'Lfm2ForCausalLM',
    'lfm3': 'Lfm3ForCausalLM',
    'lfm2_moe': 'Lfm2MoeForCausalLM',
    'granitemoehybrid': 'GraniteMoeHybridForCausalLM',
    'falcon_h1': 'FalconH1ForCausalLM',
    'nemotron_h': 'NemotronHForCausalLM',
    'mamba2': 'Mamba2ForCausalLM',
    'bamba': 'BambaForCausalLM',
    'zamba2': 'Zamba2ForCausalLM',
    'mamba': 'MambaForCausalLM',
    'falcon_mamba': 'FalconMambaForCausalLM',
    'jamba': 'JambaForCausalLM',
    'qwen3_next': 'Qwen3NextForCausalLM',
    'qwen3_5_moe_text': 'Qwen3_5MoeForCausalLM',
    'lara_mini': 'LaraMiniForCausalLM',
    'qwen3_5_text': 'Qwen3_5ForCausalLM',
    'olmo_hybrid': 'OlmoHybridForCausalLM',
    'kimi_linear': 'KimiLinearForCausalLM',
    'bailing_hybrid': 'BailingHybridForCausalLM',
    'zaya': 'ZayaForCausalLM',
    'llava': 'LlavaForConditionalGeneration',
    'paligemma': 'PaliGemmaForConditionalGeneration',
    'gemma3': 'Gemma3ForConditionalGeneration',
    'idefics3': 'Idefics3ForConditionalGeneration',
    'smolvlm': 'SmolVLMForConditionalGeneration',
    'lfm2_vl': 'Lfm2VlForConditionalGeneration',
    'qwen2_vl': 'Qwen2VLForConditionalGeneration',
    'qwen2_5_vl': 'Qwen2_5_VLForConditionalGeneration',
}

ARCHITECTURE_CONFIGS: dict[str, Callable[[], Any]] = {
    # ---- encoders with BERT's inputs
    "albert": _cfg("AlbertConfig", **TEXT, embedding_size=16, type_vocab_size=2),
    "convbert": _cfg("ConvBertConfig", **TEXT, embedding_size=H, type_vocab_size=2),
    "electra": _cfg("ElectraConfig", **TEXT, embedding_size=H, type_vocab_size=2),
    "roformer": _cfg("RoFormerConfig", **TEXT, type_vocab_size=2),
    "squeezebert": _cfg("SqueezeBertConfig", **{**TEXT, "intermediate_size": 64}, embedding_size=H, type_vocab_size=2),
    "mobilebert": _cfg("MobileBertConfig", **TEXT, embedding_size=H, intra_bottleneck_size=H, true_hidden_size=H,
                       num_feedforward_networks=1, type_vocab_size=2),
    "nystromformer": _cfg("NystromformerConfig", **{**TEXT, "max_position_embeddings": 80}, num_landmarks=4,
                          segment_means_seq_len=64, type_vocab_size=2),
    "rembert": _cfg("RemBertConfig", **TEXT, input_embedding_size=16, output_embedding_size=16, type_vocab_size=2),
    "megatron-bert": _cfg("MegatronBertConfig", **TEXT, type_vocab_size=2),
    "splinter": _cfg("SplinterConfig", **TEXT, type_vocab_size=2, question_token_id=5),
    "xlm": _cfg("XLMConfig", vocab_size=V, emb_dim=H, n_layers=L, n_heads=A, max_position_embeddings=64),
    "flaubert": _cfg("FlaubertConfig", vocab_size=V, emb_dim=H, n_layers=L, n_heads=A, max_position_embeddings=64),
    "deberta": _cfg("DebertaConfig", **TEXT, type_vocab_size=0),  # DeBERTa's default: no token types
    "deberta-v2": _cfg("DebertaV2Config", **TEXT, type_vocab_size=2),  # with token types (the other branch)
    # ---- encoders with RoBERTa's inputs
    "camembert": _cfg("CamembertConfig", **{**TEXT, "max_position_embeddings": 66}, type_vocab_size=1,
                      pad_token_id=1),
    "xlm-roberta": _cfg("XLMRobertaConfig", **{**TEXT, "max_position_embeddings": 66}, type_vocab_size=1,
                        pad_token_id=1),
    "data2vec-text": _cfg("Data2VecTextConfig", **{**TEXT, "max_position_embeddings": 66}, type_vocab_size=1,
                          pad_token_id=1),
    "ibert": _cfg("IBertConfig", **{**TEXT, "max_position_embeddings": 66}, type_vocab_size=1, pad_token_id=1),
    "mpnet": _cfg("MPNetConfig", **{**TEXT, "max_position_embeddings": 66}, pad_token_id=1),
    "big_bird": _cfg("BigBirdConfig", **TEXT, attention_type="original_full", type_vocab_size=2, pad_token_id=0),
    # a window of 4 tokens: the validation's 7 and 11 are longer than a window and not multiples of it
    "longformer": _cfg("LongformerConfig", **{**TEXT, "max_position_embeddings": 66}, type_vocab_size=1,
                       pad_token_id=1, attention_window=4),
    "modernbert": _cfg("ModernBertConfig", **TEXT, global_attn_every_n_layers=2, local_attention=16,
                       pad_token_id=0, bos_token_id=1, eos_token_id=2, cls_token_id=1, sep_token_id=2),
    "esm": _cfg("EsmConfig", **TEXT, pad_token_id=1, mask_token_id=4, position_embedding_type="rotary"),
    # ---- decoders
    "mistral": _cfg("MistralConfig", **GQA, sliding_window=4),
    "mixtral": _cfg("MixtralConfig", **{**GQA, "intermediate_size": 32}, num_local_experts=4, num_experts_per_tok=2,
                    sliding_window=None),
    "qwen3": _cfg("Qwen3Config", **GQA),
    "qwen3_moe": _cfg("Qwen3MoeConfig", **GQA, num_experts=4, num_experts_per_tok=2, moe_intermediate_size=16,
                      decoder_sparse_step=1),
    "granite": _cfg("GraniteConfig", **{k: v for k, v in GQA.items() if k != "head_dim"}),
    "olmo": _cfg("OlmoConfig", **{k: v for k, v in GQA.items() if k != "head_dim"}),
    "olmo2": _cfg("Olmo2Config", **{k: v for k, v in GQA.items() if k != "head_dim"}),
    "stablelm": _cfg("StableLmConfig", **{k: v for k, v in GQA.items() if k != "head_dim"}),
    "cohere": _cfg("CohereConfig", **DECODER),
    "smollm3": _cfg("SmolLM3Config", **{k: v for k, v in GQA.items() if k != "head_dim"}),
    "helium": _cfg("HeliumConfig", **{**GQA, "head_dim": H // A}),  # its o_proj assumes heads * head_dim == hidden
    "arcee": _cfg("ArceeConfig", **GQA),
    "glm": _cfg("GlmConfig", **DECODER, head_dim=H // A),
    "starcoder2": _cfg("Starcoder2Config", **{k: v for k, v in GQA.items() if k != "head_dim"}),
    "phi": _cfg("PhiConfig", **DECODER),
    "phi3": _cfg("Phi3Config", **{k: v for k, v in GQA.items() if k != "head_dim"}),
    "gemma": _cfg("GemmaConfig", **GQA),
    "gemma2": _cfg("Gemma2Config", **GQA, sliding_window=4),
    "gemma3_text": _cfg("Gemma3TextConfig", **GQA, sliding_window=4, rope_scaling=None),
    "nemotron": _cfg("NemotronConfig", **{k: v for k, v in GQA.items() if k != "head_dim"}),
    "gpt_neo": _cfg("GPTNeoConfig", vocab_size=V, hidden_size=H, num_layers=L, num_heads=A, intermediate_size=I,
                    max_position_embeddings=64, attention_types=[[["global", "local"], 1]], window_size=4,
                    bos_token_id=1, eos_token_id=2, pad_token_id=0),
    "gptj": _cfg("GPTJConfig", vocab_size=V, n_embd=H, n_layer=L, n_head=A, n_positions=64, rotary_dim=4,
                 bos_token_id=1, eos_token_id=2, pad_token_id=0),
    "codegen": _cfg("CodeGenConfig", vocab_size=V, n_embd=H, n_layer=L, n_head=A, n_positions=64, n_ctx=64,
                    rotary_dim=4, bos_token_id=1, eos_token_id=2, pad_token_id=0),
    "gpt_neox": _cfg("GPTNeoXConfig", **DECODER),
    "opt": _cfg("OPTConfig", vocab_size=V, hidden_size=H, num_hidden_layers=L, num_attention_heads=A, ffn_dim=I,
                word_embed_proj_dim=H, max_position_embeddings=64, bos_token_id=2, eos_token_id=2, pad_token_id=1),
    "bloom": _cfg("BloomConfig", vocab_size=V, hidden_size=H, n_layer=L, n_head=A, bos_token_id=1, eos_token_id=2,
                  pad_token_id=0),
    "mpt": _cfg("MptConfig", vocab_size=V, d_model=H, n_layers=L, n_heads=A, max_seq_len=64, expansion_ratio=2,
                bos_token_id=1, eos_token_id=2, pad_token_id=0),
    "falcon": _cfg("FalconConfig", vocab_size=V, hidden_size=H, num_hidden_layers=L, num_attention_heads=A,
                   bos_token_id=1, eos_token_id=2, pad_token_id=0),
    "gpt_bigcode": _cfg("GPTBigCodeConfig", vocab_size=V, n_embd=H, n_layer=L, n_head=A, n_positions=64,
                        bos_token_id=1, eos_token_id=2, pad_token_id=0),
    # ---- encoder-decoder text
    "mbart": _cfg("MBartConfig", **BART),
    "marian": _cfg("MarianConfig", **{**BART, "pad_token_id": 1, "decoder_start_token_id": 1}),
    "pegasus": _cfg("PegasusConfig", **{**BART, "pad_token_id": 0, "decoder_start_token_id": 0, "eos_token_id": 1}),
    "blenderbot": _cfg("BlenderbotConfig", **BART),
    "blenderbot-small": _cfg("BlenderbotSmallConfig", **BART),
    "m2m_100": _cfg("M2M100Config", **BART, encoder_layerdrop=0.0, decoder_layerdrop=0.0),
    "bigbird_pegasus": _cfg("BigBirdPegasusConfig", **BART, attention_type="original_full"),
    "mt5": _cfg("MT5Config", **T5),
    "longt5": _cfg("LongT5Config", **T5, local_radius=2, global_block_size=4),
    "umt5": _cfg("UMT5Config", **T5),
    # ---- vision
    "deit": _cfg("DeiTConfig", **VIT, encoder_stride=4),
    "beit": _cfg("BeitConfig", **VIT, use_mask_token=True),
    "data2vec-vision": _cfg("Data2VecVisionConfig", **VIT),
    "dinov2": _cfg("Dinov2Config", **VIT),
    "dinov2_with_registers": _cfg("Dinov2WithRegistersConfig", **VIT, num_register_tokens=2),
    "vit_msn": _cfg("ViTMSNConfig", **VIT),
    "cvt": _cfg("CvtConfig", embed_dim=[16, 32], num_heads=[1, 2], depth=[1, 2], patch_sizes=[7, 3],
                patch_stride=[4, 2], patch_padding=[2, 1], mlp_ratio=[2.0, 2.0], attention_drop_rate=[0.0, 0.0],
                drop_rate=[0.0, 0.0], drop_path_rate=[0.0, 0.0], qkv_bias=[True, True], cls_token=[False, True],
                qkv_projection_method=["dw_bn", "dw_bn"], kernel_qkv=[3, 3], padding_kv=[1, 1],
                stride_kv=[2, 2], padding_q=[1, 1], stride_q=[1, 1]),
    "levit": _cfg("LevitConfig", image_size=IMG, patch_size=16, hidden_sizes=[16, 32, 48],
                  num_attention_heads=[1, 2, 3],
                  depths=[1, 1, 1], key_dim=[8, 8, 8], drop_path_rate=0, mlp_ratio=[2, 2, 2],
                  attention_ratio=[2, 2, 2], down_ops=[["Subsample", 8, 1, 2, 2, 2], ["Subsample", 8, 2, 2, 2, 2]]),
    "pvt": _cfg("PvtConfig", image_size=IMG, hidden_sizes=[8, 8, 16, 16], depths=[1, 1, 1, 1],
                num_attention_heads=[1, 1, 2, 2], num_encoder_blocks=4, sequence_reduction_ratios=[4, 2, 1, 1],
                patch_sizes=[4, 2, 2, 2], strides=[4, 2, 2, 2], mlp_ratios=[2, 2, 2, 2], num_labels=3),
    "pvt_v2": _cfg("PvtV2Config", image_size=IMG, hidden_sizes=[8, 16], depths=[1, 1], num_attention_heads=[1, 2],
                   num_encoder_blocks=2, sr_ratios=[4, 2], patch_sizes=[7, 3], strides=[4, 2], mlp_ratios=[2, 2]),
    "hiera": _cfg("HieraConfig", image_size=[IMG, IMG], patch_size=[3, 3], patch_stride=[2, 2], patch_padding=[1, 1],
                  embed_dim=8, depths=[1, 1], num_heads=[1, 2], query_stride=[2, 2], masked_unit_size=[4, 4],
                  masked_unit_attention=[True, False], mlp_ratio=2.0, num_query_pool=1),
    "swin": _cfg("SwinConfig", **SWIN, encoder_stride=8),
    "swinv2": _cfg("Swinv2Config", **SWIN, encoder_stride=8),
    "donut-swin": _cfg("DonutSwinConfig", **SWIN),
    "focalnet": _cfg("FocalNetConfig", image_size=IMG, patch_size=4, embed_dim=8, depths=[1, 1],
                     hidden_sizes=[8, 16], focal_levels=[1, 1], focal_windows=[3, 3], encoder_stride=8),
    "convnext": _cfg("ConvNextConfig", hidden_sizes=[8, 16], depths=[1, 1], num_stages=2, image_size=IMG),
    "convnextv2": _cfg("ConvNextV2Config", hidden_sizes=[8, 16], depths=[1, 1], num_stages=2, image_size=IMG),
    "resnet": _cfg("ResNetConfig", embedding_size=8, hidden_sizes=[8, 16], depths=[1, 1]),
    "regnet": _cfg("RegNetConfig", embedding_size=8, hidden_sizes=[8, 16], depths=[1, 1], groups_width=8),
    "bit": _cfg("BitConfig", embedding_size=8, hidden_sizes=[8, 16], depths=[1, 1], num_groups=4),
    "poolformer": _cfg("PoolFormerConfig", hidden_sizes=[8, 16], depths=[1, 1], num_encoder_blocks=2,
                       patch_sizes=[7, 3], strides=[4, 2], padding=[2, 1], mlp_ratio=2.0),
    "mobilenet_v1": _cfg("MobileNetV1Config", image_size=IMG, depth_multiplier=0.25),
    "mobilenet_v2": _cfg("MobileNetV2Config", image_size=IMG, depth_multiplier=0.25),
    "efficientnet": _cfg("EfficientNetConfig", image_size=IMG, width_coefficient=0.1, depth_coefficient=0.1,
                         hidden_dim=128, num_hidden_layers=4),
    "mobilevit": _cfg("MobileViTConfig", image_size=IMG, hidden_sizes=[16, 16, 16],
                      neck_hidden_sizes=[8, 8, 8, 8, 8, 8, 16],
                      num_attention_heads=2, aspp_out_channels=16),
    "mobilevitv2": _cfg("MobileViTV2Config", image_size=64, width_multiplier=0.25, aspp_out_channels=16),
    "segformer": _cfg("SegformerConfig", num_encoder_blocks=2, depths=[1, 1], sr_ratios=[4, 2], hidden_sizes=[8, 16],
                      patch_sizes=[7, 3], strides=[4, 2], num_attention_heads=[1, 2], mlp_ratios=[2, 2],
                      decoder_hidden_size=16),
    "dpt": _cfg("DPTConfig", **{**VIT, "num_hidden_layers": 4}, backbone_out_indices=[0, 1, 2, 3],
                neck_hidden_sizes=[8, 8, 16, 16], fusion_hidden_size=16, head_in_index=-1),
    "glpn": _cfg("GLPNConfig", num_encoder_blocks=2, depths=[1, 1], sr_ratios=[4, 2], hidden_sizes=[8, 16],
                 patch_sizes=[7, 3], strides=[4, 2], num_attention_heads=[1, 2], mlp_ratios=[2, 2],
                 decoder_hidden_size=16),
    "yolos": _cfg("YolosConfig", **{**VIT, "image_size": [IMG, IMG]}, num_detection_tokens=5, num_labels=3),
    "detr": _detr("DetrConfig"),
    "table-transformer": _detr("TableTransformerConfig"),
    "conditional_detr": _detr("ConditionalDetrConfig"),
    # ---- image and text
    "chinese_clip": _clip_like("ChineseCLIPConfig", text={"type_vocab_size": 2}, projection_dim=H),
    "groupvit": _cfg("GroupViTConfig",
                     text_config=dict(vocab_size=V, hidden_size=H, num_hidden_layers=L, num_attention_heads=A,
                                      intermediate_size=I, max_position_embeddings=64),
                     vision_config=dict(hidden_size=H, num_hidden_layers=L, num_attention_heads=A,
                                        intermediate_size=I, image_size=IMG, patch_size=4, depths=[1, 1],
                                        num_group_tokens=[4, 0], num_output_groups=[4, 1]),
                     projection_dim=H, projection_intermediate_dim=H),
    "siglip": _clip_like("SiglipConfig"),
    "vision-encoder-decoder": lambda: _vision_encoder_decoder(),
    # ---- layout
    "layoutlm": _cfg("LayoutLMConfig", **TEXT, type_vocab_size=2, max_2d_position_embeddings=128),
    "layoutlmv3": _cfg("LayoutLMv3Config", **{**TEXT, "hidden_size": 48}, max_2d_position_embeddings=128, input_size=32, patch_size=8,
                       coordinate_size=8, shape_size=8, rel_pos_bins=8, max_rel_pos=16, rel_2d_pos_bins=8,
                       max_rel_2d_pos=32),
    # LiLT splits the hidden size into 6 box coordinates after shrinking it by channel_shrink_ratio: 48 / 4 / 6
    "lilt": _cfg("LiltConfig", **{**TEXT, "max_position_embeddings": 66, "hidden_size": 48}, type_vocab_size=1,
                 pad_token_id=1,
                 channel_shrink_ratio=4, max_2d_position_embeddings=1024),
    "speech_to_text": _cfg("Speech2TextConfig", **{k: v for k, v in BART.items() if k != "max_position_embeddings"},
                           max_source_positions=64, max_target_positions=64, num_conv_layers=2,
                           conv_kernel_sizes=(5, 5), conv_channels=16, input_feat_per_channel=8, input_channels=1),
    # ---- audio on spectrograms
    "audio-spectrogram-transformer": _cfg("ASTConfig", hidden_size=H, num_hidden_layers=L, num_attention_heads=A,
                                          intermediate_size=I, patch_size=8, frequency_stride=8, time_stride=8,
                                          max_length=32, num_mel_bins=16),
    # ---- audio on waveforms
    "hubert": _cfg("HubertConfig", **AUDIO),
    "sew": _cfg("SEWConfig", **AUDIO, squeeze_factor=2),
    "sew-d": _cfg("SEWDConfig", **AUDIO, squeeze_factor=2, position_buckets=16),
    "unispeech": _cfg("UniSpeechConfig", **AUDIO),
    "unispeech-sat": _cfg("UniSpeechSatConfig", **AUDIO, tdnn_dim=(16, 16), tdnn_kernel=(3, 1),
                          tdnn_dilation=(1, 1), xvector_output_dim=8),
    "wavlm": _cfg("WavLMConfig", **AUDIO, tdnn_dim=(16, 16), tdnn_kernel=(3, 1), tdnn_dilation=(1, 1),
                  xvector_output_dim=8),
    "data2vec-audio": _cfg("Data2VecAudioConfig", **{**AUDIO, "num_conv_pos_embeddings": 5}, conv_pos_kernel_size=5,
                           tdnn_dim=(16, 16), tdnn_kernel=(3, 1), tdnn_dilation=(1, 1), xvector_output_dim=8),
    "wav2vec2-conformer": _cfg("Wav2Vec2ConformerConfig", **AUDIO, conv_depthwise_kernel_size=3,
                               tdnn_dim=(16, 16), tdnn_kernel=(3, 1), tdnn_dilation=(1, 1), xvector_output_dim=8),
    # ---- hybrid / state-space decoders and vision-language models (issue 14): tests/e2e/test_hybrid.py and
    # tests/e2e/test_multimodal.py build the same from HYBRID_CONFIGS / IMAGE_TEXT_CONFIGS with spread weights
    **{name: _cfg(cls, **kwargs, architectures=[ISSUE_14_ARCHITECTURES[name]])
       for name, (cls, kwargs) in (HYBRID_CONFIGS | IMAGE_TEXT_CONFIGS).items()},
    # ---- the rest of Optimum's list (issue 13 §3)
    "depth_anything": _cfg("DepthAnythingConfig", backbone_config=dict(
        model_type="dinov2", **{**VIT, "num_hidden_layers": 4}, out_indices=[1, 2, 3, 4], reshape_hidden_states=False),
        reassemble_hidden_size=H, patch_size=4, neck_hidden_sizes=[8, 8, 16, 16], fusion_hidden_size=16,
        head_hidden_size=8, architectures=["DepthAnythingForDepthEstimation"]),
    # (the types with no feature-extraction name their class: a folder without one infers no task)
    "rt_detr": _rt_detr("RTDetrConfig", architectures=["RTDetrForObjectDetection"]),
    "rt_detr_v2": _rt_detr("RTDetrV2Config", decoder_n_levels=3, architectures=["RTDetrV2ForObjectDetection"]),
    "d_fine": _rt_detr("DFineConfig", architectures=["DFineForObjectDetection"], backbone=dict(
        model_type="hgnet_v2", embedding_size=8, depths=[1, 1, 1, 1], hidden_sizes=[16, 16, 16, 16],
        stem_channels=[3, 8, 8], stage_in_channels=[8, 16, 16, 16], stage_mid_channels=[8, 8, 8, 8],
        stage_out_channels=[16, 16, 16, 16], stage_num_blocks=[1, 1, 1, 1], stage_numb_of_layers=[1, 1, 1, 1],
        out_features=["stage2", "stage3", "stage4"]), lqe_hidden_dim=8, max_num_bins=8),
    "swin2sr": _cfg("Swin2SRConfig", image_size=IMG, embed_dim=16, depths=(1, 1), num_heads=(2, 2), window_size=4,
                    upscale=2),
    "vitpose": _cfg("VitPoseConfig", backbone_config=dict(
        model_type="vitpose_backbone", image_size=[IMG, 24], patch_size=[8, 8], hidden_size=H, num_hidden_layers=L,
        num_attention_heads=A, mlp_ratio=2, out_indices=[L]), scale_factor=4,
        architectures=["VitPoseForPoseEstimation"]),
    "vit_mae": _cfg("ViTMAEConfig", **VIT, mask_ratio=0.5, decoder_hidden_size=H, decoder_num_hidden_layers=1,
                    decoder_num_attention_heads=A, decoder_intermediate_size=I),
    "clip_vision_model": _cfg("CLIPVisionConfig", **VIT),
    "siglip_vision_model": _cfg("SiglipVisionConfig", **VIT),
    # eos 2: CLIP's first checkpoints' pooling (the highest id's position); tests/e2e/test_text_towers.py the other
    "clip_text_model": _cfg("CLIPTextConfig", **TEXT, bos_token_id=0, eos_token_id=2, pad_token_id=1),
    "siglip_text_model": _cfg("SiglipTextConfig", **TEXT),
    "owlvit": _clip_like("OwlViTConfig", projection_dim=H),
    "owlv2": _clip_like("Owlv2Config", projection_dim=H),
    # patches of 4 x 4 pixels x 3 channels; rows and columns up to 64; the cross-attention reads the vision width.
    # 8 relative buckets up to 24 tokens: no distance lands exactly on a bucket edge (with 16, distance 8 computes
    # log(2) / log(4) * 4 = 2.0, which rounding puts in either bucket)
    "pix2struct": _cfg("Pix2StructConfig", decoder_start_token_id=0, pad_token_id=0, eos_token_id=1,
                       text_config=dict(vocab_size=V, hidden_size=H, d_kv=8, d_ff=I, num_layers=L, num_heads=A,
                                        relative_attention_num_buckets=8, relative_attention_max_distance=24),
                       vision_config=dict(hidden_size=H, patch_embed_hidden_size=48, d_ff=I, d_kv=8,
                                          num_hidden_layers=L, num_attention_heads=A, seq_len=64),
                       architectures=["Pix2StructForConditionalGeneration"]),
    "patchtst": _cfg("PatchTSTConfig", num_input_channels=2, context_length=26, patch_length=4, patch_stride=4,
                     num_hidden_layers=L, d_model=H, num_attention_heads=A, ffn_dim=I, prediction_length=6),
    "patchtsmixer": _cfg("PatchTSMixerConfig", num_input_channels=2, context_length=26, patch_length=4,
                         patch_stride=4, d_model=16, num_layers=L, prediction_length=6),
    "decision_transformer": _cfg("DecisionTransformerConfig", state_dim=5, act_dim=3, hidden_size=H, n_layer=L,
                                 n_head=A, n_positions=64, max_ep_len=100),
    "visual_bert": _cfg("VisualBertConfig", **TEXT, visual_embedding_dim=24, type_vocab_size=2),
    "encoder-decoder": lambda: _encoder_decoder(),
    "maskformer": _cfg("MaskFormerConfig", backbone_config=dict(model_type="swin", **_SWIN4),
        fpn_feature_size=32, mask_feature_size=32,
        decoder_config=dict(model_type="detr", d_model=16, encoder_layers=1, decoder_layers=1,
                            encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=I,
                            decoder_ffn_dim=I, num_queries=5), num_labels=3,
        architectures=["MaskFormerForInstanceSegmentation"]),
    "mask2former": _cfg("Mask2FormerConfig", backbone_config=dict(model_type="swin", **_SWIN4),
        feature_size=32, mask_feature_size=32, hidden_dim=32, encoder_feedforward_dim=I, encoder_layers=1,
        decoder_layers=2, num_attention_heads=2, dim_feedforward=I, num_queries=5, num_labels=3,
        architectures=["Mask2FormerForUniversalSegmentation"]),
    "mgp-str": _cfg("MgpstrConfig", image_size=[16, 32], patch_size=4, hidden_size=H, num_hidden_layers=L,
                    num_attention_heads=A, mlp_ratio=2.0, max_token_length=6, num_character_labels=10,
                    num_bpe_labels=20, num_wordpiece_labels=24),
    "clap": _cfg("ClapConfig", projection_dim=16, text_config=dict(
        **{**TEXT, "max_position_embeddings": 66}, pad_token_id=1, type_vocab_size=1, projection_dim=16),
        audio_config=dict(spec_size=32, num_mel_bins=8, window_size=4, patch_size=4, patch_stride=[4, 4],
                          depths=[1, 1], num_attention_heads=[2, 2], hidden_size=H, patch_embeds_hidden_size=16,
                          projection_dim=16, enable_fusion=False)),
    "dab-detr": _cfg("DabDetrConfig", use_timm_backbone=False, use_pretrained_backbone=False, backbone_config=dict(
        model_type="resnet", embedding_size=8, hidden_sizes=[8, 16], depths=[1, 1], out_features=["stage2"]),
        hidden_size=H, encoder_layers=1, decoder_layers=1, encoder_attention_heads=8, decoder_attention_heads=8,
        encoder_ffn_dim=I, decoder_ffn_dim=I, num_queries=5, num_labels=3, architectures=["DabDetrForObjectDetection"]),
    "deformable_detr": _cfg("DeformableDetrConfig", use_timm_backbone=False, use_pretrained_backbone=False,
        backbone_config=dict(model_type="resnet", embedding_size=8, hidden_sizes=[8, 16], depths=[1, 1],
                             out_features=["stage1", "stage2"]),
        d_model=H, encoder_layers=1, decoder_layers=2, encoder_attention_heads=A, decoder_attention_heads=A,
        encoder_ffn_dim=I, decoder_ffn_dim=I, num_queries=5, num_labels=3, num_feature_levels=2, encoder_n_points=2,
        decoder_n_points=2, architectures=["DeformableDetrForObjectDetection"]),
    "imagegpt": _cfg("ImageGPTConfig", vocab_size=17, n_positions=64, n_embd=H, n_layer=L, n_head=A),
    # 64-pixel images in 8-pixel patches (an 8 x 8 embedding), windows of 3 (padded, as SAM's 64 by 14) and one
    # global layer; the vision tower's default initializer_range (1e-10) would leave every embedding near zero
    # PaliGemma's tiny VLM inside (16 image tokens), projected to 16-dim token embeddings
    "colpali": _cfg("ColPaliConfig", embedding_dim=16,
                    vlm_config=dict(IMAGE_TEXT_CONFIGS["paligemma"][1], model_type="paligemma")),
    "sam": _cfg("SamConfig", initializer_range=0.2, vision_config=dict(
        hidden_size=H, output_channels=16, num_hidden_layers=L, num_attention_heads=A, image_size=64, patch_size=8,
        window_size=3, global_attn_indexes=[1], mlp_dim=I, num_pos_feats=8, initializer_range=0.2),
        prompt_encoder_config=dict(hidden_size=16, image_size=64, patch_size=8, mask_input_channels=8),
        mask_decoder_config=dict(hidden_size=16, mlp_dim=I, num_hidden_layers=2, num_attention_heads=2,
                                 iou_head_hidden_dim=16)),
    # a 4 x 4 upsampling HiFi-GAN (16 samples per frame), two flows of each kind: an export of a few seconds
    "vits": _cfg("VitsConfig", vocab_size=38, hidden_size=H, num_hidden_layers=L, num_attention_heads=2, ffn_dim=I,
                 flow_size=16, spectrogram_bins=17, upsample_initial_channel=H, upsample_rates=[4, 4],
                 upsample_kernel_sizes=[8, 8], resblock_kernel_sizes=[3], resblock_dilation_sizes=[[1, 3]],
                 duration_predictor_filter_channels=16, duration_predictor_num_flows=2, prior_encoder_num_flows=2,
                 prior_encoder_num_wavenet_layers=2, posterior_encoder_num_wavenet_layers=2,
                 depth_separable_num_layers=2),
    # byte vocabulary (262); 16 x 16 RGB images (the image classes take 3 channels; PerceiverConfig names none, the
    # registry test reads num_channels): the first image class (Learned) reads image_size**2 positions
    "perceiver": _cfg("PerceiverConfig", num_latents=8, d_latents=H, d_model=H, num_blocks=1,
                      num_self_attends_per_block=L, num_self_attention_heads=A, num_cross_attention_heads=A,
                      vocab_size=262, max_position_embeddings=64, image_size=16, num_channels=3),
}


# ---------------------------------------------------------------------------------------------------------------
# sizes the transformers configs promise (for the registry tests; independent of exportcore's normalized configs)


#: Attributes changed on the shared tiny configs of the first twelve types (tests/conftest.py) for tasks those
#: tests do not export: a sequence classifier on a decoder needs a padding token to find each row's last token.
CONFIG_OVERRIDES: dict[str, dict[str, Any]] = {"gpt2": {"pad_token_id": 0}, "qwen2": {"pad_token_id": 0}}


def cache_heads(model_type: str, c: Any) -> tuple[int, int]:
    """(KV heads, head size) of one layer of the decoder cache of ``model_type`` with config ``c``."""
    if model_type in ("speech_to_text", "mbart", "marian", "pegasus", "blenderbot", "blenderbot-small", "m2m_100",
                      "bigbird_pegasus"):
        return c.decoder_attention_heads, c.d_model // c.decoder_attention_heads
    if model_type in ("mt5", "longt5", "umt5"):
        return c.num_heads, c.d_kv
    if model_type == "pix2struct":  # T5's decoder
        return c.text_config.num_heads, c.text_config.d_kv
    if model_type in ("vision-encoder-decoder", "encoder-decoder"):
        return c.decoder.num_attention_heads, c.decoder.hidden_size // c.decoder.num_attention_heads
    if model_type == "falcon":
        return (c.num_kv_heads if c.new_decoder_architecture or not c.multi_query else 1,
                c.hidden_size // c.num_attention_heads)
    if model_type == "gpt_bigcode":
        return (1 if c.multi_query else c.n_head), c.n_embd // c.n_head
    if model_type in IMAGE_TEXT_CONFIGS:
        c = c.text_config
    heads = getattr(c, "num_attention_heads", None)
    hidden = getattr(c, "hidden_size", None)
    kv = getattr(c, "num_key_value_heads", None) or heads
    head_dim = getattr(c, "head_dim", None) or hidden // heads
    return kv, head_dim


def prompt_image_tokens(model_type: str, c: Any) -> int:
    """Image tokens a one-file export's dummy prompt holds beyond ``sequence_length`` (ColPali's, as Optimum's)."""
    if model_type == "colpali":
        vision = c.vlm_config.vision_config
        return (vision.image_size // vision.patch_size) ** 2
    return 0


def expected_size(model_type: str, c: Any, name: str, axis: int | str) -> int | None:
    """Size of input ``name``'s static ``axis`` (an int) or of its dynamic axis named ``axis`` (a str) where only
    the model type knows it; None when not known here."""
    if name == "bbox" and axis == 2:
        return 4  # x0, y0, x1, y1
    if model_type == "speech_to_text" and name == "input_features" and axis == 2:
        return c.input_feat_per_channel * c.input_channels
    if model_type == "audio-spectrogram-transformer" and name == "input_values":
        return {1: c.max_length, 2: c.num_mel_bins}.get(axis)
    if model_type in ("kimi_linear", "bailing_hybrid") and name.startswith("past_key_values."):  # MLA latents
        return {1: 1, 3: c.kv_lora_rank if name.endswith(".key") else c.qk_rope_head_dim}.get(axis)
    if name.startswith(("past_conv.", "past_ssm.", "past_recurrent.")):
        return state_size(model_type, c, name.split(".")[0].removeprefix("past_"), axis)
    if name == "inputs_embeds" and axis == 2:
        return c.text_config.hidden_size
    if model_type == "lfm2_vl":  # patch sequences: num_patches of 3·patch² values, each image's (rows, columns)
        vision = c.vision_config
        return {("pixel_values", "max_patches"): vision.num_patches, ("pixel_attention_mask", "max_patches"):
                vision.num_patches, ("pixel_values", "patch_values"): 3 * vision.patch_size ** 2,
                ("spatial_shapes", 1): 2}.get((name, axis))
    if model_type in ("qwen2_vl", "qwen2_5_vl"):  # flattened patches of 3 channels x 2 frames; grids; 3-D positions
        vision = c.vision_config
        return {("pixel_values", "patch_values"): vision.in_channels * vision.temporal_patch_size * vision.patch_size ** 2,
                ("grid_thw", 1): 3, ("image_grid_thw", 1): 3, ("position_ids", 0): 3}.get((name, axis))
    if model_type in ("idefics3", "smolvlm") and axis == "num_images":
        return 1  # one crop per image in the dummies
    if model_type == "clap" and name == "input_features":  # the feature extractor's 1001 frames per 1024 wide
        audio = c.audio_config
        return {1: 1, 2: audio.spec_size * (audio.spec_size // audio.num_mel_bins) * 1001 // 1024,
                3: audio.num_mel_bins}.get(axis)
    if model_type in ("patchtst", "patchtsmixer") and name == "past_values":  # the configuration's window
        return {1: c.context_length, 2: c.num_input_channels}.get(axis)
    if model_type == "decision_transformer":  # one state, action and return per step
        return {("states", 2): c.state_dim, ("actions", 2): c.act_dim, ("returns_to_go", 2): 1}.get((name, axis))
    if model_type == "visual_bert" and axis == "visual_embedding_dim":
        return c.visual_embedding_dim
    if model_type == "pix2struct" and (name, axis) == ("flattened_patches", 2):  # row, column, then the pixels
        return 2 + c.vision_config.patch_embed_hidden_size
    if model_type == "vit_mae" and (name, axis) == ("noise", "num_patches"):  # a noise per patch
        return (c.image_size // c.patch_size) ** 2
    if model_type == "sam":  # the vision encoder's outputs fed back; an (x, y) per point
        side = c.prompt_encoder_config.image_embedding_size
        if name in ("image_embeddings", "image_positional_embeddings"):
            return {1: c.vision_config.output_channels, 2: side, 3: side}.get(axis)
        return {("input_points", 3): 2}.get((name, axis))
    return None


def state_size(model_type: str, c: Any, kind: str, axis: int) -> int | None:
    """Axis ``axis`` of a hybrid decoder's convolution (``conv``) or SSM state, from what the families' modeling code
    allocates: a short convolution over the hidden states (LFM2), or a Mamba2 mixer's convolution over
    ``intermediate + 2·groups·state`` channels and its ``[heads, head_dim, state]`` SSM state."""
    if model_type == "lfm2_vl":
        model_type, c = "lfm2", c.text_config
    if model_type in ("lfm2", "lfm3", "lfm2_moe"):
        return {1: c.hidden_size, 2: c.conv_L_cache}.get(axis) if kind == "conv" else None
    if model_type == "granitemoehybrid":
        inner, heads, state, groups, kernel = (c.mamba_expand * c.hidden_size, c.mamba_n_heads, c.mamba_d_state,
                                               c.mamba_n_groups, c.mamba_d_conv)
    elif model_type == "falcon_h1":
        inner, heads, state, groups, kernel = (c.mamba_d_ssm, c.mamba_n_heads, c.mamba_d_state, c.mamba_n_groups,
                                               c.mamba_d_conv)
    elif model_type == "nemotron_h":
        inner, heads, state, groups, kernel = (c.mamba_num_heads * c.mamba_head_dim, c.mamba_num_heads,
                                               c.ssm_state_size, c.n_groups, c.conv_kernel)
    elif model_type == "mamba2":
        inner, heads, state, groups, kernel = (c.expand * c.hidden_size, c.num_heads, c.state_size, c.n_groups,
                                               c.conv_kernel)
    elif model_type == "bamba":
        inner, heads, state, groups, kernel = (c.mamba_expand * c.hidden_size, c.mamba_n_heads, c.mamba_d_state,
                                               c.mamba_n_groups, c.mamba_d_conv)
    elif model_type == "zamba2":
        inner, heads, state, groups, kernel = (c.mamba_expand * c.hidden_size, c.n_mamba_heads, c.mamba_d_state,
                                               c.mamba_ngroups, c.mamba_d_conv)
    elif model_type in ("qwen3_next", "qwen3_5_moe_text", "lara_mini", "qwen3_5_text", "olmo_hybrid"):
        if kind == "conv":  # query, key and value channels; [value heads, key dim, value dim] for the recurrent state
            return {1: 2 * c.linear_num_key_heads * c.linear_key_head_dim
                    + c.linear_num_value_heads * c.linear_value_head_dim, 2: c.linear_conv_kernel_dim}.get(axis)
        return {1: c.linear_num_value_heads, 2: c.linear_key_head_dim, 3: c.linear_value_head_dim}.get(axis)
    elif model_type in ("kimi_linear", "bailing_hybrid"):  # q, k and v convolutions; [heads, head dim, head dim]
        heads, head_dim, kernel = c.linear_num_heads, c.linear_head_dim, c.linear_conv_kernel_dim
        if kind == "conv":
            return {1: 3 * heads * head_dim, 2: kernel}.get(axis)
        return {1: heads, 2: head_dim, 3: head_dim}.get(axis)
    elif model_type == "zaya":  # query and key channels, kernel (t0 - 1) + (t1 - 1); half a value projection
        key_value = c.num_key_value_heads * c.head_dim
        if kind == "conv":
            return {1: key_value + c.num_attention_heads * c.head_dim, 2: c.cca_time0 + c.cca_time1 - 2}.get(axis)
        return {1: key_value // 2}.get(axis)
    elif model_type in ("mamba", "falcon_mamba", "jamba"):  # Mamba v1: [intermediate, kernel], [intermediate, state]
        inner, state, kernel = ((c.mamba_expand * c.hidden_size, c.mamba_d_state, c.mamba_d_conv)
                                if model_type == "jamba" else (c.expand * c.hidden_size, c.state_size, c.conv_kernel))
        return {1: inner, 2: kernel if kind == "conv" else state}.get(axis)
    else:
        return None
    if kind == "conv":
        return {1: inner + 2 * groups * state, 2: kernel}.get(axis)
    return {1: heads, 2: inner // heads, 3: state}.get(axis)
