"""What travels through specmock: requests (``requests``), responses (``responses``) and the problems
specmock makes up itself (``problems``). It imports nothing else of specmock, so the shell, the
pipeline, the admin API, the journal and the proxy all build on it."""
