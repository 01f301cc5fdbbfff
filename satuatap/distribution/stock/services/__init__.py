"""Every write of the goods stock. Import services from here.

``goods``: items, goods received from in-kind donations, purchases posted to the ledger, and goods
given out as aid; ``voids``: a receipt of goods voided in collection takes its goods back out
(``StockVoidHook``).
"""

from satuatap.distribution.stock.services.goods import (
    MAX_QUANTITY,
    PURCHASE_SOURCE,
    audit_move,
    day_of,
    goods_disburse,
    goods_give_check,
    item_of,
    lock_item,
    quantity_of,
    stock_item_check,
    stock_item_save,
    stock_purchase,
    stock_purchase_check,
    stock_receive_check,
    stock_receive_donation,
)
from satuatap.distribution.stock.services.voids import StockVoidHook, void_refusal, void_take_back

__all__ = [
    "MAX_QUANTITY",
    "PURCHASE_SOURCE",
    "StockVoidHook",
    "audit_move",
    "day_of",
    "goods_disburse",
    "goods_give_check",
    "item_of",
    "lock_item",
    "quantity_of",
    "stock_item_check",
    "stock_item_save",
    "stock_purchase",
    "stock_purchase_check",
    "stock_receive_check",
    "stock_receive_donation",
    "void_refusal",
    "void_take_back",
]
