from rest_framework.routers import SimpleRouter

from surveys import api

router = SimpleRouter(use_regex_path=False)
router.register("surveys", api.SurveyViewSet, basename="survey")

urlpatterns = [*router.urls]
