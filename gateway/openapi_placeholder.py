"""TEMPORARY placeholder for local testing of /docs until main's /api/v1/openapi.json is merged."""
from gateway.http import api

DOC = {
    "openapi": "3.1.0",
    "info": {"title": "Lianxin API", "version": "1"},
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
    "security": [{"bearerAuth": []}],
    "paths": {
        "/api/v1/suggestions": {
            "get": {"summary": "List suggestions", "tags": ["suggestions"],
                    "responses": {"200": {"description": "a page"}}},
            "post": {"summary": "Create a suggestion", "tags": ["suggestions"],
                     "requestBody": {"content": {"application/json": {"schema": {
                         "type": "object", "properties": {"title": {"type": "string"}}}}}},
                     "responses": {"201": {"description": "created"}}},
        },
        "/api/v1/categories": {"get": {"summary": "Categories", "tags": ["reference"],
                                       "responses": {"200": {"description": "the categories"}}}},
    },
}


class OpenApiPlaceholder:
    @api("GET", "/api/v1/openapi.json")
    def openapi_placeholder(self, request):
        return DOC
