"""机关: the agencies every other service refers to."""
