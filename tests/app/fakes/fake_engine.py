"""Stands in for ``exportcore serve --exit-with-stdin`` (no torch): the app's ExportEngine drives it.

    fake_engine.py SOCKET_FILE serve --exit-with-stdin

If SOCKET_FILE exists, another server "is running": say so and exit 0. Otherwise create it, say ready, wait for
EOF on stdin, remove it and exit 0.
"""

import json
import os
import sys

path = sys.argv[1]
if os.path.exists(path):
    print(json.dumps({"ready": False, "reason": "already running", "socket": path}), flush=True)
    sys.exit(0)
open(path, "w").close()
print(json.dumps({"ready": True, "socket": path, "pid": os.getpid(), "seconds": 0.01}), flush=True)
sys.stdin.read()
os.unlink(path)
