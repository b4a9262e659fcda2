"""GcTuning: thresholds raised and start-up objects frozen for the run, then restored."""

from __future__ import annotations

import gc

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.extensions.gctune import GcTuning


def test_off_when_threshold_is_zero():
    with pytest.raises(NotConfigured):
        build_from_crawler(GcTuning, get_crawler(settings_dict={"NEWSCRAWL_GC_THRESHOLD": 0}))


def test_tunes_for_the_run_and_restores():
    before = gc.get_threshold()
    ext = build_from_crawler(GcTuning, get_crawler(settings_dict={"NEWSCRAWL_GC_THRESHOLD": 40000}))
    try:
        ext.engine_started()
        assert gc.get_threshold()[0] == 40000
        assert gc.get_freeze_count() > 0
    finally:
        ext.engine_stopped()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
