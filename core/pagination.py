from typing import Any

from django.conf import settings
from django.core.paginator import Page
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


class PagePagination(PageNumberPagination):
    """Numbered pages; clients may ask for up to 100 rows a page with ``page_size``.

    A ``page`` or ``page_size`` that is not a whole number in range is a field error, not
    quietly replaced by the default: a client asking for ``page_size=null`` has a bug to hear
    about. A page past the last one is still a 404, as it names no page that exists.

    The page's rows are read first. A page that comes back with rows but short of the page
    size is the last, so the count is the rows before it and on it, with no ``COUNT(*)``;
    only a full page (or an empty one past the first, to refuse it) needs the count. Most
    lists of most people fit in one page, and the menu's unread badge asks for a page of one
    of the unread cards, which is usually empty or short.
    """

    page_size_query_param = "page_size"
    max_page_size = 100
    # Only numbers: the schema documents ``page`` as an integer.
    last_page_strings = ()
    # A bound the schema states, so that no page a client may ask for is past what the
    # database can count to (a page of 2**62 would overflow its offset): a hundred million
    # rows, far past any list's end.
    max_page = 1_000_000

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None, *, count_of: Any = None
    ) -> Any:
        """The page's rows, as DRF's; ``count_of`` is a leaner queryset of the same rows to
        count, when the page's own carries columns and joins a count does not need."""
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        paginator = self.django_paginator_class(queryset, page_size)
        number = self.get_page_number(request, paginator)
        offset = (number - 1) * page_size
        rows = list(queryset[offset : offset + page_size])
        if len(rows) < page_size and (rows or number == 1):
            # Django's Paginator keeps its count here once worked out (a cached_property).
            paginator.__dict__["count"] = offset + len(rows)
        elif count_of is not None:
            paginator.__dict__["count"] = count_of.count()
        if not rows and number > 1 and paginator.count <= offset:
            message = str(paginator.error_messages["no_results"])
            raise NotFound(self.invalid_page_message.format(page_number=number, message=message))
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        self.page = Page(rows, number, paginator)
        return rows

    def get_page_size(self, request: Request) -> int | None:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        return _whole_number(
            raw,
            self.page_size_query_param,
            maximum=self.max_page_size,
            message=_("Enter a whole number from 1 to %(maximum)d.")
            % {"maximum": self.max_page_size},
        )

    def get_page_number(self, request: Request, paginator: Any) -> int:
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        return _whole_number(
            raw,
            self.page_query_param,
            maximum=self.max_page,
            message=_("Enter a page number from 1 to %(maximum)d.") % {"maximum": self.max_page},
        )

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
        return parameters


def _whole_number(raw: str, name: str, *, message: str, maximum: int | None = None) -> int:
    text = raw.strip()
    if text.isascii() and text.isdigit():
        number = int(text)
        if number >= 1 and (maximum is None or number <= maximum):
            return number
    raise ValidationError({name: [message]})


def counted_to_cap(queryset: Any) -> Any:
    """``queryset`` to be counted by ``CappedCountPagination``: unordered and cut one row
    past its cap, so that its ``count()`` reads no more rows than that."""
    return queryset.order_by()[: settings.LIST_COUNT_CAP + 1]


class CappedCountPagination(PagePagination):
    """Numbered pages of a list that runs to a force area's hundreds of thousands of rows
    (offences, letters), counted only as far as anyone reads a count.

    Counting every row a liaison may see on every page of the list costs PostgreSQL a scan of
    all of them, a few milliseconds at 20,000 and a tenth of a second at a million, to print
    a number nobody needs exactly past a screenful of pages. So the count stops at
    ``LIST_COUNT_CAP`` (a setting, 1,000 unless changed): past it the response says
    ``count_capped`` and ``count`` is the cap (the screens say "more than 1,000"). Whether
    there is a next page is read from the page itself, one row past its end, so it is right
    however far the list runs. A page that ends the list gives the exact count from its own
    rows, with no ``COUNT`` at all.

    The view counts with ``count_of``, its list's rows through ``counted_to_cap``.
    """

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None, *, count_of: Any = None
    ) -> Any:
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        cap = settings.LIST_COUNT_CAP
        paginator = self.django_paginator_class(queryset, page_size)
        number = self.get_page_number(request, paginator)
        offset = (number - 1) * page_size
        fetched = list(queryset[offset : offset + page_size + 1])
        rows = fetched[:page_size]
        self.has_next = len(fetched) > page_size
        if not rows and number > 1:
            message = str(paginator.error_messages["no_results"])
            raise NotFound(self.invalid_page_message.format(page_number=number, message=message))
        if not self.has_next:
            # The list ends here: its count is known, however long it is.
            count, self.count_capped = offset + len(rows), False
        elif offset + len(fetched) > cap:
            count, self.count_capped = cap, True
        else:
            counted = count_of if count_of is not None else counted_to_cap(queryset)
            count = counted.count()
            self.count_capped = count > cap
            count = min(count, cap)
        # Django's Paginator keeps its count here once worked out (a cached_property).
        paginator.__dict__["count"] = count
        self.display_page_controls = (
            self.template is not None and not self.count_capped and paginator.num_pages > 1
        )
        self.page = Page(rows, number, paginator)
        self.number, self.count, self.url = number, count, request.build_absolute_uri()
        return rows

    # The links are not the Page's own: past the cap, its paginator's pages end before the
    # list does.
    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        return replace_query_param(self.url, self.page_query_param, self.number + 1)

    def get_previous_link(self) -> str | None:
        if self.number == 1:
            return None
        if self.number == 2:
            return remove_query_param(self.url, self.page_query_param)
        return replace_query_param(self.url, self.page_query_param, self.number - 1)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.count,
                "count_capped": self.count_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: Any) -> dict[str, Any]:
        paginated: dict[str, Any] = super().get_paginated_response_schema(schema)
        cap = settings.LIST_COUNT_CAP
        paginated["required"] = [*paginated["required"], "count_capped"]
        paginated["properties"]["count"]["description"] = (
            f"How many rows the list holds, counted up to {cap:,}: "
            f"when there are more, `count_capped` is true and this is {cap:,}."
        )
        properties = paginated["properties"]
        count_capped = {
            "type": "boolean",
            "description": f"True when the list holds more than {cap:,} rows.",
        }
        paginated["properties"] = {
            "count": properties.pop("count"),
            "count_capped": count_capped,
            **properties,
        }
        return paginated
