"""``specmock proxy``: the spec between a client and a real backend.

Every request is checked and forwarded; every answer is checked and relayed unchanged (violations in
the journal, the ``Specmock-Violations`` header and the log); optionally refused (``--errors``,
``--strict``), answered by the mock where the upstream has nothing yet (``--fallback mock``), and
recorded as fixture files (``--record DIR``).

    with serve_proxy(ProxyConfig("openapi.yaml", upstream="http://127.0.0.1:8000")) as proxy:
        httpx.get(proxy.url + "/pets")
"""

from specmock.proxy.config import ProxyConfig
from specmock.proxy.shell import ProxyApp, RunningProxy, create_proxy, serve_proxy

__all__ = ["ProxyApp", "ProxyConfig", "RunningProxy", "create_proxy", "serve_proxy"]
