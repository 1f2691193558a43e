"""The analytics over the store's maps: areas per status and region, changes, peaks and shares
(:mod:`.measure`), the front line and its advance (:mod:`.front`), and who held which settlement
(:mod:`.settlements`). Pure functions over the store; nothing here prints.

May import: frontwatch.geo, frontwatch.store, frontwatch.statuses, frontwatch.notices,
frontwatch.engine.
"""
