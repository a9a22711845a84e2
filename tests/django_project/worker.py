"""Names the process that answered, for the tests that serve this project
with several gunicorn workers."""

import os


def name_the_worker(get_response):
    def middleware(request):
        response = get_response(request)
        response["X-Worker"] = str(os.getpid())
        return response

    return middleware
