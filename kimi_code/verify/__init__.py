"""Verification of a refactor's result: the project's own tests and the compiler (core layer).

`tests` (EXAMPLES) runs the project's declared test command; `tsc` (JSTS) runs the
TypeScript compiler. Recipes combine both in their `verify`.
"""

from kimi_code.verify.tests import (
    NPM_PLACEHOLDER,
    TestCounts,
    detect_test_command,
    parse_test_counts,
    regression_reason,
    run_tests,
    run_tests_sync,
    safe_environment,
)

# kimi_code.verify.tsc (JSTS) re-exports go below this line.
from kimi_code.verify.tsc import TscResult, check_project, strip_types, type_metrics

__all__ = [
    "NPM_PLACEHOLDER",
    "TestCounts",
    "TscResult",
    "check_project",
    "detect_test_command",
    "parse_test_counts",
    "regression_reason",
    "run_tests",
    "run_tests_sync",
    "safe_environment",
    "strip_types",
    "type_metrics",
]
