"""The frontend developer's loop: injected latency and faults, hot reload, the dashboard and the
offline Swagger UI.

| module | owns |
| --- | --- |
| `disruption` | latency and fault decisions (pure, seeded): ``Injection`` values the shell acts on |
| `connections` | closing a client's connection without an answer (``fault=reset``) |
| `reload` | rebuilding the served documents when their files change, keeping unchanged records |
| `watch` | the file watcher (watchfiles) that drives ``reload`` in the server's event loop |
| `assets` | the dashboard and Swagger UI files shipped in ``static/`` |
| `views` | what the dashboard reads: API descriptions, journal entries with curl lines, settings |
"""
