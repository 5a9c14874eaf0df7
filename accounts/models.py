from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.forces import PoliceForce
from accounts.validators import validate_phone, validate_postcode


class Language(models.TextChoices):
    """The languages a person may choose for Patchwatch to speak to them in, each named in
    itself."""

    ENGLISH = "en", "English"
    WELSH = "cy", "Cymraeg"


# Django's codes for them (settings.LANGUAGES): English is British English.
DJANGO_LANGUAGE = {Language.ENGLISH.value: "en-gb", Language.WELSH.value: "cy"}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person using Patchwatch, identified by email address.

    Volunteer and coordinator are roles held per scheme (``schemes.Membership``);
    police liaison is a ``LiaisonProfile``; staff use the Django admin.
    """

    # Named in the person's language where a message names them ("too similar to the email").
    email = models.EmailField(gettext_lazy("email"), max_length=254, unique=True)
    name = models.CharField(gettext_lazy("name"), max_length=150)
    phone = models.CharField(max_length=20, blank=True, validators=[validate_phone])
    postcode = models.CharField(
        max_length=8, blank=True, validators=[validate_postcode], help_text="Home postcode."
    )
    language = models.CharField(
        max_length=2,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text="The language Patchwatch speaks to them in: the app, its messages and errors.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def django_language(self) -> str:
        """Django's code for the language the person chose (``translation.override``)."""
        return DJANGO_LANGUAGE.get(self.language, DJANGO_LANGUAGE[Language.ENGLISH])

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class LiaisonProfile(models.Model):
    """Makes a user a police liaison covering every scheme of one force area."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="liaison")
    force = models.CharField(max_length=40, choices=PoliceForce.choices, db_index=True)
    role_title = models.CharField(max_length=100, blank=True, help_text="e.g. PCSO, Sergeant.")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user.name} ({self.get_force_display()})"


class EmailChange(models.Model):
    """A request to move an account to another email address, waiting for the link sent to
    that address to be followed. The link's token is a keyed hash of this row
    (``accounts.emails.email_change_token``), so nothing secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="email_changes")
    new_email = models.EmailField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.new_email}"


class AccountEventType(models.TextChoices):
    DATA_EXPORTED = "data_exported", gettext_lazy("Downloaded their data")


class AccountEvent(models.Model):
    """Something done with an account that its holder may want to check later, such as a
    download of everything held about them (a download they did not make is a sign that
    someone else is signed in as them). The events go with the account."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_events")
    type = models.CharField(max_length=30, choices=AccountEventType.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"], name="account_event_user_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id}: {self.get_type_display()}"
