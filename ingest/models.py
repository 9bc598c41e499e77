"""The staff side of reading documents: who may work on which region, the background job that
reads one uploaded file, and the audit log of what staff did."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone

from budgets.models import Region, SourceDocument


class RegionGrant(models.Model):
    """A staff user may upload, review and publish for this region and every region below it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="region_grants", verbose_name="用户")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="grants",
                               verbose_name="地区（含下级）")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name="授权人")
    created_at = models.DateTimeField("授权时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "地区授权"
        ordering = ["user__username", "region__slug"]
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="grant_unique_user_region"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.region}"


class IngestJob(models.Model):
    """Reading one uploaded document in the background, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "处理中"
        READY = "ready", "待审核"
        FAILED = "failed", "失败"
        DUPLICATE = "duplicate", "重复文件"

    class Stage(models.TextChoices):
        QUEUED = "queued", "排队等待处理"
        READING = "reading", "读取文件"
        CHECKING = "checking", "校验数据"
        DONE = "done", "完成"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    document = models.OneToOneField(SourceDocument, on_delete=models.PROTECT,
                                    related_name="job", verbose_name="原始文件")
    status = models.CharField("状态", max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    stage = models.CharField("阶段", max_length=10, choices=Stage.choices, default=Stage.QUEUED)
    page = models.PositiveIntegerField("当前页", null=True, blank=True)
    pages = models.PositiveIntegerField("总页数", null=True, blank=True)
    error = models.TextField("错误", blank=True)
    expected_year = models.PositiveSmallIntegerField("预期年度", null=True, blank=True)
    expected_code = models.CharField("预期部门编码", max_length=20, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name="上传人")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    # Every progress report touches this; a queued/running job that stops touching it is stale.
    heartbeat_at = models.DateTimeField("最近进展", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "读取任务"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="ingestjob_status")]

    def __str__(self) -> str:
        return f"{self.document.original_name}（{self.get_status_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("ingest:job-detail", kwargs={"pk": self.pk})

    @property
    def region(self) -> Region | None:
        return self.document.region

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_stale(self) -> bool:
        limit = timedelta(seconds=settings.INGEST_JOB_STALE_SECONDS)
        return self.is_active and timezone.now() - self.heartbeat_at > limit

    @property
    def can_retry(self) -> bool:
        return self.status == self.Status.FAILED or self.is_stale

    @property
    def percent(self) -> int:
        """Rough share done, for the progress bar: reading is 90 %, checking the rest."""
        if self.status in (self.Status.READY, self.Status.FAILED, self.Status.DUPLICATE):
            return 100
        if self.stage == self.Stage.CHECKING:
            return 95
        if self.stage == self.Stage.READING:
            if self.page and self.pages:
                return 5 + int(85 * self.page / self.pages)
            return 10
        return 0

    @property
    def progress_text(self) -> str:
        """What is happening, in plain words."""
        if self.status == self.Status.QUEUED:
            return "排队中，等待后台处理"
        if self.status == self.Status.RUNNING:
            if self.stage == self.Stage.READING and self.page and self.pages:
                return f"正在读取第 {self.page} 页，共 {self.pages} 页"
            if self.stage == self.Stage.CHECKING:
                return "正在校验数据"
            return "正在读取文件"
        if self.status == self.Status.READY:
            return "读取完成，待审核"
        if self.status == self.Status.DUPLICATE:
            return self.error or "与已读取的文件相同，未重复读取"
        return f"读取失败：{self.error}"


class AuditEntry(models.Model):
    """Who did what to which object, and when. Written by ingest/services.py only."""

    class Action(models.TextChoices):
        UPLOADED = "uploaded", "上传"
        PUBLISHED = "published", "公开"
        DISCARDED = "discarded", "废弃"
        RETRIED = "retried", "重试"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+", verbose_name="操作人")
    username = models.CharField("用户名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, null=True, blank=True,
                                     on_delete=models.SET_NULL, verbose_name="对象类型")
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name="地区")
    details = models.JSONField("详情", default=dict, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "操作日志"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        when = timezone.localtime(self.created_at).strftime("%Y-%m-%d %H:%M")
        return f"{when} {self.username} {self.get_action_display()} {self.object_repr}"
