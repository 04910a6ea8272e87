from django.views.decorators.csrf import csrf_exempt

from api.errors import problem_response


@csrf_exempt
def not_found(request, *args, **kwargs):
    return problem_response(request, 404, code="not_found")
