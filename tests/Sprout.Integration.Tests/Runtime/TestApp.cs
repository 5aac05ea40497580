namespace Sprout.Integration.Tests.Runtime;

/// <summary>A tiny HTTP app (python3 standard library) the runtime tests run as an instance.</summary>
internal static class TestApp
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Start command for the app in the slug.</summary>
    public const string StartCommand = Python + " -u app.py";

    public const string Source = """
        import http.server, os, signal, sys, urllib.parse

        if os.environ.get("IGNORE_TERM"):
            signal.signal(signal.SIGTERM, signal.SIG_IGN)

        port = int(os.environ["PORT"])

        def attempt(action):
            try:
                action()
                return "ok"
            except PermissionError:
                return "denied"

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                url = urllib.parse.urlparse(self.path)
                query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
                if url.path == "/env":
                    body = os.environ.get(query["name"], "<unset>")
                elif url.path == "/read":
                    body = attempt(lambda: open(query["path"]).read())
                elif url.path == "/write":
                    body = attempt(lambda: open(query["path"], "a").write("written by app\n"))
                elif url.path == "/log":
                    print(query["line"], flush=True)
                    body = "logged"
                else:
                    body = "hello"
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", port), Handler)
        print(f"listening on {port}", flush=True)
        print("stderr hello", file=sys.stderr, flush=True)
        server.serve_forever()
        """;
}
