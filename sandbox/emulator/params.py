"""Reading Bot API parameters from a query string and a body, and typing them with the spec."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import BodyPartReader, MultipartReader, StreamReader
from multidict import CIMultiDictProxy

from sandbox.emulator.errors import ApiError, bad_request, too_large
from sandbox.emulator.spec import FieldSpec, MethodSpec


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


Params = dict[str, Any]
Uploads = dict[str, Upload]


async def read_body(
    headers: CIMultiDictProxy[str], content: StreamReader, *, max_upload: int
) -> tuple[Params, Uploads]:
    """Parameters and file parts of a JSON, urlencoded or multipart body (request or webhook reply)."""
    content_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        return await _read_multipart(MultipartReader(headers, content), max_upload)
    raw = await content.read()
    if len(raw) > max_upload:
        raise too_large()
    if content_type == "application/json":
        return _read_json(raw), {}
    return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)), {}


def _read_json(raw: bytes) -> Params:
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise bad_request("can't parse JSON request body") from exc
    if not isinstance(value, dict):
        raise bad_request("the JSON request body must be an object")
    return value


async def _read_multipart(reader: MultipartReader, max_upload: int) -> tuple[Params, Uploads]:
    params: Params = {}
    uploads: Uploads = {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or not part.name:
            continue
        data = await part.read(decode=True)
        if part.filename is None:
            params[part.name] = data.decode(part.get_charset("utf-8"), "replace")
        elif len(data) > max_upload:
            raise too_large()
        else:
            content_type = part.headers.get("Content-Type", "application/octet-stream")
            uploads[part.name] = Upload(part.filename, content_type, bytes(data))
    return params, uploads


def typed_params(method: MethodSpec, raw: Mapping[str, Any]) -> Params:
    """Values converted to the spec's types: numbers, booleans and JSON-serialized objects."""
    return {
        name: _coerce(method.fields[name], value) if name in method.fields and isinstance(value, str) else value
        for name, value in raw.items()
    }


def _coerce(field: FieldSpec, value: str) -> Any:
    if field.is_json:
        try:
            return json.loads(value)
        except ValueError as exc:
            raise bad_request(f"can't parse {field.name} JSON object") from exc
    for type_name, convert in (("Integer", int), ("Float", float)):
        if type_name in field.types:
            try:
                return convert(value)
            except ValueError:
                if "String" not in field.types:
                    raise bad_request(f'field "{field.name}" must be of type {type_name}') from None
                return value
    if "Boolean" in field.types or "True" in field.types:
        return value.strip().lower() in ("true", "1")
    return value


def check_required(method: MethodSpec, params: Params) -> None:
    """Refuse a call that lacks a required parameter, worded like Telegram."""
    for name in method.required:
        if params.get(name) in (None, ""):
            raise missing(name)


_MISSING_WORDING = {
    "text": "message text is empty",
    "document": "there is no document in the request",
    "photo": "there is no photo in the request",
    "voice": "there is no voice in the request",
}


def missing(name: str) -> ApiError:
    """The error for an absent parameter."""
    return bad_request(_MISSING_WORDING.get(name, f"{name} is empty"))
