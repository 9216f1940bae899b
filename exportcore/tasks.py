"""The task vocabulary: names, synonyms, ``-with-past`` variants and task inference rules.

Light module (no torch, no transformers): the app imports it. Which model type supports which task
lives in :mod:`exportcore.registry`; this module only knows words.

A task and whether the export carries the key/value cache travel together as a :class:`TaskChoice`. Optimum (and
our users, documents and ``@register``) spell the pair as one name, ``text-generation-with-past``: such a name is
parsed once where it comes in (:meth:`TaskChoice.parse`) and written back only where it goes out
(:attr:`TaskChoice.name`: the plan document, the pre-flight, messages).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .errors import ExportError

WITH_PAST = "-with-past"

#: Every task we know, with the transformers auto class that loads a model for it
#: (a tuple where the right class depends on the architecture; the first that accepts the config wins).
TASKS: dict[str, tuple[str, ...]] = {
    "feature-extraction": ("AutoModel", "AutoModelForPreTraining"),  # ColPaliForRetrieval is in no AutoModel
    "fill-mask": ("AutoModelForMaskedLM",),
    "text-classification": ("AutoModelForSequenceClassification",),
    "token-classification": ("AutoModelForTokenClassification",),
    "question-answering": ("AutoModelForQuestionAnswering",),
    "multiple-choice": ("AutoModelForMultipleChoice",),
    "text-generation": ("AutoModelForCausalLM",),
    "text2text-generation": ("AutoModelForSeq2SeqLM",),
    "image-classification": ("AutoModelForImageClassification",),
    "zero-shot-image-classification": ("AutoModelForZeroShotImageClassification", "AutoModel"),
    "image-to-text": ("AutoModelForVision2Seq", "AutoModelForImageTextToText"),
    "object-detection": ("AutoModelForObjectDetection",),
    "image-segmentation": ("AutoModelForImageSegmentation", "AutoModelForSemanticSegmentation",
                           "AutoModelForUniversalSegmentation"),
    "semantic-segmentation": ("AutoModelForSemanticSegmentation",),
    "depth-estimation": ("AutoModelForDepthEstimation",),
    "masked-im": ("AutoModelForMaskedImageModeling",),
    "automatic-speech-recognition": ("AutoModelForSpeechSeq2Seq", "AutoModelForCTC"),
    "audio-classification": ("AutoModelForAudioClassification",),
    "audio-frame-classification": ("AutoModelForAudioFrameClassification",),
    "audio-xvector": ("AutoModelForAudioXVector",),
    "zero-shot-object-detection": ("AutoModelForZeroShotObjectDetection",),
    "image-to-image": ("AutoModelForImageToImage",),
    "keypoint-detection": ("AutoModelForPoseEstimation",),
    "mask-generation": ("AutoModelForMaskGeneration",),
    "text-to-audio": ("AutoModelForTextToWaveform",),
}

#: Other names people use for the same task (Optimum's and transformers' older vocabulary).
SYNONYMS: dict[str, str] = {
    "default": "feature-extraction",
    "sentence-similarity": "feature-extraction",
    "image-feature-extraction": "feature-extraction",
    "masked-lm": "fill-mask",
    "sequence-classification": "text-classification",
    "zero-shot-classification": "text-classification",
    "causal-lm": "text-generation",
    "seq2seq-lm": "text2text-generation",
    "summarization": "text2text-generation",
    "translation": "text2text-generation",
    "speech2seq-lm": "automatic-speech-recognition",
    "audio-ctc": "automatic-speech-recognition",
    "vision2seq-lm": "image-to-text",
    "text-to-speech": "text-to-audio",  # transformers' pipeline alias; MMS-TTS's Hub tag
}

#: Architecture class-name suffix -> candidate tasks, most specific first. The first candidate the
#: model type supports wins (e.g. *ForSequenceClassification is audio-classification for wav2vec2).
ARCHITECTURE_SUFFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ForMaskedLM", ("fill-mask",)),
    ("ForSequenceClassification", ("text-classification", "audio-classification")),
    ("ForTokenClassification", ("token-classification",)),
    ("ForQuestionAnswering", ("question-answering",)),
    ("ForMultipleChoice", ("multiple-choice",)),
    ("ForCausalLM", ("text-generation",)),
    ("LMHeadModel", ("text-generation", "fill-mask")),
    ("ForConditionalGeneration", ("text2text-generation", "automatic-speech-recognition", "image-to-text")),
    ("ForImageClassification", ("image-classification",)),
    ("ForImageClassificationWithTeacher", ("image-classification",)),
    *((f"ForImageClassification{kind}", ("image-classification",))  # Perceiver's three image preprocessors
      for kind in ("Learned", "Fourier", "ConvProcessing")),
    ("ForCTC", ("automatic-speech-recognition",)),
    ("ForAudioClassification", ("audio-classification",)),
    ("ForAudioFrameClassification", ("audio-frame-classification",)),
    ("ForXVector", ("audio-xvector",)),
    ("ForObjectDetection", ("object-detection", "zero-shot-object-detection")),
    ("ForImageSuperResolution", ("image-to-image",)),
    ("ForPoseEstimation", ("keypoint-detection",)),
    ("ForInstanceSegmentation", ("image-segmentation",)),
    ("ForUniversalSegmentation", ("image-segmentation",)),
    ("ForSceneTextRecognition", ("feature-extraction",)),
    ("ForRetrieval", ("feature-extraction",)),  # ColPali: embeddings for late-interaction retrieval
    ("ForSemanticSegmentation", ("semantic-segmentation",)),
    ("ForImageSegmentation", ("image-segmentation",)),
    ("ForDepthEstimation", ("depth-estimation",)),
    ("ForMaskedImageModeling", ("masked-im",)),
    ("ForPreTraining", ("fill-mask", "feature-extraction")),
    ("EncoderDecoderModel", ("image-to-text", "automatic-speech-recognition", "text2text-generation")),
    ("TextModelWithProjection", ("feature-extraction",)),  # CLIP's text tower with its projection (decision 188)
    ("Model", ("zero-shot-image-classification", "feature-extraction", "text-to-audio")),
)

#: Hub pipeline tag -> task.
PIPELINE_TAGS: dict[str, str] = {
    **{task: task for task in TASKS},
    "sentence-similarity": "feature-extraction",
    "image-feature-extraction": "feature-extraction",
    "summarization": "text2text-generation",
    "translation": "text2text-generation",
    "zero-shot-classification": "text-classification",
    "image-text-to-text": "image-to-text",
    "text-to-speech": "text-to-audio",
}


@dataclass(frozen=True)
class TaskChoice:
    """A canonical task (a key of :data:`TASKS`) and whether the export carries the key/value cache."""

    task: str
    use_past: bool = False

    @classmethod
    def parse(cls, name: str) -> "TaskChoice":
        """A task name as people write it (synonyms, any case, ``_`` for ``-``, ``-with-past``). Raises
        ``unknown_task``."""
        text = name.strip().lower().replace("_", "-")
        base, past = split_past(text)
        base = SYNONYMS.get(base, base)
        if base not in TASKS:
            raise ExportError("unknown_task", task=name)
        return cls(base, past)

    @property
    def name(self) -> str:
        """The one-word spelling: ``text-generation-with-past``."""
        return self.task + WITH_PAST if self.use_past else self.task

    def with_past(self, use_past: bool) -> "TaskChoice":
        return replace(self, use_past=use_past)

    def __str__(self) -> str:
        return self.name


def split_past(task: str) -> tuple[str, bool]:
    """``"text-generation-with-past"`` -> ``("text-generation", True)``, without checking the name (the app reads
    plan documents with it)."""
    if task.endswith(WITH_PAST):
        return task[: -len(WITH_PAST)], True
    return task, False


def normalize_task(task: str) -> str:
    """Canonical task name (synonyms resolved, ``-with-past`` kept). Raises ``unknown_task``."""
    return TaskChoice.parse(task).name


def all_task_names() -> list[str]:
    return list(TASKS)


def candidate_tasks_for_architecture(architecture: str) -> tuple[str, ...]:
    for suffix, tasks in ARCHITECTURE_SUFFIXES:
        if architecture.endswith(suffix):
            return tasks
    return ()


def auto_classes(task: str) -> tuple[str, ...]:
    return TASKS[TaskChoice.parse(task).task]
