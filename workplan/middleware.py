from django.utils.cache import add_never_cache_headers


def no_store_for_signed_in(get_response):
    """Pages for a signed-in person are never kept by browsers or proxies."""

    def middleware(request):
        response = get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response

    return middleware
