"""`envanter serve`: the built publication over HTTP for previewing and small sites, with the
minted URIs dereferenced and a read-only SPARQL 1.1 endpoint that is safe to expose.

- files.py indexes the files and says where a thing's URI leads; negotiation.py reads Accept;
  app.py is the WSGI application; server.py runs it on waitress with explicit limits.
- endpoint.py speaks the SPARQL Protocol; every query runs in a worker process (workers.py,
  zygote.py) with a time limit, a memory ceiling and no network (sandbox.py), after guard.py
  has refused anything that would reach out; results.py writes the answers.

For production, nginx serves the files and proxies /sparql to a real store (docs/serving.md).
"""
