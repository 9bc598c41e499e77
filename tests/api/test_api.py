"""The read-only JSON API: only public versions, money as text, filters, pagination, ETags,
CORS for reads only, and reads matching what the HTML pages show."""

from decimal import Decimal

from django.db.models import Sum

from budgets.models import Disclosure, Figure
from tests.api.conftest import SLUG, no_floats


def all_pages(api, path, **params):
    """Every row of a paginated list, following `next`."""
    rows, page = [], api(path, **params)
    rows += page["results"]
    while page["next"]:
        page = api(page["next"])
        rows += page["results"]
    return rows


def test_drafts_and_discarded_versions_never_appear(api, client, versions):
    v1, v2, v3, v4 = versions
    disclosures = all_pages(api, "/api/disclosures/", department="711", year=2024)
    assert {(d["id"], d["status"]) for d in disclosures} == {(v1.pk, "superseded"),
                                                            (v2.pk, "published")}
    for hidden in (v3, v4):
        assert client.get(f"/api/disclosures/{hidden.pk}/").status_code == 404
        assert client.get(f"/api/disclosures/{hidden.pk}/sangong/").status_code == 404
        for resource in ("lines", "projects", "indicators", "findings"):
            assert api(f"/api/{resource}/", disclosure=hidden.pk)["count"] == 0
    # v3 prints 216.76 and v4 226.76: no list, whatever the filter, shows them
    for params in ({}, {"status": "superseded"}, {"department": "711"}):
        page = api("/api/lines/", table="summary", code="general_budget", **params)
        assert not {r["amount"] for r in page["results"]} & {"216.76", "226.76"}
    for version, status in ((v1, 200), (v2, 200), (v3, 404), (v4, 404)):
        line = Figure.objects.filter(disclosure=version).first()
        assert client.get(f"/api/lines/{line.pk}/").status_code == status
    hidden_ids = {v3.pk, v4.pk}
    assert not {r["disclosure"] for r in all_pages(api, "/api/lines/", department="711",
                                                   page_size=1000)} & hidden_ids


def test_lines_default_to_published_and_open_a_superseded_version_by_id(api, versions):
    v1, v2, _, _ = versions
    query = {"department": "711", "table": "summary", "code": "general_budget"}
    [line] = api("/api/lines/", **query)["results"]
    assert (line["disclosure"], line["amount"], line["unit"], line["amount_yuan"]) == \
        (v2.pk, "206.76", "万元", "2067600")
    [old] = api("/api/lines/", disclosure=v1.pk, **query)["results"]
    assert (old["amount"], old["amount_yuan"], old["status"]) == ("196.76", "1967600", "superseded")


def test_a_line_carries_what_was_printed_and_where(api, sample_data):
    [line] = api("/api/lines/", department="711", table="summary", code="208")["results"]
    assert line["name"] == "八、社会保障和就业支出"
    assert (line["amount"], line["unit"], line["amount_yuan"]) == ("31.68", "万元", "316800")
    assert line["region"] == SLUG and line["year"] == 2024 and line["scope"] == "department"
    assert line["column"] == "total" and line["column_name"] == "合计"
    assert line["source_page"] is None and line["code_inferred"] is False  # a transcription


def test_amounts_printed_in_yuan_keep_their_digits(api, yuan_department):
    lines = api("/api/lines/", code="2080501")["results"]
    assert [(r["amount"], r["unit"], r["amount_yuan"], r["source_page"]) for r in lines
            if r["column"] == "total"] == [("1000000", "元", "1000000", 3),
                                           ("2500000", "元", "2500000", 3)]


def test_filters_table_and_code_prefix(api, sample_data):
    rows = all_pages(api, "/api/lines/", table="expenditure_by_function", code_prefix="208",
                     year=2024)
    assert rows and all(r["table"] == "expenditure_by_function" and r["code"].startswith("208")
                        for r in rows)
    expected = Figure.objects.filter(disclosure__status="published", disclosure__year=2024,
                                     table="expenditure_by_function", code__startswith="208")
    assert len(rows) == expected.count()
    assert sum(Decimal(r["amount_yuan"]) for r in rows) == \
        expected.aggregate(s=Sum("amount_yuan"))["s"]


def test_region_filter_includes_the_regions_below(api, sample_data):
    hebei = {d["region"] for d in all_pages(api, "/api/disclosures/", region="河北省")}
    assert SLUG in hebei and all(slug.startswith("河北省") for slug in hebei)
    assert api("/api/disclosures/", region="没有这个地区")["count"] == 0


def test_pagination_links_walk_every_row_once(api, client, sample_data):
    first = client.get("/api/lines/", {"department": "711", "page_size": 7})
    body = no_floats(first.content.decode())
    assert body["count"] > 14 and len(body["results"]) == 7 and body["previous"] is None
    assert "page=2" in body["next"] and "page_size=7" in body["next"]
    assert first["Link"] == f'<{body["next"]}>; rel="next"'
    rows = all_pages(api, "/api/lines/", department="711", page_size=7)
    assert len(rows) == body["count"] == len({r["id"] for r in rows})
    assert client.get("/api/lines/", {"page": 9999}).status_code == 404


def test_etag_answers_304_until_the_data_change(client, versions):
    _, _, v3, _ = versions
    url = "/api/lines/?department=711&table=summary"
    first = client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Access-Control-Allow-Origin"] == "*"
    assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200
    from budgets.services import disclosure_publish
    disclosure_publish(disclosure=v3)  # 216.76 becomes the published figure
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert b"216.76" in changed.content


def test_cors_for_reads_only_and_writes_refused(client, sample_data):
    read = client.get("/api/disclosures/")
    assert read["Access-Control-Allow-Origin"] == "*"
    assert not read.has_header("Access-Control-Allow-Credentials")
    head = client.head("/api/disclosures/")
    assert head.status_code == 200 and head["Access-Control-Allow-Origin"] == "*"
    assert head["ETag"] == read["ETag"] and head.content == b""
    preflight = client.options("/api/lines/", headers={
        "origin": "https://example.org", "access-control-request-method": "GET"})
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    count = Disclosure.objects.count()
    for method in (client.post, client.put, client.patch, client.delete):
        refused = method("/api/disclosures/", {"year": 2030}, content_type="application/json")
        assert refused.status_code == 405
        assert not refused.has_header("Access-Control-Allow-Origin")
        assert refused["Allow"] == "GET, HEAD, OPTIONS"
    assert client.post("/api/fdp.zip").status_code == 405
    assert Disclosure.objects.count() == count


def test_disclosure_detail_tables_headline_and_sangong(api, sample_data):
    [d] = api("/api/disclosures/", department="711", year=2024)["results"]
    assert d["key"] == f"{SLUG}:711:2024" and d["html_url"].endswith("/711/2024/")
    detail = api(f"/api/disclosures/{d['id']}/")
    headline = {h["key"]: h["amount_wan"] for h in detail["headline"]}
    assert headline["expenditure"] == "196.76" and headline["sangong"] == "0"
    tables = {t["table"]: t for t in detail["tables"]}
    assert tables["sangong"]["row_count"] == 0 and "空表列示" in tables["sangong"]["empty_note"]
    sangong = api(f"/api/disclosures/{d['id']}/sangong/")
    assert sangong[0]["code"] == "" and sangong[0]["name"] == "合计"


def test_departments_regions_projects_findings(api, sample_data):
    [department] = api("/api/departments/", code="711")["results"]
    assert department["name"] == "河北唐山芦台经济开发区群工部" and department["years"] == [2024]
    assert api(f"/api/regions/{SLUG}/")["path"] == "河北省 › 唐山市 › 芦台经济开发区"
    projects = api("/api/projects/", department="711")["results"]
    assert projects and all(isinstance(p["indicators"], list) for p in projects)
    with_budget = [p for p in projects if p["budget"] is not None]
    assert all(isinstance(p["budget"], str) and isinstance(p["budget_yuan"], str)
               for p in with_budget)
    indicators = api("/api/indicators/", department="711")
    assert indicators["count"] == sum(len(p["indicators"]) for p in projects)
    assert api("/api/findings/")["count"] >= 0


def test_comparison_and_ranking(api, client, sample_data):
    key = f"{SLUG}:711:2024"
    comparison = api("/api/comparison/", d=[key, "河北省-沧州市:313:2024", "nonsense"])
    assert [i["key"] for i in comparison["items"]][0] == key
    overview = {r["key"]: r for r in comparison["sections"][0]["rows"]}
    assert overview["expenditure"]["cells"][0]["amount"] == "196.76"
    assert client.get("/api/comparison/", {"reference": "sideways"}).status_code == 400

    ranking = api("/api/rankings/", year=2024, measure="total")
    values = [Decimal(r["value"]) for r in ranking["results"]]
    assert values == sorted(values, reverse=True) and ranking["results"][0]["rank"] == 1
    assert ranking["ranking"]["unit"] == "万元" and ranking["count"] == ranking["ranking"]["ranked"]
    by_code = api("/api/rankings/", year=2024, measure="function", code="208")
    assert by_code["ranking"]["label"].startswith("208 ")
    assert client.get("/api/rankings/", {"measure": "function", "code": "2"}).status_code == 400


def test_schema_and_docs_page(client, sample_data):
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200 and schema["Access-Control-Allow-Origin"] == "*"
    document = no_floats(schema.content.decode())
    assert document["openapi"].startswith("3.")
    assert {"/api/lines/", "/api/disclosures/{id}/sangong/", "/api/rankings/",
            "/api/comparison/", "/api/fdp.zip"} <= set(document["paths"])
    from drf_spectacular.validation import validate_schema
    validate_schema(document)
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui-bundle.js" in docs and "/static/js/api-docs.js" in docs
    assert "<script>" not in docs and "http" not in docs.split("<body>")[1].split("/api/")[0]
