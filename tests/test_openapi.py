"""The OpenAPI schema of /api/v1/: complete, valid, and served only to signed-in staff."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from conftest import signed_in

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def schema(alice) -> dict:
    response = signed_in(alice).get(reverse("api:schema"))
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_the_schema_is_generated_without_warnings_and_validates(tmp_path, db):
    # --fail-on-warn turns every generator warning or error into a failure;
    # --validate checks the result against the OpenAPI 3 specification.
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/households/" in target.read_text()


def test_the_schema_lists_every_registry_operation(schema):
    found = {operation["operationId"] for _path, _method, operation in operations(schema)}
    assert found >= {
        "household_list",
        "household_register",
        "household_detail",
        "household_update",
        "member_list",
        "member_add",
        "member_update",
        "document_list",
        "document_add",
        "need_list",
        "need_record",
        "need_resolve",
    }


def test_every_operation_on_a_record_documents_its_404(schema):
    for path, method, operation in operations(schema):
        if "{" in path:
            assert "404" in operation["responses"], (method, path)


def test_every_edit_documents_its_preconditions(schema):
    edits = [op for _path, method, op in operations(schema) if method == "patch"]
    assert edits
    for operation in edits:
        assert {"400", "412", "428"} <= set(operation["responses"]), operation["operationId"]
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert "If-Match" in headers


def test_a_correction_body_requires_its_reason(schema):
    component = schema["components"]["schemas"]["HouseholdUpdateInput"]
    assert component["required"] == ["reason"]


def test_anonymous_visitors_get_no_schema(client, db):
    assert client.get(reverse("api:schema")).status_code in (401, 403)


def test_the_docs_page_serves_swagger_ui_from_the_installed_package(alice):
    client = signed_in(alice)
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    page = response.content.decode()
    bundle = "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    assert bundle in page
    assert "cdn" not in page.lower()
    assert reverse("api:schema") in page
    assert client.get(bundle).status_code == 200


def test_anonymous_visitors_are_sent_from_the_docs_to_sign_in(client, db):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
