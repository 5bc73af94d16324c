"""The announcement's pages: `announcement` (the page, generate, save), `steps` (reasons,
masks, editions, checklist, the state machine), `downloads` (the files)."""
