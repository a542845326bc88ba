"""OpenAI-format error responses of `kimi-code serve` (adapter layer)."""

from __future__ import annotations

from starlette.responses import JSONResponse

__all__ = ["ApiError", "error_response"]

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "invalid_request_error",
    429: "rate_limit_error",
    501: "not_implemented_error",
    502: "api_error",
    503: "service_unavailable_error",
}


class ApiError(Exception):
    """An error answered to the client as `{"error": {...}}` with an HTTP status."""

    def __init__(
        self, status: int, message: str, *, param: str | None = None, code: str | None = None
    ) -> None:
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        super().__init__(message)


def error_response(exc: ApiError) -> JSONResponse:
    """Render an `ApiError` in OpenAI's error format."""
    body = {
        "error": {
            "message": exc.message,
            "type": _TYPES.get(exc.status, "api_error"),
            "param": exc.param,
            "code": exc.code,
        }
    }
    return JSONResponse(body, status_code=exc.status)
