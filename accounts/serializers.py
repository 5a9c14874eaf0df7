from typing import Any, cast

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import two_factor
from accounts.actions import me_actions, me_actions_registered
from accounts.memberships import membership_reader
from accounts.models import Language, User
from accounts.selectors import email_change_pending
from accounts.validators import normalise_postcode, validate_phone
from core.serializers import ModelSerializer, Serializer


class PostcodeField(serializers.CharField):
    """A UK postcode, normalised to upper case with one space ("cb21tn" → "CB2 1TN")."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=10, allow_blank=True, required=False, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not value:
            return ""
        try:
            return normalise_postcode(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class PhoneField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_length=20, allow_blank=True, required=False, validators=[validate_phone], **kwargs
        )


class SignUpSerializer(Serializer):
    name = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        write_only=True, max_length=128, style={"input_type": "password"}
    )
    phone = PhoneField()
    postcode = PostcodeField()
    language = serializers.ChoiceField(
        choices=Language.choices,
        required=False,
        help_text="The language Patchwatch speaks to them in; by default the request's "
        "(Accept-Language).",
    )

    def validate_email(self, value: str) -> str:
        value = value.strip().lower()
        if User.objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError(_("An account with this email already exists."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = User(email=attrs["email"], name=attrs["name"])
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": exc.messages}) from exc
        return attrs


class SignInSerializer(Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


class TokenSerializer(Serializer):
    token = serializers.CharField(read_only=True)


class LiaisonSerializer(Serializer):
    force = serializers.CharField()
    force_name = serializers.CharField(source="get_force_display")
    role_title = serializers.CharField()


class MembershipBriefSerializer(Serializer):
    scheme = serializers.IntegerField(source="scheme_id")
    scheme_name = serializers.CharField(source="scheme.name")
    kind = serializers.CharField(source="scheme.kind")
    role = serializers.CharField()


class MeActionsSerializer(Serializer):
    """What the person may do overall: each app registers its own (``accounts.actions``), so
    the fields are those registered once the apps are ready."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {action.name: action.field() for action in me_actions_registered()}


class MeSerializer(ModelSerializer):
    liaison = serializers.SerializerMethodField()
    coordinator_of = serializers.SerializerMethodField(
        help_text="Ids of the schemes the user coordinates."
    )
    memberships = serializers.SerializerMethodField(
        help_text="The user's active memberships: scheme id, its kind, the user's role."
    )
    actions = serializers.SerializerMethodField(
        help_text="What the user may do: the menu and the screens offer exactly these."
    )
    pending_email = serializers.SerializerMethodField(
        help_text="A new email address waiting for its confirmation link to be followed."
    )
    two_factor_enabled = serializers.SerializerMethodField(
        help_text="Every sign-in asks for a code from an authenticator app."
    )
    two_factor_required = serializers.SerializerMethodField(
        help_text="The account must use two-factor sign-in (police liaisons and staff): "
        "until it is set up, nothing but setting it up is allowed."
    )

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "name",
            "phone",
            "postcode",
            "language",
            "is_staff",
            "pending_email",
            "two_factor_enabled",
            "two_factor_required",
            "liaison",
            "coordinator_of",
            "memberships",
            "actions",
        ]
        read_only_fields = fields

    def get_pending_email(self, user: User) -> str | None:
        return email_change_pending(user=user)

    def get_two_factor_enabled(self, user: User) -> bool:
        return two_factor.second_factor_enabled(user=user)

    def get_two_factor_required(self, user: User) -> bool:
        return two_factor.second_factor_required(user=user)

    @extend_schema_field(LiaisonSerializer(allow_null=True))
    def get_liaison(self, user: User) -> dict[str, Any] | None:
        profile = getattr(user, "liaison", None)
        return LiaisonSerializer(profile).data if profile else None

    def get_coordinator_of(self, user: User) -> list[int]:
        return membership_reader().coordinated_scheme_ids(user)

    @extend_schema_field(MembershipBriefSerializer(many=True))
    def get_memberships(self, user: User) -> list[dict[str, Any]]:
        data = MembershipBriefSerializer(
            membership_reader().active_memberships(user), many=True
        ).data
        return cast(list[dict[str, Any]], data)  # many=True: a list (the stubs say a dict)

    @extend_schema_field(MeActionsSerializer)
    def get_actions(self, user: User) -> dict[str, Any]:
        return MeActionsSerializer(me_actions(user)).data


class MeUpdateSerializer(Serializer):
    name = serializers.CharField(max_length=150, required=False)
    phone = PhoneField()
    postcode = PostcodeField()
    language = serializers.ChoiceField(
        choices=Language.choices,
        required=False,
        help_text="The language Patchwatch speaks to them in: the app, its messages and errors.",
    )


class PasswordResetSerializer(Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    new_password = serializers.CharField(max_length=128, style={"input_type": "password"})


class DetailSerializer(Serializer):
    detail = serializers.CharField()


class CurrentPasswordField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_length=128, trim_whitespace=False, style={"input_type": "password"}, **kwargs
        )


class PasswordChangeSerializer(Serializer):
    """Needs ``context["user"]``: the new password is checked against their details."""

    current_password = CurrentPasswordField()
    new_password = CurrentPasswordField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["new_password"] == attrs["current_password"]:
            raise serializers.ValidationError(
                {"new_password": [_("Choose a password different from your current one.")]}
            )
        try:
            password_validation.validate_password(attrs["new_password"], self.context["user"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"new_password": exc.messages}) from exc
        return attrs


class EmailChangeSerializer(Serializer):
    new_email = serializers.EmailField(max_length=254)
    password = CurrentPasswordField()


class EmailChangeRequestedSerializer(Serializer):
    detail = serializers.CharField()
    pending_email = serializers.EmailField()


class EmailChangeConfirmSerializer(Serializer):
    token = serializers.CharField(max_length=100)


class EmailChangedSerializer(Serializer):
    detail = serializers.CharField()
    email = serializers.EmailField()


class AccountDeletionSerializer(Serializer):
    password = CurrentPasswordField()


class HeldDataSerializer(Serializer):
    what = serializers.CharField()
    count = serializers.IntegerField()
    outcome = serializers.CharField(help_text="What deleting the account does to it.")


class BlockerSerializer(Serializer):
    message = serializers.CharField()
    link = serializers.CharField(help_text="The app's page where it can be put right.")
    link_text = serializers.CharField()


class AccountDeletionPreviewSerializer(Serializer):
    held = HeldDataSerializer(many=True)
    blockers = BlockerSerializer(
        many=True, help_text="What must be done before the account can be deleted."
    )
    can_delete = serializers.BooleanField()


class AccountDeletionRefusedSerializer(Serializer):
    detail = serializers.CharField()
    blockers = BlockerSerializer(many=True)


# --- Two-factor sign-in -------------------------------------------------------------------


class OtpCodeField(serializers.CharField):
    """A 6-digit authenticator code or a recovery code (spaces and hyphens are ignored)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text", "The 6-digit code from the authenticator app, or a recovery code."
        )
        super().__init__(max_length=32, **kwargs)


class OtpRequiredSerializer(Serializer):
    otp_required = serializers.BooleanField(
        help_text="Always true: the password was right; send a code to finish signing in."
    )
    detail = serializers.CharField()


class TokenOtpRequiredSerializer(OtpRequiredSerializer):
    otp_token = serializers.CharField(
        help_text="Send this back with the code to POST /auth/token/otp/; it expires after "
        "a few minutes."
    )


class SignInCodeSerializer(Serializer):
    code = OtpCodeField()


class TokenSignInCodeSerializer(Serializer):
    otp_token = serializers.CharField(max_length=500)
    code = OtpCodeField()


class TwoFactorStatusSerializer(Serializer):
    enabled = serializers.BooleanField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # a field named like Field.required; DRF takes it off the class
    recovery_codes_left = serializers.IntegerField()
    can_disable = serializers.BooleanField(
        help_text="False for the accounts that must use two-factor sign-in."
    )


class TwoFactorEnrolSerializer(Serializer):
    password = CurrentPasswordField()


class TwoFactorEnrolmentSerializer(Serializer):
    secret = serializers.CharField(help_text="The key to type into an authenticator app.")
    otpauth_uri = serializers.CharField(
        help_text="An otpauth:// link that authenticator apps open directly."
    )
    qr_svg = serializers.CharField(help_text="The otpauth link as a QR code: an SVG data URL.")


class TwoFactorCodeSerializer(Serializer):
    code = serializers.CharField(
        max_length=32, help_text="The 6-digit code the authenticator app shows now."
    )


class RecoveryCodesSerializer(Serializer):
    recovery_codes = serializers.ListField(
        child=serializers.CharField(),
        help_text="Single-use codes for signing in without the phone. Shown only this once.",
    )


class TwoFactorDisableSerializer(Serializer):
    password = CurrentPasswordField()
    code = OtpCodeField()
