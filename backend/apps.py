from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """The admin site with two-factor sign-in (``accounts.admin_site``)."""

    default_site = "accounts.admin_site.AdminSite"
