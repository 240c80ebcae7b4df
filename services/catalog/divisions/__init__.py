"""行政区划 (GB/T 2260 and the statistical township / village codes)."""
