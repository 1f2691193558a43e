"""frontwatch: verified, reproducible numbers from front-line control maps.

Layers, data flowing one way:
``sources`` (readers, live client) -> ``store`` (DuckDB, embedded) ->
``regions``/``places``/``measure``/``front`` (analytics, pure functions) ->
``claims`` (text -> claims -> checks) -> ``cli``, ``report``, ``service`` (faces).
"""

__version__ = "0.1.0"
