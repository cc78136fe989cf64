"""Response models of the API (what each route answers), named in the route registry's `answer=`.

They document the answers for OpenAPI; the services build the answers. Models allow extra fields
(API.md: "more fields are welcome"), so they name what front ends may rely on.
"""
