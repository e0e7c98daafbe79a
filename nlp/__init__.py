"""Thai language processing both environments run, on PyThaiNLP pinned the same in both.

Unlike `common` it needs a third-party library, so it is its own home: the Rasa
server (tracker store, logs) and the app side (analytics worker) both import it.
It may import the standard library, `common`, PyThaiNLP and python-crfsuite.
"""
