"""Planner tests share the swarm tests' in-memory index."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "swarm"))
