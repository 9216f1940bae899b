"""The outputs every model exported for a task has, before a configuration adds its own (the cache, a model's
extra outputs): name -> {axis index: symbolic name}, in Optimum's names."""

from __future__ import annotations

Axes = dict[int, str]
TensorSpec = dict[str, Axes]

TASK_OUTPUTS: dict[str, TensorSpec] = {
    "feature-extraction": {"last_hidden_state": {0: "batch_size", 1: "sequence_length"}},
    "fill-mask": {"logits": {0: "batch_size", 1: "sequence_length"}},
    "text-classification": {"logits": {0: "batch_size"}},
    "token-classification": {"logits": {0: "batch_size", 1: "sequence_length"}},
    "question-answering": {
        "start_logits": {0: "batch_size", 1: "sequence_length"},
        "end_logits": {0: "batch_size", 1: "sequence_length"},
    },
    "multiple-choice": {"logits": {0: "batch_size", 1: "num_choices"}},
    "text-generation": {"logits": {0: "batch_size", 1: "sequence_length"}},
    "text2text-generation": {"logits": {0: "batch_size", 1: "decoder_sequence_length"}},
    "image-classification": {"logits": {0: "batch_size"}},
    "zero-shot-image-classification": {
        "logits_per_image": {0: "image_batch_size", 1: "text_batch_size"},
        "logits_per_text": {0: "text_batch_size", 1: "image_batch_size"},
        "text_embeds": {0: "text_batch_size"},
        "image_embeds": {0: "image_batch_size"},
    },
    "image-to-text": {"logits": {0: "batch_size", 1: "sequence_length"}},
    "object-detection": {
        "logits": {0: "batch_size", 1: "num_queries"},
        "pred_boxes": {0: "batch_size", 1: "num_queries"},
    },
    "image-segmentation": {"logits": {0: "batch_size", 2: "height", 3: "width"}},
    "semantic-segmentation": {"logits": {0: "batch_size", 1: "num_labels", 2: "height", 3: "width"}},
    "depth-estimation": {"predicted_depth": {0: "batch_size", 1: "height", 2: "width"}},
    "mask-generation": {"iou_scores": {0: "batch_size", 1: "point_batch_size"},
                        "pred_masks": {0: "batch_size", 1: "point_batch_size"}},
    # both lengths follow the predicted durations: no input's axis (decision 162)
    "text-to-audio": {"waveform": {0: "batch_size", 1: "num_samples"}, "spectrogram": {0: "batch_size", 2: "num_frames"}},
    "masked-im": {"reconstruction": {0: "batch_size"}},
    "automatic-speech-recognition": {"logits": {0: "batch_size", 1: "sequence_length"}},
    "audio-classification": {"logits": {0: "batch_size"}},
    "audio-frame-classification": {"logits": {0: "batch_size", 1: "sequence_length"}},
    "audio-xvector": {"logits": {0: "batch_size"}, "embeddings": {0: "batch_size"}},
    "zero-shot-object-detection": {
        "logits": {0: "batch_size", 1: "num_queries"},
        "pred_boxes": {0: "batch_size", 1: "num_queries"},
        "text_embeds": {0: "text_batch_size"},
        "image_embeds": {0: "image_batch_size"},
    },
    "image-to-image": {"reconstruction": {0: "batch_size", 1: "num_channels", 2: "height", 3: "width"}},
    "keypoint-detection": {"heatmaps": {0: "batch_size", 1: "num_keypoints", 2: "height", 3: "width"}},
}
