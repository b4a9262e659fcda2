"""The offline demo network: fictional regional news sites served from 127.0.0.1.

It is the crawler's end-to-end test bed and the README's ``make demo``: every
site knows its own ground truth (``DemoNetwork.truth()``), so a test can check
exactly what a crawl must and must not yield.
"""

from __future__ import annotations

from newscrawl.demo.base import DemoArticle, DemoSite, cf_decode, cf_encode
from newscrawl.demo.network import DemoNetwork
from newscrawl.demo.server import RequestRecord

__all__ = ["DemoArticle", "DemoNetwork", "DemoSite", "RequestRecord", "cf_decode", "cf_encode"]
