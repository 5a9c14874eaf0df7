from django.apps import AppConfig

# Imported as a module: a class of its own here would count as a second default config.
from django.contrib.admin import apps as admin_apps


class BackendConfig(AppConfig):
    """The composition root as an app, for the commands that span every domain app
    (``load_demo``)."""

    name = "backend"
    verbose_name = "Patchwatch"
    default = True


class AdminConfig(admin_apps.AdminConfig):
    """The admin site with two-factor sign-in (``accounts.admin_site``)."""

    default = False
    default_site = "accounts.admin_site.AdminSite"
