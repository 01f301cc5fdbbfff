"""The pages of collection, one module per area: ``counter`` (recording and listing donations),
``receipts``, ``setup`` (calculator, campaigns, ways to give, settings), ``imports`` and ``reports``.
``collection/urls.py`` names them.
"""
