"""The analytics over the store's maps: areas per status and region, changes, peaks and shares
(:mod:`.measure`, :mod:`.holdings`, :mod:`.shares`), the front line and its advance
(:mod:`.front`), who held which settlement (:mod:`.settlements`), the main job's summary
(:mod:`.summary`), what charts and maps show (:mod:`.views`) and the typed answers the workspace
gives (:mod:`.results`). Pure functions over the store; nothing here prints. ``import
frontwatch.analysis`` loads none of its modules (``__all__`` names them).

May import: frontwatch.geo, frontwatch.store, frontwatch.statuses, frontwatch.notices,
frontwatch.engine.
"""

__all__ = ["front", "holdings", "measure", "official", "results", "settlements", "shares", "summary", "tasks",
           "views"]
