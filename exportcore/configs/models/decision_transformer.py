"""Decision Transformer (offline reinforcement learning): a GPT-2 over (return-to-go, state, action) triples.
``feature-extraction`` returns the next state, action and return predictions and the hidden states, as Optimum
names them (decision 162); the inputs in the forward's order (``rewards`` is unused by the model and not an
input)."""

from __future__ import annotations

from ...registry import register
from ..base import OnnxConfig
from ..dummy_inputs import DummyInputGenerator


class DummyTrajectoryGenerator(DummyInputGenerator):
    SUPPORTED_INPUT_NAMES = ("states", "actions", "returns_to_go", "timesteps", "attention_mask")

    def shape(self, name: str) -> list[int]:
        config = self.normalized_config.config
        last = {"states": config.state_dim, "actions": config.act_dim, "returns_to_go": 1}.get(name)
        return [self.batch_size, self.sequence_length] + ([last] if last else [])

    def values(self, name: str, shape: list[int]):
        if name == "timesteps":
            return self.random_int(name, shape, 0, self.normalized_config.config.max_ep_len)
        if name == "attention_mask":
            return self.ones(shape)
        return self.random_float(name, shape)


@register("decision_transformer", "feature-extraction")
class DecisionTransformerOnnxConfig(OnnxConfig):
    MODALITY = "trajectories"
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyTrajectoryGenerator,)
    ATOL_FOR_VALIDATION = 1e-4

    @property
    def inputs(self):
        axes = {0: "batch_size", 1: "sequence_length"}
        return {name: dict(axes) for name in ("states", "actions", "returns_to_go", "timesteps", "attention_mask")}

    @property
    def outputs(self):
        axes = {0: "batch_size", 1: "sequence_length"}
        outputs = {name: dict(axes) for name in ("state_preds", "action_preds", "return_preds")}
        # The GPT-2's states, one per return, state and action: Optimum's "sequence_length" here would tell
        # onnxruntime that this axis equals the inputs' (it then reshapes by the wrong length).
        outputs["last_hidden_state"] = {0: "batch_size", 1: "3 * sequence_length"}
        return outputs
