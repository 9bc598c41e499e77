"""The upload form: files, the region they belong to, and what they are expected to be."""

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.template.defaultfilters import filesizeformat

from budgets.models import Region

MAX_FILES = 20


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type=file multiple> (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "multiple": True, "accept": ".pdf,.docx,.xlsx,application/pdf,"
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return str(obj)


class UploadForm(forms.Form):
    region = RegionChoiceField(label="地区/预算级次", queryset=Region.objects.none(),
                               empty_label="请选择地区")
    files = MultipleFileField(label="文件（PDF、DOCX 或 XLSX，可多选）",
                              error_messages={"required": "请选择要上传的文件"})
    expected_year = forms.IntegerField(
        label="预算年度（可选）", required=False, min_value=2000, max_value=2100,
        help_text="填写后，年度不符的文件会被拒绝")
    expected_code = forms.CharField(
        label="部门编码（可选）", required=False, max_length=20,
        validators=[RegexValidator(r"^\d{1,20}$", "部门编码只能是数字，如 711")],
        help_text="填写后，其他部门的文件会被拒绝")

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        if len(regions) == 1:
            self.fields["region"].initial = regions[0]

    def clean_files(self) -> list:
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"一次最多上传 {MAX_FILES} 个文件")
        limit = settings.INGEST_MAX_UPLOAD_BYTES
        too_big = [f for f in files if f.size > limit]
        if too_big:
            raise forms.ValidationError([
                f"文件“{f.name}”大小 {filesizeformat(f.size)}，超过上限 {filesizeformat(limit)}，未保存"
                for f in too_big
            ])
        return files
