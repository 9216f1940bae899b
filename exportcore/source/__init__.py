"""Where a model comes from: a demo name, a local folder or a Hub id, and its config.json and weights.

``model_source`` tells the three apart (the one place that does) and reads config.json; ``config_checks`` bounds
what config.json says; ``weights`` finds or fetches the weights an export loads, after the pre-flight agreed;
``demo_build`` builds a demo model's seeded weights (torch and transformers, on first use). Light, but for
``demo_build``: no torch, no transformers at import.
"""

from .model_source import ModelSource, locate, looks_like_hub_id, model_kind, read_config_json
from .weights import locate_weights

__all__ = ["ModelSource", "locate", "locate_weights", "looks_like_hub_id", "model_kind", "read_config_json"]
