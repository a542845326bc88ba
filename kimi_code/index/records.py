"""Raw records: the compact tuple form of a file's index (index layer).

Workers return raw records, the cache stores them with `marshal`, and `decode_file` turns
one into a `FileIndex` only when someone reads it. Plain tuples of str/int/None keep
process transfer and cache loading in C: a warm re-index never builds dataclasses for
files nobody looks at.
"""

from __future__ import annotations

from kimi_code.index.model import Export, FileIndex, Import, Param, Span, Symbol

__all__ = [
    "RawExport",
    "RawImport",
    "RawParam",
    "RawRecord",
    "RawSpan",
    "RawSymbol",
    "Resolution",
    "decode_file",
    "decode_span",
]

RawSpan = tuple[int, int, int, int, int, int]
RawParam = tuple[str, str | None, str | None]
# name, kind, span, params, jsdoc, parent, name_span
RawSymbol = tuple[str, str, RawSpan, tuple[RawParam, ...], str | None, str | None, RawSpan | None]
# specifier, kind, names, span, locals, reexport
RawImport = tuple[str, str, tuple[str, ...], RawSpan, tuple[str, ...], bool]
# name, kind, span, local
RawExport = tuple[str, str, RawSpan, str | None]
# language, content_hash, size, has_errors, module_kind, symbols, imports, exports
RawRecord = tuple[
    str, str, int, bool, str, tuple[RawSymbol, ...], tuple[RawImport, ...], tuple[RawExport, ...]
]
# resolved path, external, unresolved reason
Resolution = tuple[str | None, bool, str | None]

_UNRESOLVED: Resolution = (None, False, None)


def decode_span(raw: RawSpan) -> Span:
    """Build a `Span` from its raw tuple."""
    return Span(*raw)


def _symbol(raw: RawSymbol) -> Symbol:
    name, kind, span, params, jsdoc, parent, name_span = raw
    return Symbol(
        name=name,
        kind=kind,
        span=Span(*span),
        params=tuple(Param(*p) for p in params),
        jsdoc=jsdoc,
        parent=parent,
        name_span=Span(*name_span) if name_span is not None else None,
    )


def _import(raw: RawImport, resolution: Resolution) -> Import:
    specifier, kind, names, span, locals_, reexport = raw
    resolved, external, reason = resolution
    return Import(
        specifier=specifier,
        kind=kind,  # type: ignore[arg-type]
        names=names,
        span=Span(*span),
        resolved=resolved,
        external=external,
        unresolved_reason=reason,
        locals=locals_,
        reexport=reexport,
    )


def decode_file(path: str, record: RawRecord, resolutions: tuple[Resolution, ...]) -> FileIndex:
    """Build the `FileIndex` of `path` from its raw record and its imports' resolutions."""
    language, content_hash, size, has_errors, module_kind, symbols, imports, exports = record
    if len(resolutions) != len(imports):
        resolutions = tuple(_UNRESOLVED for _ in imports)
    return FileIndex(
        path=path,
        language=language,  # type: ignore[arg-type]
        content_hash=content_hash,
        size=size,
        has_errors=has_errors,
        module_kind=module_kind,  # type: ignore[arg-type]
        symbols=tuple(_symbol(s) for s in symbols),
        imports=tuple(_import(i, r) for i, r in zip(imports, resolutions, strict=True)),
        exports=tuple(
            Export(name, kind, Span(*span), local) for name, kind, span, local in exports
        ),
    )
