"""The faces of frontwatch: the ``frontwatch`` command (:mod:`.cli`), the JSON API and web map
(:mod:`.service`) and the reports, charts and maps (:mod:`.report`). A face parses a request,
calls the library, and formats the answer; it computes nothing itself.
"""
