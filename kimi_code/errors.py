"""The exception tree of Kimi Code (core layer; no adapter imports).

    KimiError                      every error the product raises on purpose
    ├── UserInputError             bad input named by file and reason (exit code 2)
    │   ├── WorkspaceError         missing/empty workspace, path outside the workspace
    │   └── ConfigError            kimi.toml, flags or environment that do not make sense
    ├── BackendError               the model backend failed (after retries where retryable)
    │   ├── BackendUnavailable     connection refused, engine not running, timeouts
    │   └── RateLimited            429/overload; carries retry_after seconds when the server said
    ├── SandboxViolation           a tool tried to read/write outside the workspace
    ├── StaleWriteError            a file changed on disk after an agent read it
    ├── OwnershipConflict          a second agent tried to claim or write a file it does not own
    ├── VerificationFailed         the result has more compiler errors or failing tests
    ├── BudgetExhausted            tool-call, token or wall-time budget spent
    ├── RunCancelled               the user cancelled the run or an agent
    └── ApplyError                 writing the final edit set failed (rolled back)

Adapters turn a `UserInputError` into a one-line message and exit code 2, never a traceback.
"""

from __future__ import annotations

__all__ = [
    "ApplyError",
    "BackendError",
    "BackendUnavailable",
    "BudgetExhausted",
    "ConfigError",
    "KimiError",
    "OwnershipConflict",
    "RateLimited",
    "RunCancelled",
    "SandboxViolation",
    "StaleWriteError",
    "UserInputError",
    "VerificationFailed",
    "WorkspaceError",
]


class KimiError(Exception):
    """Base of every error Kimi Code raises on purpose."""


class UserInputError(KimiError):
    """Bad input from the user: the message names the file (if any) and the reason."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class WorkspaceError(UserInputError):
    """The workspace is missing, empty, or a path lies outside it."""


class ConfigError(UserInputError):
    """Configuration (kimi.toml, flags, environment) is invalid."""


class BackendError(KimiError):
    """The model backend failed."""


class BackendUnavailable(BackendError):
    """The backend could not be reached (connection refused, timeout, engine down)."""


class RateLimited(BackendError):
    """The backend answered 429 or an overload error."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class SandboxViolation(KimiError):
    """A path resolved outside the workspace root (`..`, absolute, or a symlink leading out)."""


class StaleWriteError(KimiError):
    """A file changed after an agent read it; the write was refused."""


class OwnershipConflict(KimiError):
    """A file already belongs to another agent; edits to it go through the coordinator."""


class VerificationFailed(KimiError):
    """The result would leave the project worse (more compiler errors or failing tests)."""


class BudgetExhausted(KimiError):
    """A tool-call, token or wall-time budget is spent."""


class RunCancelled(KimiError):
    """The run (or one agent) was cancelled by the user."""


class ApplyError(KimiError):
    """Writing the final edit set failed; the journal allows rolling forward or back."""
