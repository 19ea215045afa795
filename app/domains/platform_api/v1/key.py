"""/api/v1/key: which key is calling, for which organisation, with which scopes (any valid key)."""

from __future__ import annotations

from litestar import Controller, Request, get

from app.domains.platform_api.guard import ANY_KEY, STATE_PRINCIPAL
from app.domains.platform_api.keys import ApiPrincipal
from app.domains.platform_api.v1.models import KeyOut


class KeyApi(Controller):
    path = "/key"
    tags = ["key"]

    @get("/", opt={"api_scope": ANY_KEY}, summary="The calling key: its prefix, organisation and scopes")
    async def whoami(self, request: Request) -> KeyOut:
        principal: ApiPrincipal = request.state[STATE_PRINCIPAL]
        return KeyOut(prefix=principal.prefix, organization_id=principal.organization_id, scopes=list(principal.scopes),
                      expires_at=principal.expires_at)
