"""Planning: a recipe or a free-form instruction plus the index -> per-file agent tasks."""

from kimi_code.plan.model import FileTask, Mode, Plan, TaskContext
from kimi_code.plan.planner import SINGLE_AGENT_MAX_FILES, build_plan, choose_mode, plan_recipe

__all__ = [
    "SINGLE_AGENT_MAX_FILES",
    "FileTask",
    "Mode",
    "Plan",
    "TaskContext",
    "build_plan",
    "choose_mode",
    "plan_recipe",
]
