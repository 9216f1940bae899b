"""Build a demo model's weights (seeded, random) from its shipped config. Imports torch + transformers."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from ..tasks import auto_classes

SEED = 0


def build_demo_model(source: Path, target: Path) -> None:
    import torch
    import transformers

    transformers.utils.logging.disable_progress_bar()  # "Writing model shards" would cut into the run's own output
    meta = json.loads((source / "demo.json").read_text(encoding="utf-8"))
    config = transformers.AutoConfig.from_pretrained(str(source))
    torch.manual_seed(SEED)
    auto = getattr(transformers, auto_classes(meta["task"])[0])
    model = auto.from_config(config).eval()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    model.save_pretrained(staging)
    if shutil.os.path.exists(target):
        shutil.rmtree(target)
    staging.rename(target)
