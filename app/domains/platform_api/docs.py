"""/api/docs: the REST API's reference, read from the OpenAPI schema Litestar generates (also
served as JSON at /schema/openapi.json), rendered as a plain page: no script, no CDN."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from app.core.i18n import current_locale


def _ref_name(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref else ""


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path, item in schema.get("paths", {}).items():
        if not path.startswith("/api/v1"):
            continue
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            ok = next((code for code in op.get("responses", {}) if code.startswith("2")), "200")
            result = op.get("responses", {}).get(ok, {}).get("content", {}).get("application/json", {}).get("schema", {})
            found.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                          "tag": (op.get("tags") or [""])[0], "parameters": op.get("parameters", []),
                          "body": _ref_name(body), "status": ok, "many": result.get("type") == "array",
                          "result": _ref_name(result.get("items", {}) if result.get("type") == "array" else result)})
    return found


def _refs(value: Any) -> set[str]:
    """The component names a piece of the schema refers to ($ref), at any depth."""
    if isinstance(value, dict):
        found = {value["$ref"].rsplit("/", 1)[-1]} if isinstance(value.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_refs(v) for v in value))
    return set()


@get("/api/docs", name="platform_api:docs", opt={"public": True}, include_in_schema=False)
async def api_docs(request: Request) -> Template:
    schema = request.app.openapi_schema.to_schema()
    components = schema.get("components", {}).get("schemas", {})
    wanted = _refs({path: item for path, item in schema.get("paths", {}).items() if path.startswith("/api/v1")})
    while True:  # and the models those models refer to
        more = _refs({name: components.get(name, {}) for name in wanted}) - wanted
        if not more:
            break
        wanted |= more
    models = {name: components[name] for name in sorted(wanted) if name in components}
    return Template(template_name="platform_api/docs.html", context={
        "operations": _operations(schema), "models": models, "locale": current_locale.get()})
