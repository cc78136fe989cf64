"""Print the gateway's OpenAPI document for the console's typed client (console/: npm run gen:api).

    python -m gateway.openapi_dump [--console]

With --console the document is rebased on /api/v1 (servers: /api/v1, paths without the prefix,
only the /api/v1 routes), which is what console/src/api/client.ts calls with openapi-fetch."""
import json
import sys

from gateway import openapi
from gateway.service import GatewayService

PREFIX = "/api/v1"


def console_document(doc: dict) -> dict:
    rebased = dict(doc)
    rebased["servers"] = [{"url": PREFIX}]
    rebased["paths"] = {path[len(PREFIX):]: item for path, item in doc["paths"].items()
                        if path.startswith(PREFIX + "/")}
    return rebased


def main(argv: list[str]) -> None:
    doc = openapi.document(GatewayService)
    if "--console" in argv:
        doc = console_document(doc)
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
