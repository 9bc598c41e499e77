"""Query-string filters of the public pages: the department directory and the CSV downloads."""

from django import forms

from budgets import picker, selectors
from budgets.models import Region


class DirectoryFilter(forms.Form):
    """部门目录: name search, region (with its sub-regions), year, functional class."""

    q = forms.CharField(label="名称", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": "部门名称、简称或编码"}))
    region = forms.ChoiceField(label="地区", required=False)
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    function = forms.ChoiceField(label="支出科目（类 › 款 › 项）", required=False,
                                 widget=forms.Select(attrs={"data-picker": ""}),
                                 error_messages={"invalid_choice": "没有编码为 %(value)s 的支出科目"})
    units = forms.BooleanField(label="含所属单位", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "全部地区"), *selectors.region_choices()]
        self.fields["year"].choices = [("", "全部年度"),
                                       *((y, f"{y}年") for y in selectors.published_years())]
        self.fields["function"].choices = [("", "全部科目"), *picker.subject_choices()]

    def clean_region(self) -> Region | None:
        slug = self.cleaned_data.get("region")
        return Region.objects.filter(slug=slug).first() if slug else None

    def directory(self):
        """The filtered published department-years (unfiltered if the form is invalid)."""
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.department_directory(
            query=data.get("q") or "", region=data.get("region"), year=data.get("year"),
            function=data.get("function") or "", include_units=bool(data.get("units")),
        )


class DownloadFilter(forms.Form):
    """/downloads/*.csv?year=2024&region=<slug>: both optional."""

    year = forms.IntegerField(required=False, min_value=1990, max_value=2100)
    region = forms.SlugField(required=False, allow_unicode=True, max_length=200)

    def clean_region(self) -> Region | None:
        slug = self.cleaned_data.get("region")
        if not slug:
            return None
        region = Region.objects.filter(slug=slug).first()
        if region is None:
            raise forms.ValidationError("未知地区")
        return region


class QualityFilter(forms.Form):
    """数据质量总览: region (with its sub-regions) and year, both optional."""

    region = forms.ChoiceField(label="地区", required=False)
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "全部地区"), *selectors.region_choices()]
        self.fields["year"].choices = [("", "全部年度"),
                                       *((y, f"{y}年") for y in selectors.published_years())]

    def clean_region(self) -> Region | None:
        slug = self.cleaned_data.get("region")
        return Region.objects.filter(slug=slug).first() if slug else None
