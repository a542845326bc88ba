"""Model clients (the only layer that imports httpx) and the backend protocol."""

from kimi_code.llm.types import (
    ChatBackend,
    ChatResponse,
    Message,
    ToolCall,
    ToolSpec,
    Usage,
)

__all__ = ["ChatBackend", "ChatResponse", "Message", "ToolCall", "ToolSpec", "Usage"]
