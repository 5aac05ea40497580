namespace Sprout.Server.Builds;

/// <summary>
/// Sprout's stdlib WSGI server for python bundles without gunicorn (PyPI may be unreachable):
/// serves <c>application.application</c> (Beanstalk's default WSGIPath) on 127.0.0.1:$PORT, one thread per request.
/// </summary>
internal static class WsgiRunnerScript
{
    public const string Source = """
        # Written by Sprout's builder: serves application.py's `application` WSGI callable on 127.0.0.1:$PORT.
        import os
        import socketserver
        import sys
        from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

        APP_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        sys.path.insert(0, APP_ROOT)

        from application import application  # noqa: E402


        class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
            daemon_threads = True
            allow_reuse_address = True


        def main():
            port = int(os.environ.get("PORT", "8000"))
            server = ThreadingWSGIServer(("127.0.0.1", port), WSGIRequestHandler)
            server.set_app(application)
            print(f"sprout wsgi runner: serving application:application on 127.0.0.1:{port}", flush=True)
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                pass
            finally:
                server.server_close()


        if __name__ == "__main__":
            main()

        """;
}
