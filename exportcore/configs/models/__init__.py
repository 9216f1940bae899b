"""One module per model family; importing this package registers them all."""

from . import bart, bert, clip, gpt2, llama, t5, vit, wav2vec2, whisper  # noqa: F401
