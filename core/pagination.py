from django.core.paginator import Paginator

PAGE_SIZE = 25


def paged(request, items, per_page: int | None = None) -> dict:
    """The page of `items` the request asks for, and the page links to show around it."""
    page = Paginator(items, per_page or PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "page_range": page.paginator.get_elided_page_range(page.number)}
