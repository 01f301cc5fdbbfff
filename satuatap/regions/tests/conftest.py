# The root conftest's ``areas`` loads the areas again after a test on a live server flushed them.
from satuatap.collection.tests.conftest import desk  # noqa: F401  (fixtures re-exported)
from satuatap.distribution.tests.conftest import books, english_messages, registry  # noqa: F401
