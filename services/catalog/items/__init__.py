"""公开事项: the rows of an agency's standard catalog (政务公开事项标准目录)."""
