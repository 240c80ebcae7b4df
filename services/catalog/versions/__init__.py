"""动态调整: an agency's catalog published as numbered versions, each kept readable."""
