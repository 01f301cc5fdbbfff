"""core's pages and what every app's views share.

``pages``: the home page and "My work"; ``errors``: the error pages (``handler400``…); ``helpers``: the
small helpers of every app's thin views (``active_unit``, ``query_int``, ``apply_service_error``…).
"""

from satuatap.core.views.pages import home, my_work

__all__ = ["home", "my_work"]
