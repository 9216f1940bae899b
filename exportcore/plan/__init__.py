"""What an export will be, decided from config.json (and the Hub's metadata) alone, never from weights.

``resolution`` (model type, task, configuration class; ``task_choice`` says where the task came from) ->
``submodels`` (the plan: submodels, their configurations, the files) -> ``document`` (what ``exportcore inspect``
prints and the app shows). ``light_config`` reads config.json without transformers from the table
``light_config_build`` records. ``preflight`` says before any weight byte whether the export is supported and fits.
Light: no torch, no transformers at import (transformers only when a configuration needs it).
"""

from .document import inspect, plan_document
from .resolution import Resolution, load_transformers_config, resolve
from .submodels import Plan, Submodel, make_plan

__all__ = ["Plan", "Resolution", "Submodel", "inspect", "load_transformers_config", "make_plan", "plan_document",
           "resolve"]
