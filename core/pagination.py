from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """Numbered pages; clients may ask for up to 100 rows a page with ``page_size``."""

    page_size_query_param = "page_size"
    max_page_size = 100
