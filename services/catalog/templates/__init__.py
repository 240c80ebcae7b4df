"""标准指引: a domain's template catalog, instantiated and localised by agencies."""
