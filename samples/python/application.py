"""Sprout sample: a dependency-free WSGI app. Beanstalk's default WSGIPath is application:application."""
import os


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/health":
        body, status = b"ok\n", "200 OK"
    elif path == "/":
        greeting = os.environ.get("GREETING", "")
        body, status = f"Hello from python! greeting={greeting}\n".encode(), "200 OK"
    else:
        body, status = b"not found\n", "404 Not Found"
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


if __name__ == "__main__":
    # Local run without Sprout; Beanstalk's Python platform default port is 8000.
    from wsgiref.simple_server import make_server

    make_server("127.0.0.1", int(os.environ.get("PORT", "8000")), application).serve_forever()
