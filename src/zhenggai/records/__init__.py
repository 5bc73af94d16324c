"""What the rectification produced besides closed measures: institutions, accountability,
activities — the figures an announcement reports ("建立完善制度16项，问责2人")."""
