from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Pages of 25 (page_size up to 100). A page or page size that is not a whole number is a
    400 naming it – never read as "the first page"; a page past the end is a 404."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        errors = {}
        for name in (self.page_query_param, self.page_size_query_param):
            values = request.query_params.getlist(name)
            if values and not all(v.isascii() and v.isdigit() and int(v) > 0 for v in values):
                errors[name] = ["Enter a whole number of 1 or more."]
        if errors:
            raise ValidationError(errors)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        # The schema says what the server accepts: whole numbers from 1 (a larger page size
        # than 100 is served as 100, not refused).
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Results per page: {self.page_size} unless given; more than "
                    f"{self.max_page_size} is served as {self.max_page_size}."
                )
        return parameters
