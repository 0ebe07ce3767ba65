"""Additions to the OpenAPI schema that drf-spectacular does not make on its own."""

import re


def link_lists_to_details(result, generator, request, public):
    """Each list answer links to the detail of its first item (OpenAPI links), so a client or a
    schema-driven tester can follow from `/api/meetings/` to `/api/meetings/{id}/`."""
    operations = {
        operation["operationId"]: (path, operation)
        for path, methods in result.get("paths", {}).items()
        for operation in methods.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for operation_id, (_, operation) in operations.items():
        if not operation_id.endswith("_list"):
            continue
        detail_id = operation_id.removesuffix("_list") + "_retrieve"
        if detail_id not in operations:
            continue
        detail_path, _ = operations[detail_id]
        parameter = re.search(r"\{(\w+)\}", detail_path)
        ok = operation.get("responses", {}).get("200")
        if parameter and ok is not None:
            name = parameter.group(1)
            ok.setdefault("links", {})[f"{detail_id}"] = {
                "operationId": detail_id,
                "parameters": {name: f"$response.body#/results/0/{name}"},
                "description": "The first item of the page.",
            }
    return result
