"""The downloads page lists the CSV files by year and by region, each a working download."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_it_links_every_year_and_region_and_each_link_downloads(sample_data, client):
    html = client.get(reverse("budgets:downloads")).content.decode()
    assert "<title>数据下载" in html
    lines = reverse("budgets:lines-csv")
    assert f'href="{lines}?year=2024"' in html
    assert "河北省 › 沧州市 › 沧州经济开发区" in html
    assert f'href="{reverse("budgets:indicators-csv")}?year=2024"' in html
    for region_slug in ("%E6%B2%B3%E5%8C%97%E7%9C%81-%E6%B2%A7%E5%B7%9E%E5%B8%82-"
                        "%E6%B2%A7%E5%B7%9E%E7%BB%8F%E6%B5%8E%E5%BC%80%E5%8F%91%E5%8C%BA",):
        assert f'href="{lines}?region={region_slug}"' in html
        response = client.get(f"{lines}?region={region_slug}")
        content = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "中共河北沧州经济开发区工委组织人事部" in content and "芦台" not in content
