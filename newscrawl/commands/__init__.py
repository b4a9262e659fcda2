"""Custom ``scrapy`` commands (COMMANDS_MODULE): ``crawl`` with a run lock and exit codes."""
