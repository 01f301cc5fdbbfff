"""Pages of distribution: stock (joined into the ``distribution`` namespace by the app's urls.py)."""

from django.urls import path

from satuatap.distribution.stock import views as stock_views

urlpatterns: list = [
    path("distribution/stock/", stock_views.stock_on_hand, name="stock"),
    path("distribution/stock/items/", stock_views.stock_items, name="stock_items"),
    path("distribution/stock/receive/", stock_views.stock_receive, name="stock_receive"),
    path("distribution/stock/purchase/", stock_views.stock_purchase, name="stock_purchase"),
    path("distribution/stock/moves/", stock_views.stock_moves, name="stock_moves"),
    path("distribution/applications/<int:pk>/goods/", stock_views.goods_pay, name="goods_pay"),
]
