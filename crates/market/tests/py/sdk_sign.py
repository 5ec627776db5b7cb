"""Signs requests with Huawei's own SDK signer (huaweicloudsdkcore) for the Rust cross-check.

stdin: a JSON list of cases
  {"method", "host", "path", "query": [[k, v], ...], "headers": [[name, value], ...],
   "body_b64", "ak", "sk"}
stdout: a JSON list, per case {"authorization", "headers": [[name, value], ...], "query"}

With `send BASE_URL` as arguments it also sends each signed request to BASE_URL with urllib and
reports the HTTP status and body, so a server's signature check can be tested against the SDK.
"""

import base64
import json
import sys
import urllib.error
import urllib.request

from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: F401 (import check)
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer


class Creds:
    def __init__(self, ak, sk):
        self.ak = ak
        self.sk = sk


def sign(case):
    headers = {}
    for name, value in case["headers"]:
        headers[name] = value
    body = base64.b64decode(case.get("body_b64", ""))
    req = SdkRequest(
        method=case["method"],
        schema="http",
        host=case["host"],
        resource_path=case["path"],
        query_params=[tuple(p) for p in case["query"]],
        header_params=headers,
        body=body if body else None,
    )
    signed = Signer(Creds(case["ak"], case["sk"])).sign(req)
    query = Signer.process_canonical_query_string(signed)
    return signed, body, query


def main():
    cases = json.load(sys.stdin)
    send_to = sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "send" else None
    out = []
    for case in cases:
        signed, body, query = sign(case)
        result = {
            "authorization": signed.header_params["Authorization"],
            # Header values as the SDK puts them on the wire (UTF-8 bytes).
            "headers": [[k, v.encode("iso-8859-1").decode("utf-8")] for k, v in signed.header_params.items()],
            "query": query,
        }
        if send_to:
            path = urllib.request.quote(case["path"], safe="/~")
            url = send_to.rstrip("/") + path + ("?" + query if query else "")
            req = urllib.request.Request(url, data=body or None, method=case["method"])
            for k, v in signed.header_params.items():
                if k.lower() != "host":
                    req.add_header(k, v)
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    result["status"] = resp.status
                    result["body"] = resp.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as e:
                result["status"] = e.code
                result["body"] = e.read().decode("utf-8", "replace")
        out.append(result)
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
