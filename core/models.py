from django.conf import settings
from django.db import models


class IdempotencyRecord(models.Model):
    """The first response to a request sent with an ``Idempotency-Key`` header.

    A client on a flaky mobile connection retries with the same key; the retry gets this
    stored response instead of doing the thing a second time. ``user`` is empty for an
    anonymous request (sign-up, password reset): such keys are unique among themselves.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True
    )
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    fingerprint = models.CharField(
        max_length=64,
        help_text="HMAC-SHA-256 of method, path, query string and body (files by content).",
    )
    response_status = models.PositiveSmallIntegerField(null=True)
    response_content = models.BinaryField(null=True, help_text="The response body as sent.")
    response_content_type = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user"),
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(user__isnull=True),
                name="idempotency_key_unique_anonymous",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"
