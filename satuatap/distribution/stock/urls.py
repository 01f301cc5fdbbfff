"""Pages of distribution: stock (joined into the ``distribution`` namespace by urls.py)."""

from django.urls import path

from satuatap.distribution import views_stock

urlpatterns: list = [
    path("distribution/stock/", views_stock.stock_on_hand, name="stock"),
    path("distribution/stock/items/", views_stock.stock_items, name="stock_items"),
    path("distribution/stock/receive/", views_stock.stock_receive, name="stock_receive"),
    path("distribution/stock/purchase/", views_stock.stock_purchase, name="stock_purchase"),
    path("distribution/stock/moves/", views_stock.stock_moves, name="stock_moves"),
    path("distribution/applications/<int:pk>/goods/", views_stock.goods_pay, name="goods_pay"),
]
